package dev.fpk.physics.joint;

import dev.fpk.physics.density.DensitySampler;
import dev.fpk.physics.density.KernelDensity;
import dev.fpk.physics.fp.TensorFokkerPlanck;
import dev.fpk.physics.fp.TimeScheme;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.grid.GridFollower;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The joint density {@code p(w_0, .., w_{d-1}, t)} of a few weights (1 to 4 axes, e.g. a 2x2 matrix)
 * on a tensor grid with the same number of cells per axis, advanced by {@link TensorFokkerPlanck}
 * with a drift that may depend on every coordinate ({@link JointFit#driftAt} plus an optional
 * per-axis remainder) and diagonal diffusion (off-diagonal {@code D_ij} neglected; the fit reports
 * how large it is). Layout and units as in {@link TensorFokkerPlanck}: flat row-major cells, density
 * per unit volume (weight units^-d), time in optimiser steps.
 *
 * <p>Start: {@link #fromSamples}, a Gaussian product-kernel density estimate of the points with each
 * axis' own 1-D Silverman bandwidth ({@link KernelDensity#silvermanBandwidth}), so that every marginal
 * is the 1-D estimate the entry-wise solver starts from (Scott's 4-D rule, {@code sigma n^(-1/8)},
 * would widen each marginal's variance by a quarter at n = 256), on grids that span the points' range
 * plus a quarter of it on each side.
 *
 * <p>The grid follows the weights with a fixed cell count (so the cost of a step stays {@code
 * cells^d}): {@link #follow} re-grids an axis when the support (the data's range together with the
 * theory marginal's 0.1%..99.9% quantiles) comes within 2% of the width of a wall, or fills less than
 * 40% of the width; the new axis spans the support plus a quarter of it on each side, and the density
 * is remapped conservatively along that axis (mass kept to round-off, some smoothing by one cell).
 *
 * <p>Not thread-safe.
 */
public final class JointDensity {
  /** Tail mass cut from each side of a marginal to get the theory's support. */
  private static final double TAIL = 1e-3;

  private static final double WALL = 0.02;
  /** Margin each side of the support, as a fraction of its span, when an axis is re-gridded. */
  private static final double MARGIN = 0.25;
  /** An axis whose support fills less than this fraction of its width is re-gridded (finer cells). */
  private static final double MIN_FILL = 0.4;
  /** Smallest span of an axis, relative to the weights' magnitude (at least 1e-6 weight units). */
  private static final double MIN_SPAN = 1e-6;

  private final int cells;
  private final TimeScheme scheme;
  private Grid1D[] axes;
  private double[] density;
  private TensorFokkerPlanck fp;
  private double[] centresByCell;
  /** Field buffers of one axis, reused (the solver copies fields into its face coefficients). */
  private double[] mu;
  private double[] dd;

  /**
   * @param axes grid of each axis, 1 to 4, every one with the same number of cells (>= 2)
   * @param density flat row-major values per unit volume (kept, not copied)
   */
  public JointDensity(Grid1D[] axes, double[] density, TimeScheme scheme) {
    this.cells = axes[0].cells();
    for (Grid1D g : axes) {
      if (g.cells() != cells) {
        throw new IllegalArgumentException("every axis needs " + cells + " cells, got " + g.cells());
      }
    }
    this.scheme = scheme;
    this.axes = axes.clone();
    this.fp = new TensorFokkerPlanck(this.axes, scheme);
    if (density.length != fp.size()) {
      throw new IllegalArgumentException("need " + fp.size() + " density values, got " + density.length);
    }
    this.density = density;
  }

  /** The product-kernel estimate of {@code points} ({@code n x d}) on {@code cells} cells per axis. */
  public static JointDensity fromSamples(double[][] points, int cells, TimeScheme scheme) {
    if (points.length == 0) {
      throw new IllegalArgumentException("need at least one point");
    }
    int d = points[0].length;
    Grid1D[] axes = new Grid1D[d];
    double[][] column = new double[d][];
    for (int k = 0; k < d; k++) {
      column[k] = column(points, k);
      axes[k] = spanning(min(column[k]), max(column[k]), cells);
    }
    return new JointDensity(axes, productKernelEstimate(axes, points, column), scheme);
  }

  public int dimensions() {
    return axes.length;
  }

  public int cellsPerAxis() {
    return cells;
  }

  public Grid1D axis(int k) {
    return axes[k];
  }

  /** The grids of every axis (a copy of the array). */
  public Grid1D[] axes() {
    return axes.clone();
  }

  /** The density values, flat row-major (the live array: do not modify). */
  public double[] values() {
    return density;
  }

  /** Total mass, cell volume times the sum (1 up to round-off). */
  public double mass() {
    return fp.mass(density);
  }

  /**
   * Re-grids the axes whose support needs it (see the class comment) for the current points ({@code
   * n x d}; none: the theory's own support); returns true if any axis changed.
   */
  public boolean follow(double[][] points) {
    boolean changed = false;
    for (int k = 0; k < axes.length; k++) {
      double[] col = column(points, k);
      double[] theory = GridFollower.support(axes[k], marginal(k), TAIL);
      double lo = Double.isNaN(theory[0]) ? min(col) : Math.min(min(col), theory[0]);
      double hi = Double.isNaN(theory[1]) ? max(col) : Math.max(max(col), theory[1]);
      if (!(lo <= hi)) {
        continue; // no points and no mass: nothing to follow
      }
      Grid1D g = axes[k];
      double width = g.hi() - g.lo();
      boolean nearWall = lo < g.lo() + WALL * width || hi > g.hi() - WALL * width;
      boolean tooCoarse = hi - lo < MIN_FILL * width;
      if (nearWall || tooCoarse) {
        Grid1D next = spanning(lo, hi, cells);
        density = remapAxis(density, k, next);
        axes[k] = next;
        changed = true;
      }
    }
    if (changed) {
      fp = new TensorFokkerPlanck(axes, scheme);
      centresByCell = null;
    }
    return changed;
  }

  /**
   * Advances the density by {@code dt} steps in {@code substeps} Strang substeps with drift {@code
   * mu_k(w) = fit.driftAt(k, w) + extraDrift[k][i_k]} and diffusion {@code D_k(w) = diffusion[k][i_k]}
   * ({@code extraDrift} and {@code diffusion} per cell of axis {@code k}, depending on {@code w_k}
   * only; {@code extraDrift == null} adds nothing, {@code diffusion == null} takes the fit's {@code
   * D_kk}). Diffusion is floored at {@code 1e-6 h_k^2} per step so the fluxes stay finite.
   */
  public void advance(JointFit fit, double[][] extraDrift, double[][] diffusion, double dt, int substeps) {
    int d = axes.length;
    if (fit.dimension() != d) {
      throw new IllegalArgumentException("fit of dimension " + fit.dimension() + " for " + d + " axes");
    }
    if (mu == null || mu.length != density.length) {
      mu = new double[density.length];
      dd = new double[density.length];
    }
    double[][] terms = new double[d][cells];
    for (int k = 0; k < d; k++) {
      // drift: b_k + sum_j A_kj w_j + extra_k(w_k), an outer sum of one term per axis
      for (int j = 0; j < d; j++) {
        for (int i = 0; i < cells; i++) {
          terms[j][i] = fit.aAt(k, j) * axes[j].centre(i) + (j == k && extraDrift != null ? extraDrift[k][i] : 0);
        }
      }
      outerSum(fit.b()[k], terms, mu);
      double floor = 1e-6 * axes[k].width() * axes[k].width();
      for (int j = 0; j < d; j++) {
        for (int i = 0; i < cells; i++) {
          double dk = diffusion == null ? fit.diffusionAt(k, k) : diffusion[k][i];
          terms[j][i] = j != k ? 0 : (Double.isFinite(dk) ? Math.max(dk, floor) : floor);
        }
      }
      outerSum(0, terms, dd);
      fp.setFields(k, mu, dd);
    }
    fp.advance(density, dt, substeps);
  }

  /** {@code out[(i_0, .., i_{d-1})] = base + sum_j terms[j][i_j]}, row-major, built axis by axis. */
  private void outerSum(double base, double[][] terms, double[] out) {
    out[0] = base;
    int len = 1;
    for (double[] t : terms) {
      // expand from the back so the prefix still being read is not overwritten
      for (int p = len - 1; p >= 0; p--) {
        double v = out[p];
        for (int i = cells - 1; i >= 0; i--) {
          out[p * cells + i] = v + t[i];
        }
      }
      len *= cells;
    }
  }

  /** Marginal density of axis {@code k}, per unit weight on {@link #axis}(k). */
  public double[] marginal(int k) {
    double[] m = new double[cells];
    int s = strides()[k];
    double other = cellVolume() / axes[k].width();
    for (int c = 0; c < density.length; c++) {
      m[(c / s) % cells] += density[c];
    }
    for (int i = 0; i < cells; i++) {
      m[i] *= other;
    }
    return m;
  }

  /** Mean of every coordinate (weight units). */
  public double[] mean() {
    double[] centres = centres();
    int d = axes.length;
    double[] m = new double[d];
    double total = 0;
    for (int c = 0; c < density.length; c++) {
      total += density[c];
      for (int k = 0; k < d; k++) {
        m[k] += density[c] * centres[c * d + k];
      }
    }
    for (int k = 0; k < d; k++) {
      m[k] /= total;
    }
    return m;
  }

  /**
   * Covariance matrix, row-major {@code d x d} (weight units^2), with the within-cell variance
   * {@code h_k^2 / 12} of a piecewise-constant density added to the diagonal.
   */
  public double[] covariance() {
    double[] centres = centres();
    double[] m = mean();
    int d = axes.length;
    double[] cov = new double[d * d];
    double total = 0;
    for (int c = 0; c < density.length; c++) {
      total += density[c];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          cov[i * d + j] += density[c] * (centres[c * d + i] - m[i]) * (centres[c * d + j] - m[j]);
        }
      }
    }
    for (int i = 0; i < d * d; i++) {
      cov[i] /= total;
    }
    for (int k = 0; k < d; k++) {
      cov[k * d + k] += axes[k].width() * axes[k].width() / 12;
    }
    return cov;
  }

  /**
   * {@code n} independent points ({@code n x d}) drawn from the density: a cell by inverting the
   * cumulative cell masses, then uniform within the cell. NaN points if the density has no mass.
   */
  public double[][] sample(int n, RandomGenerator rnd) {
    int d = axes.length;
    double[] cum = new double[density.length + 1];
    for (int c = 0; c < density.length; c++) {
      cum[c + 1] = cum[c] + Math.max(density[c], 0);
    }
    double total = cum[density.length];
    int[] stride = strides();
    double[][] out = new double[n][d];
    for (int s = 0; s < n; s++) {
      if (!(total > 0)) {
        Arrays.fill(out[s], Double.NaN);
        continue;
      }
      int lo = DensitySampler.cellOf(cum, rnd.nextDouble() * total);
      for (int k = 0; k < d; k++) {
        int ik = (lo / stride[k]) % cells;
        out[s][k] = axes[k].edge(ik) + rnd.nextDouble() * axes[k].width();
      }
    }
    return out;
  }

  private double cellVolume() {
    double v = 1;
    for (Grid1D g : axes) {
      v *= g.width();
    }
    return v;
  }

  private int[] strides() {
    int[] stride = new int[axes.length];
    int s = 1;
    for (int k = axes.length - 1; k >= 0; k--) {
      stride[k] = s;
      s *= cells;
    }
    return stride;
  }

  /** Cell centres, flat: coordinate k of cell c at {@code [c * d + k]} (cached until the grid moves). */
  private double[] centres() {
    if (centresByCell == null) {
      int d = axes.length;
      int[] stride = strides();
      centresByCell = new double[density.length * d];
      for (int c = 0; c < density.length; c++) {
        for (int k = 0; k < d; k++) {
          centresByCell[c * d + k] = axes[k].centre((c / stride[k]) % cells);
        }
      }
    }
    return centresByCell;
  }

  /** The density with axis k remapped conservatively onto {@code to} (same cell count). */
  private double[] remapAxis(double[] p, int k, Grid1D to) {
    int s = strides()[k];
    int outer = p.length / (cells * s);
    double[] out = new double[p.length];
    double[] line = new double[cells];
    for (int o = 0; o < outer; o++) {
      for (int r = 0; r < s; r++) {
        int base = o * cells * s + r;
        for (int i = 0; i < cells; i++) {
          line[i] = p[base + i * s];
        }
        double[] moved = Grid1D.remap(axes[k], line, to);
        for (int i = 0; i < cells; i++) {
          out[base + i * s] = moved[i];
        }
      }
    }
    return out;
  }

  /** Cells over [lo - m, hi + m], m = MARGIN * (hi - lo) (the span at least a small absolute one). */
  private static Grid1D spanning(double lo, double hi, int cells) {
    double span = Math.max(hi - lo, MIN_SPAN * Math.max(1.0, Math.abs(lo + hi) / 2));
    return Grid1D.of(lo - MARGIN * span, hi + MARGIN * span, cells);
  }

  /** Sum over points of the product of per-axis Gaussian kernels, integrated over each cell, / n. */
  private static double[] productKernelEstimate(Grid1D[] axes, double[][] points, double[][] column) {
    int d = axes.length;
    int n = points.length;
    int cells = axes[0].cells();
    double[] bw = new double[d];
    for (int k = 0; k < d; k++) {
      bw[k] = KernelDensity.silvermanBandwidth(axes[k], column[k]);
    }
    int size = 1;
    for (int k = 0; k < d; k++) {
      size *= cells;
    }
    double[] p = new double[size];
    double[][] kernel = new double[d][];
    for (double[] x : points) {
      for (int k = 0; k < d; k++) {
        kernel[k] = KernelDensity.estimate(axes[k], new double[] {x[k]}, bw[k]);
      }
      addProduct(p, kernel, cells, 0, 0, 1.0 / n);
    }
    return p;
  }

  /** p[cell] += weight * prod_k kernel[k][i_k], recursively over the axes, skipping zero factors. */
  private static void addProduct(double[] p, double[][] kernel, int cells, int k, int base, double weight) {
    if (k == kernel.length) {
      p[base] += weight;
      return;
    }
    for (int i = 0; i < cells; i++) {
      double f = kernel[k][i];
      if (f != 0) {
        addProduct(p, kernel, cells, k + 1, base * cells + i, weight * f);
      }
    }
  }

  private static double[] column(double[][] points, int k) {
    double[] col = new double[points.length];
    for (int i = 0; i < points.length; i++) {
      col[i] = points[i][k];
    }
    return col;
  }

  private static double min(double[] xs) {
    double m = Double.POSITIVE_INFINITY;
    for (double x : xs) {
      m = Math.min(m, x);
    }
    return m;
  }

  private static double max(double[] xs) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : xs) {
      m = Math.max(m, x);
    }
    return m;
  }
}
