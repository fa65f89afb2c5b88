package dev.fpk.physics.verdict;

import dev.fpk.physics.internal.GammaFunction;

/**
 * The upper tail {@code P(Z >= z)} of the standardised Pearson type III law of skewness {@code
 * gamma} (a shifted, scaled gamma law of shape {@code k = 4 / gamma^2}: {@code Z = (G - k) / sqrt
 * k}, {@code G ~ Gamma(k, 1)}, mean 0, variance 1), so {@code P(Z >= z) = Q(k, k + z sqrt k)} with
 * {@code Q} the regularised upper incomplete gamma function; 1 at and below {@code z = -sqrt k}.
 *
 * <p>Tabulated once as {@code ln P} at steps of 1/128 from {@code -sqrt k} to z = 40 and linearly
 * interpolated (relative error below 1e-4 where P > 1e-12), extrapolated linearly in {@code ln P}
 * beyond 40 (the gamma tail is asymptotically exponential). Immutable, thread-safe.
 */
final class PearsonTail {
  private static final int PER_UNIT = 128;
  private static final double Z_MAX = 40;

  private final double zMin;
  private final double[] lnTail;

  PearsonTail(double skewness) {
    if (!(skewness > 0)) {
      throw new IllegalArgumentException("need a positive skewness, got " + skewness);
    }
    double k = 4 / (skewness * skewness);
    double rootK = Math.sqrt(k);
    zMin = -rootK;
    int n = (int) Math.ceil((Z_MAX - zMin) * PER_UNIT);
    lnTail = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      double z = zMin + (double) i / PER_UNIT;
      lnTail[i] = Math.log(GammaFunction.upperRegularized(k, k + z * rootK));
    }
  }

  /** {@code P(Z >= z)}: 1 for {@code z <= -sqrt k}, NaN for NaN. */
  double upper(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    double x = (z - zMin) * PER_UNIT;
    if (!(x > 0)) {
      return 1;
    }
    int last = lnTail.length - 1;
    int i = Math.min((int) x, last - 1);
    double t = x - i; // beyond the table: t > 1, the last interval's line continued
    return Math.exp(lnTail[i] + t * (lnTail[i + 1] - lnTail[i]));
  }
}
