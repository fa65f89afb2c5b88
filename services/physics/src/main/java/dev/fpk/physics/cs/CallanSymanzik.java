package dev.fpk.physics.cs;

import dev.fpk.physics.grid.Grid1D;

/**
 * Callan-Symanzik reading of the 1-D Fokker-Planck equation (PHYSICS.md section 5): {@code dp/dt +
 * beta dp/dw + gamma p = d^2(D p)/dw^2} with the beta function {@code beta(w) = mu(w)} and the
 * anomalous dimension {@code gamma(w) = d mu / dw}. Fixed points are in {@link FixedPoints}; in
 * several dimensions {@code gamma = div mu} ({@link #divergence}) and the stability of a fixed
 * point is given by the Jacobian's eigenvalues ({@link Jacobians}).
 *
 * <p>Units: drift in weight units per step, gamma per step, {@code D} in weight units squared per
 * step ({@code dW = mu dt + sqrt(2D) dB}). NaN in a field propagates to the cells whose stencil
 * uses it. Stateless, thread-safe.
 */
public final class CallanSymanzik {
  private CallanSymanzik() {}

  /** The beta function: the drift itself (a copy). */
  public static double[] beta(double[] drift) {
    return drift.clone();
  }

  /**
   * The anomalous dimension {@code gamma = d mu / dw}: central differences, one-sided at the ends.
   */
  public static double[] gamma(Grid1D g, double[] drift) {
    return derivative(drift, g.width());
  }

  /**
   * {@code div mu = sum_k d mu_k / dw_k} on a tensor grid (flat, row-major, last axis fastest),
   * each partial derivative by central differences along its axis (one-sided at the walls).
   */
  public static double[] divergence(Grid1D[] axes, double[][] driftComponents) {
    int size = 1;
    for (Grid1D a : axes) {
      size *= a.cells();
    }
    double[] div = new double[size];
    int stride = size;
    for (int k = 0; k < axes.length; k++) {
      int n = axes[k].cells();
      stride /= n;
      double[] mu = driftComponents[k];
      double h = axes[k].width();
      for (int c = 0; c < size; c++) {
        int i = (c / stride) % n;
        int lo = i == 0 ? c : c - stride;
        int hi = i == n - 1 ? c : c + stride;
        div[c] += (mu[hi] - mu[lo]) / ((hi - lo) / stride * h);
      }
    }
    return div;
  }

  /**
   * Flow versus diffusion parts of {@code dp/dt} on the grid, in flux form with zero flux through
   * the walls: flow flux {@code mu_f (p_i + p_{i+1}) / 2}, diffusion flux {@code -(D_{i+1} p_{i+1}
   * - D_i p_i) / h}, face drift the average of the centres.
   */
  public static FlowShare flowShare(
      Grid1D g, double[] density, double[] drift, double[] diffusion) {
    int n = g.cells();
    double h = g.width();
    double[] flow = new double[n];
    double[] diff = new double[n];
    double fPrev = 0;
    double dPrev = 0;
    double sumF = 0;
    double sumD = 0;
    for (int i = 0; i < n; i++) {
      double f = 0;
      double d = 0;
      if (i < n - 1) {
        f = 0.5 * (drift[i] + drift[i + 1]) * 0.5 * (density[i] + density[i + 1]);
        d = -(diffusion[i + 1] * density[i + 1] - diffusion[i] * density[i]) / h;
      }
      flow[i] = (fPrev - f) / h;
      diff[i] = (dPrev - d) / h;
      fPrev = f;
      dPrev = d;
      sumF += Math.abs(flow[i]);
      sumD += Math.abs(diff[i]);
    }
    double share = sumF + sumD > 0 ? sumF / (sumF + sumD) : Double.NaN;
    return new FlowShare(share, flow, diff);
  }

  /** Central differences, one-sided at the ends. */
  static double[] derivative(double[] f, double h) {
    int n = f.length;
    double[] d = new double[n];
    if (n < 2) {
      java.util.Arrays.fill(d, Double.NaN);
      return d;
    }
    d[0] = (f[1] - f[0]) / h;
    d[n - 1] = (f[n - 1] - f[n - 2]) / h;
    for (int i = 1; i < n - 1; i++) {
      d[i] = (f[i + 1] - f[i - 1]) / (2 * h);
    }
    return d;
  }
}
