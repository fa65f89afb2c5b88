package dev.fpk.physics.density;

import dev.fpk.physics.grid.Grid1D;
import java.util.random.RandomGenerator;

/**
 * Samples from a density on a {@link Grid1D} (per unit weight, piecewise constant within cells,
 * normalised by its own mass) by inverting its piecewise-linear CDF: a sample is uniform within the
 * cell its CDF level falls into. Used by theory to draw weights {@code W ~ p(w, t)}. A density of
 * zero mass gives NaN samples. Stateless; thread-safe if the random generator is.
 */
public final class DensitySampler {
  private DensitySampler() {}

  /** {@code n} independent samples. */
  public static double[] sample(Grid1D g, double[] density, int n, RandomGenerator rnd) {
    double[] cum = cdf(g, density);
    double[] out = new double[n];
    for (int k = 0; k < n; k++) {
      out[k] = cum == null ? Double.NaN : invert(g, cum, rnd.nextDouble());
    }
    return out;
  }

  /**
   * The {@code (k + 1/2) / n} quantiles, {@code k = 0 .. n-1}: a deterministic, sorted "sample".
   */
  public static double[] quantiles(Grid1D g, double[] density, int n) {
    double[] cum = cdf(g, density);
    double[] out = new double[n];
    for (int k = 0; k < n; k++) {
      out[k] = cum == null ? Double.NaN : invert(g, cum, (k + 0.5) / n);
    }
    return out;
  }

  /**
   * The quantiles at the given {@code levels} (each in [0, 1], e.g. 0.05 for the 5% quantile), in
   * weight units: where the CDF, linear within each cell, reaches each level. NaN for a density of
   * zero mass. The live page's distribution bands over the steps use it on the Fokker-Planck
   * density and on the replicas' histogram (the same cells).
   */
  public static double[] quantilesAt(Grid1D g, double[] density, double... levels) {
    double[] cum = cdf(g, density);
    double[] out = new double[levels.length];
    for (int k = 0; k < levels.length; k++) {
      if (!(levels[k] >= 0 && levels[k] <= 1)) {
        throw new IllegalArgumentException("levels must be in [0, 1], got " + levels[k]);
      }
      out[k] = cum == null ? Double.NaN : invert(g, cum, Math.min(levels[k], Math.nextDown(1.0)));
    }
    return out;
  }

  private static double[] cdf(Grid1D g, double[] p) {
    if (p.length != g.cells()) {
      throw new IllegalArgumentException("need " + g.cells() + " values, got " + p.length);
    }
    double[] cum = new double[p.length + 1];
    for (int i = 0; i < p.length; i++) {
      cum[i + 1] = cum[i] + Math.max(p[i], 0);
    }
    double total = cum[p.length];
    if (!(total > 0) || !Double.isFinite(total)) {
      return null;
    }
    for (int i = 0; i <= p.length; i++) {
      cum[i] /= total;
    }
    return cum;
  }

  private static double invert(Grid1D g, double[] cum, double u) {
    int lo = cellOf(cum, u);
    double mass = cum[lo + 1] - cum[lo];
    double t = mass > 0 ? (u - cum[lo]) / mass : 0.5;
    return g.edge(lo) + t * g.width();
  }

  /**
   * The cell {@code c} whose cumulative mass interval holds {@code u}: {@code cum[c] <= u < cum[c +
   * 1]}, for non-decreasing {@code cum} of length cells + 1 with {@code cum[0] <= u < cum[cells]}
   * (binary search).
   */
  public static int cellOf(double[] cum, double u) {
    int lo = 0;
    int hi = cum.length - 1;
    while (hi - lo > 1) { // cum[lo] <= u < cum[hi]
      int mid = (lo + hi) >>> 1;
      if (cum[mid] <= u) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
