package dev.fpk.physics.spectral;

import java.util.Arrays;

/**
 * Nearest-neighbour spacings of the unfolded bulk of one or several spectra, compared by KS
 * distance with the Wigner surmise {@code P(s) = (pi s / 2) exp(-pi s^2 / 4)} (CDF {@code 1 -
 * exp(-pi s^2 / 4)}: level repulsion, as of a random matrix) and with Poisson {@code exp(-s)} (CDF
 * {@code 1 - exp(-s)}: independent levels).
 *
 * <p>Unfolding: the bulk is the eigenvalues at or below a given edge (the Marchenko-Pastur edge:
 * spikes are not bulk). Their counting function (the rank, per spectrum when several are pooled) is
 * fitted by least squares with a polynomial of degree {@code min(}{@link #MAX_DEGREE}{@code ,
 * levels / 20)} in the singular value {@code sqrt(x)} (Chebyshev basis on the bulk's range; in
 * {@code sqrt(x)} the counting function of a square matrix's bulk is smooth down to 0). Each
 * spectrum's levels are mapped through the fit, the spacings of consecutive unfolded levels taken,
 * leaving out {@link #EDGE_FRACTION} of each spectrum's bulk levels at either end (where a
 * polynomial follows the square-root edges of the density worst), pooled and divided by their mean
 * so that the mean spacing is 1. Dimensionless.
 *
 * <p>Fewer than two spacings: NaN distances. Stateless, thread-safe.
 */
public final class LevelSpacings {
  /** Highest degree of the counting function's polynomial. */
  public static final int MAX_DEGREE = 9;

  /** Share of each spectrum's bulk levels left out at either end. */
  public static final double EDGE_FRACTION = 0.1;

  /**
   * The spacing statistics.
   *
   * @param wignerKs KS distance of the spacings to the Wigner surmise
   * @param poissonKs KS distance of the spacings to Poisson
   * @param count number of spacings
   */
  public record Result(double wignerKs, double poissonKs, int count) {}

  private LevelSpacings() {}

  /**
   * The spacing statistics of spectra (each ascending, not modified) pooled, each unfolded bulk
   * being the eigenvalues {@code <= edge} (all of them when {@code edge} is NaN).
   */
  public static Result of(double[][] spectra, double edge) {
    double[] s = spacings(spectra, edge);
    if (s.length < 2) {
      return new Result(Double.NaN, Double.NaN, s.length);
    }
    Arrays.sort(s);
    return new Result(
        KsDistance.of(s, x -> x <= 0 ? 0 : 1 - Math.exp(-Math.PI * x * x / 4)),
        KsDistance.of(s, x -> x <= 0 ? 0 : 1 - Math.exp(-x)),
        s.length);
  }

  /** The pooled unfolded spacings, mean 1, unsorted; empty when there are none. */
  static double[] spacings(double[][] spectra, double edge) {
    int[] bulk = new int[spectra.length];
    int total = 0;
    for (int r = 0; r < spectra.length; r++) {
      bulk[r] = bulkSize(spectra[r], edge);
      total += bulk[r];
    }
    if (total < 3) {
      return new double[0];
    }
    double[] t = new double[total];
    int at = 0;
    for (int r = 0; r < spectra.length; r++) {
      for (int i = 0; i < bulk[r]; i++) {
        t[at++] = Math.sqrt(spectra[r][i]);
      }
    }
    Arrays.sort(t);
    double lo = t[0];
    double hi = t[total - 1];
    if (!(hi > lo)) {
      return new double[0];
    }
    // pooled counting function per spectrum at each level: (rank + 1/2) / spectra
    double[] count = new double[total];
    for (int i = 0; i < total; i++) {
      count[i] = (i + 0.5) / spectra.length;
    }
    int degree = Math.max(1, Math.min(MAX_DEGREE, total / 20));
    double[] coef = Chebyshev.leastSquares(t, count, degree, lo, hi);
    double[] out = new double[total];
    int n = 0;
    for (int r = 0; r < spectra.length; r++) {
      int skip = (int) (EDGE_FRACTION * bulk[r]);
      double prev = Double.NaN;
      for (int i = skip; i < bulk[r] - skip; i++) {
        double u = Chebyshev.value(coef, Math.sqrt(spectra[r][i]), lo, hi);
        if (i > skip) {
          out[n++] = u - prev;
        }
        prev = u;
      }
    }
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += out[i];
    }
    mean /= n;
    if (!(mean > 0)) {
      return new double[0];
    }
    double[] s = Arrays.copyOf(out, n);
    for (int i = 0; i < n; i++) {
      s[i] /= mean;
    }
    return s;
  }

  private static int bulkSize(double[] spectrum, double edge) {
    if (Double.isNaN(edge)) {
      return spectrum.length;
    }
    int k = spectrum.length;
    while (k > 0 && spectrum[k - 1] > edge) {
      k--;
    }
    return k;
  }
}
