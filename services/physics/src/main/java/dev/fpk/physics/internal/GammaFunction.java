package dev.fpk.physics.internal;

/**
 * The logarithm of the gamma function and the regularised upper incomplete gamma function {@code
 * Q(a, x) = Gamma(a, x) / Gamma(a)}, to about 1e-14 relative.
 *
 * <p>{@code ln Gamma} by Lanczos' approximation (g = 7, 9 coefficients); {@code Q} from the series
 * of {@code P = 1 - Q} for {@code x < a + 1} and from its continued fraction (modified Lentz)
 * beyond, as in Numerical Recipes §6.2. Stateless, thread-safe.
 */
public final class GammaFunction {
  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7
  };
  private static final double HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final double EPS = 1e-16;
  private static final double TINY = 1e-300;
  private static final int MAX_TERMS = 10_000;

  private GammaFunction() {}

  /** {@code ln Gamma(x)} for {@code x > 0}; NaN otherwise. */
  public static double lnGamma(double x) {
    if (!(x > 0)) {
      return Double.NaN;
    }
    if (x < 0.5) { // reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x)
      return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
    }
    double z = x - 1;
    double sum = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      sum += LANCZOS[i] / (z + i);
    }
    double t = z + 7.5;
    return HALF_LN_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }

  /**
   * The regularised upper incomplete gamma function {@code Q(a, x) = 1 - P(a, x)}, for {@code a >
   * 0}; 1 for {@code x <= 0}, NaN for NaN arguments or {@code a <= 0}.
   */
  public static double upperRegularized(double a, double x) {
    if (Double.isNaN(x) || !(a > 0)) {
      return Double.NaN;
    }
    if (x <= 0) {
      return 1;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 0;
    }
    double prefactor = Math.exp(-x + a * Math.log(x) - lnGamma(a));
    if (x < a + 1) {
      double ap = a;
      double term = 1 / a;
      double sum = term;
      for (int n = 0; n < MAX_TERMS && Math.abs(term) > Math.abs(sum) * EPS; n++) {
        ap++;
        term *= x / ap;
        sum += term;
      }
      return Math.max(0, 1 - sum * prefactor);
    }
    double b = x + 1 - a;
    double c = 1 / TINY;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i <= MAX_TERMS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      d = Math.abs(d) < TINY ? TINY : d;
      c = b + an / c;
      c = Math.abs(c) < TINY ? TINY : c;
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPS) {
        break;
      }
    }
    return prefactor * h;
  }
}
