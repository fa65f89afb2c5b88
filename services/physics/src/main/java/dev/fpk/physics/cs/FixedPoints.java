package dev.fpk.physics.cs;

import java.util.ArrayList;
import java.util.List;

/**
 * Fixed points of a 1-D drift given at grid centres: the zeros of {@code beta(w) = mu(w)}, found
 * by sign changes between consecutive valid (non-NaN) samples and located by linear interpolation.
 *
 * <p>The slope at a zero is the secant slope of its interval, corrected by the curvature from the
 * neighbouring samples ({@code f'(w*) ~ s + f'' (w* - midpoint)}, second order on a uniform grid);
 * a sample that is exactly zero is reported at its centre with the central-difference slope. Drift
 * in weight units per step, slope per step; negative slope = attractive. Empty or all-NaN input
 * gives an empty list. Stateless, thread-safe.
 */
public final class FixedPoints {
  private FixedPoints() {}

  /**
   * The fixed points, in increasing {@code w}.
   *
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public static List<FixedPoint> of(double[] centres, double[] drift) {
    if (centres.length != drift.length) {
      throw new IllegalArgumentException("centres and drift differ in length");
    }
    int[] idx = new int[drift.length];
    int n = 0;
    for (int i = 0; i < drift.length; i++) {
      if (!Double.isNaN(drift[i]) && !Double.isNaN(centres[i])) {
        idx[n++] = i;
      }
    }
    List<FixedPoint> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      double f = drift[idx[k]];
      double x = centres[idx[k]];
      if (f == 0) {
        out.add(new FixedPoint(x, derivative(centres, drift, idx, n, k)));
        continue;
      }
      if (k + 1 < n) {
        double f1 = drift[idx[k + 1]];
        double x1 = centres[idx[k + 1]];
        if (f1 != 0 && (f < 0) != (f1 < 0)) {
          double s = (f1 - f) / (x1 - x);
          double w = x - f / s;
          out.add(new FixedPoint(w, s + curvature(centres, drift, idx, n, k) * (w - 0.5 * (x + x1))));
        }
      }
    }
    return out;
  }

  private static double derivative(double[] c, double[] f, int[] idx, int n, int k) {
    int a = idx[Math.max(k - 1, 0)];
    int b = idx[Math.min(k + 1, n - 1)];
    return a == b ? Double.NaN : (f[b] - f[a]) / (c[b] - c[a]);
  }

  /** Second derivative near the interval (k, k+1) from three or four valid samples, 0 if too few. */
  private static double curvature(double[] c, double[] f, int[] idx, int n, int k) {
    double sum = 0;
    int m = 0;
    for (int j = k; j <= k + 1; j++) {
      if (j - 1 >= 0 && j + 1 < n) {
        int a = idx[j - 1];
        int b = idx[j];
        int d = idx[j + 1];
        double s1 = (f[b] - f[a]) / (c[b] - c[a]);
        double s2 = (f[d] - f[b]) / (c[d] - c[b]);
        sum += 2 * (s2 - s1) / (c[d] - c[a]);
        m++;
      }
    }
    return m == 0 ? 0 : sum / m;
  }
}
