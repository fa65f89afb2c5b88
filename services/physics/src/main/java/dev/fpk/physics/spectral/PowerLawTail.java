package dev.fpk.physics.spectral;

/**
 * The power-law tail {@code rho(x) ~ x^-alpha} of a spectrum by Clauset, Shalizi and Newman (SIAM
 * Review 51 (2009) 661): for each candidate {@code xmin}, the maximum-likelihood exponent {@code
 * alpha = 1 + k / sum ln(x_i / xmin)} over the {@code k} eigenvalues {@code x_i >= xmin}, and the
 * KS distance of those {@code k} to the fitted tail CDF {@code 1 - (x / xmin)^(1 - alpha)}; the fit
 * is the candidate of the smallest distance.
 *
 * <p>Candidates: the distinct positive eigenvalues that leave a tail of at least {@link #MIN_TAIL}
 * (a tail of fewer says nothing); when there are more than {@link #MAX_CANDIDATES}, every {@code
 * ceil(N / MAX_CANDIDATES)}-th (from the top), which bounds the cost at {@code O(MAX_CANDIDATES N)}
 * instead of {@code O(N^2)} (a pooled ensemble of 16,384 eigenvalues: about 50 ms; a single 2048 x
 * 2048 layer tries every 4th of its eigenvalues). Ties of the smallest distance go to the larger
 * tail. Dimensionless exponent; {@code xmin} in the eigenvalues' unit.
 *
 * <p>Empty input, or no candidate: NaN exponent, {@code xmin} and distance. Stateless, thread-safe.
 */
public final class PowerLawTail {
  /** Smallest tail a candidate {@code xmin} may leave. */
  public static final int MIN_TAIL = 10;

  /** Most candidates tried. */
  public static final int MAX_CANDIDATES = 512;

  /**
   * The fitted tail.
   *
   * @param alpha exponent of the density, {@code > 1}
   * @param xmin start of the tail, eigenvalue units
   * @param ks KS distance of the tail to the fit
   * @param size number of eigenvalues in the tail
   */
  public record Fit(double alpha, double xmin, double ks, int size) {
    static final Fit NONE = new Fit(Double.NaN, Double.NaN, Double.NaN, 0);
  }

  private PowerLawTail() {}

  /** Fits the tail of an ascending spectrum (not modified). */
  public static Fit fit(double[] sorted) {
    int n = sorted.length;
    if (n < MIN_TAIL) {
      return Fit.NONE;
    }
    double[] logs = new double[n];
    double[] suffix = new double[n + 1]; // suffix[j] = sum of logs[j..n)
    for (int i = n - 1; i >= 0; i--) {
      logs[i] = sorted[i] > 0 ? Math.log(sorted[i]) : Double.NEGATIVE_INFINITY;
      suffix[i] = suffix[i + 1] + (sorted[i] > 0 ? logs[i] : 0);
    }
    int last = n - MIN_TAIL;
    int stride = (last + MAX_CANDIDATES) / MAX_CANDIDATES; // ceil((last + 1) / MAX_CANDIDATES)
    Fit best = Fit.NONE;
    for (int j = last; j >= 0; j -= stride) {
      if (!(sorted[j] > 0) || (j > 0 && sorted[j - 1] == sorted[j])) {
        continue;
      }
      int k = n - j;
      double sum = suffix[j] - k * logs[j];
      if (!(sum > 0)) {
        continue;
      }
      double alpha = 1 + k / sum;
      double lmin = logs[j];
      double ks = KsDistance.of(logs, j, n, l -> 1 - Math.exp((1 - alpha) * (l - lmin)));
      if (!(ks > best.ks())) { // NaN (no fit yet), smaller, or as small with a larger tail
        best = new Fit(alpha, sorted[j], ks, k);
      }
    }
    return best;
  }
}
