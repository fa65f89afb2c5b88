package dev.fpk.physics.spectral;

import java.util.function.DoubleUnaryOperator;

/**
 * Kolmogorov-Smirnov distance {@code sup_x |F_n(x) - F(x)|} between the empirical distribution of a
 * sorted sample and a continuous CDF {@code F}: at each sample point the larger of the gaps to the
 * empirical CDF just before ({@code i / n}) and at it ({@code (i + 1) / n}). NaN for an empty
 * sample. Stateless, thread-safe.
 */
final class KsDistance {
  private KsDistance() {}

  /** The distance of {@code sorted[from .. to)} (ascending) to {@code cdf}; NaN if empty. */
  static double of(double[] sorted, int from, int to, DoubleUnaryOperator cdf) {
    int n = to - from;
    if (n <= 0) {
      return Double.NaN;
    }
    double d = 0;
    for (int i = 0; i < n; i++) {
      double f = cdf.applyAsDouble(sorted[from + i]);
      d = Math.max(d, Math.max(f - (double) i / n, (double) (i + 1) / n - f));
    }
    return d;
  }

  /** The distance of the whole ascending sample to {@code cdf}; NaN if empty. */
  static double of(double[] sorted, DoubleUnaryOperator cdf) {
    return of(sorted, 0, sorted.length, cdf);
  }
}
