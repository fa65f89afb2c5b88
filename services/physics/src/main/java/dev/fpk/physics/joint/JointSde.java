package dev.fpk.physics.joint;

import dev.fpk.physics.grid.Grid1D;

/**
 * The fields of a {@code d}-dimensional Ito SDE {@code dW = mu(W) dt + sqrt(2 D(W)) dB} built from
 * a {@link JointFit}, in which {@link JointParticles} move:
 *
 * <pre>
 *   mu_k(w) = (A w + b)_k + r_k(w_k),   D_ij(w) = C_ij s_i(w_i) s_j(w_j),   C_ij = D_ij / sqrt(D_ii D_jj)
 * </pre>
 *
 * <p>{@code A, b, D} are the fit's (drift linear in every coordinate, full residual diffusion
 * matrix). Optionally each axis adds a drift remainder {@code r_k} and replaces the fit's {@code
 * D_kk} by a diffusion {@code s_k^2} that depend on its own coordinate (e.g. an entry-wise
 * estimate's nonlinear part), both tabulated at the centres of a grid per axis and interpolated
 * linearly between them (the end values beyond the outer centres); the fit's residual correlations
 * {@code C} are kept, so the diffusion matrix stays positive semi-definite. Because {@code S =
 * diag(s)} is diagonal, the factor of {@code 2 D(w)} is {@code S L} with {@code L L^T = 2C}
 * factored once ({@link #noise}); a correlation matrix that is not positive definite to a relative
 * pivot of 1e-12 (round-off of a fit with perfectly correlated residuals) falls back to the
 * identity (correlations dropped), reported by {@link #correlated}.
 *
 * <p>{@link #withNeighbourDrift} replaces the remainders {@code r_k(w_k)} by the replicas' own
 * residuals from {@code A w + b} near {@code w} ({@link NeighbourDrift}), keeping the diffusion.
 *
 * <p>Units: time in optimiser steps, drift in weight units per step, diffusion in weight units^2
 * per step. Immutable (the tables are not copied), thread-safe.
 */
public final class JointSde {
  private final int d;
  private final JointFit fit;
  private final Grid1D[] axes;
  private final double[][] remainder;
  private final double[][] diffusion;

  /** Lower Cholesky factor of 2C, row-major. */
  private final double[] factor;

  private final boolean correlated;

  /** When not null, the correction to {@code A w + b} in place of the remainders. */
  private final NeighbourDrift neighbours;

  /** The linear SDE of the fit alone: drift {@code A w + b}, constant diffusion {@code D}. */
  public static JointSde linear(JointFit fit) {
    return new JointSde(fit, null, null, null);
  }

  /**
   * @param fit a usable fit ({@link JointFit#usable})
   * @param axes per axis, the grid whose cell centres the tables are given at (null: no tables)
   * @param remainder per axis, the drift added at each centre (null: none)
   * @param diffusion per axis, {@code D_kk} at each centre, {@code >= 0} (null: the fit's {@code
   *     D_kk})
   */
  public JointSde(JointFit fit, Grid1D[] axes, double[][] remainder, double[][] diffusion) {
    if (!fit.usable()) {
      throw new IllegalArgumentException("the fit is not usable (no data or no spread yet)");
    }
    if ((remainder != null || diffusion != null)
        && (axes == null || axes.length != fit.dimension())) {
      throw new IllegalArgumentException("tables need a grid per axis (" + fit.dimension() + ")");
    }
    this.d = fit.dimension();
    this.fit = fit;
    this.axes = axes;
    this.remainder = remainder;
    this.diffusion = diffusion;
    double[] twoC = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        twoC[i * d + j] =
            2 * fit.diffusionAt(i, j) / Math.sqrt(fit.diffusionAt(i, i) * fit.diffusionAt(j, j));
      }
    }
    double[] l = LinearDriftEstimator.cholesky(twoC, d);
    this.correlated = l != null;
    if (l == null) {
      l = new double[d * d];
      for (int k = 0; k < d; k++) {
        l[k * d + k] = Math.sqrt(2);
      }
    }
    this.factor = l;
    this.neighbours = null;
  }

  private JointSde(JointSde sde, NeighbourDrift neighbours) {
    this.d = sde.d;
    this.fit = sde.fit;
    this.axes = sde.axes;
    this.remainder = sde.remainder;
    this.diffusion = sde.diffusion;
    this.factor = sde.factor;
    this.correlated = sde.correlated;
    this.neighbours = neighbours;
  }

  /**
   * This SDE with the drift {@code A w + b} plus the neighbours' residuals (same dimension) and the
   * same diffusion.
   */
  public JointSde withNeighbourDrift(NeighbourDrift neighbours) {
    if (neighbours.dimension() != d) {
      throw new IllegalArgumentException(
          "a drift of dimension " + neighbours.dimension() + " for an SDE of " + d);
    }
    return new JointSde(this, neighbours);
  }

  public int dimension() {
    return d;
  }

  /** False when the fit's residual correlations had to be dropped (see the class comment). */
  public boolean correlated() {
    return correlated;
  }

  /** {@code mu(w)} into {@code out}, weight units per step. */
  public void drift(double[] w, double[] out) {
    if (neighbours != null) {
      neighbours.driftAt(w, out);
      for (int k = 0; k < d; k++) {
        out[k] += fit.driftAt(k, w);
      }
      return;
    }
    for (int k = 0; k < d; k++) {
      out[k] =
          fit.driftAt(k, w) + (remainder == null ? 0 : interpolate(axes[k], remainder[k], w[k]));
    }
  }

  /**
   * The noise of one Euler-Maruyama step of {@code h} steps at {@code w}: {@code sqrt(h) S(w) L z}
   * for standard normal {@code z}, into {@code out} ({@code z} is read, not changed).
   */
  public void noise(double[] w, double[] z, double h, double[] out) {
    double sh = Math.sqrt(h);
    for (int k = 0; k < d; k++) {
      double s = 0;
      for (int j = 0; j <= k; j++) {
        s += factor[k * d + j] * z[j];
      }
      out[k] = sh * scale(k, w[k]) * s;
    }
  }

  /**
   * A bound on the fastest relaxation rate of the linear drift, per step: the largest Gershgorin
   * radius {@code max_k sum_j |A_kj|} (a step {@code h} with {@code rate h << 1} keeps
   * Euler-Maruyama's bias small).
   */
  public double fastestRate() {
    double worst = 0;
    for (int k = 0; k < d; k++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += Math.abs(fit.aAt(k, j));
      }
      worst = Math.max(worst, s);
    }
    return worst;
  }

  /** {@code s_k(w_k) = sqrt(D_kk(w_k))}. */
  private double scale(int k, double wk) {
    double dk = diffusion == null ? fit.diffusionAt(k, k) : interpolate(axes[k], diffusion[k], wk);
    return Math.sqrt(Math.max(dk, 0));
  }

  /**
   * Linear interpolation of values at the cell centres of g; the end values beyond the outer
   * centres.
   */
  static double interpolate(Grid1D g, double[] values, double w) {
    double x = (w - g.lo()) / g.width() - 0.5;
    if (!(x > 0)) {
      return values[0];
    }
    int n = g.cells();
    if (x >= n - 1) {
      return values[n - 1];
    }
    int i = (int) x;
    double f = x - i;
    return values[i] + f * (values[i + 1] - values[i]);
  }
}
