package dev.fpk.physics.verdict;

import dev.fpk.physics.internal.GammaFunction;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-point law of the empirical process of {@code n} independent samples of a continuous law
 * with CDF {@code F}: where {@code F(w) = u}, {@code n F_n(w)} is Binomial(n, u), so {@code D(w) =
 * F_n(w) - F(w)} has
 *
 * <ul>
 *   <li>mean absolute value {@code m(u) = E|Bin(n, u) - n u| / n = 2 v C(n, v) u^v (1 - u)^(n - v +
 *       1) / n} with {@code v = floor(n u) + 1} (de Moivre's closed form, exact);
 *   <li>and {@code |D|} the standard deviation {@code s(u) = sqrt(u (1 - u) / n - m(u)^2)} (exact,
 *       as {@code E D^2 = u (1 - u) / n}).
 * </ul>
 *
 * Both are tabulated at {@code K + 1} nodes {@code u_j = j / K} ({@code K} = 16 n, at least 4,096
 * and at most 65,536: 16 nodes or more between the kinks of {@code m} at {@code u = k / n} up to n
 * = 4,096), linearly interpolated between nodes, with the exact antiderivatives of those
 * interpolants ({@code M(u) = integral_0^u m}, piecewise quadratic): the integral of {@code m} over
 * a cell where {@code F} is linear is then a difference of two {@code M}, so a W1 floor costs
 * {@code O(cells)} whatever {@code n}. Dimensionless (functions of a probability).
 *
 * <p>Immutable once built; {@link #of} shares one table per {@code n} (built in about a
 * millisecond, kept in a small cache). Thread-safe.
 */
final class EmpiricalProcess {
  /** Values per node in {@link #table}: m, M, s, S. */
  static final int STRIDE = 4;

  private static final int MIN_NODES = 4096;
  private static final int MAX_NODES = 65_536;
  private static final int NODES_PER_SAMPLE = 16;
  private static final int CACHED = 16;
  private static final Map<Integer, EmpiricalProcess> CACHE = new ConcurrentHashMap<>();

  /**
   * Bounds of the bins of {@code u} the verdict gathers a density's CDF into: 0, then {@code logit
   * u} in steps of 1 from -30 to -10, of {@value #FINE_STEP} from -9 to 9, of 1 from 9 to 30, then
   * 1.
   */
  static final double[] BOUNDS = bounds();

  /** Number of bins, {@code BOUNDS.length - 1}. */
  static final int BINS = BOUNDS.length - 1;

  static final double FINE_STEP = 0.25;

  /** Correlation powers {@code rho^(2k)} of the verdict's series, see {@link W1Verdict}. */
  static final int[] POWERS = {1, 2, 3, 4, 8};

  final int samples;

  /** Intervals between nodes, {@code K}. */
  final int nodes;

  /** Node j at {@code STRIDE * j}: {@code m(u_j), M(u_j), s(u_j), S(u_j)}. */
  final double[] table;

  /** Per bin: the mean of {@code m} over the bin (uniform in u). */
  final double[] binMean = new double[BINS];

  /** Per bin: the mean of {@code s}. */
  final double[] binSd = new double[BINS];

  /**
   * Per bin b > 0 and power k: {@code (odds_{b-1} / odds_b)^POWERS[k]} at {@code POWERS.length * b
   * + k}, odds at the bins' s-weighted mean u: how much of a correlation carries over from bin to
   * bin.
   */
  final double[] decay = new double[BINS * POWERS.length];

  private EmpiricalProcess(int n) {
    samples = n;
    nodes = (int) Math.min(MAX_NODES, Math.max(MIN_NODES, (long) NODES_PER_SAMPLE * n));
    table = new double[STRIDE * (nodes + 1)];
    double lnFactorialN = GammaFunction.lnGamma(n + 1.0);
    for (int j = 0; j <= nodes; j++) {
      double u = (double) j / nodes;
      double m = meanAbsoluteDeviation(n, u, lnFactorialN);
      table[STRIDE * j] = m;
      table[STRIDE * j + 2] = Math.sqrt(Math.max(0, u * (1 - u) / n - m * m));
    }
    double half = 0.5 / nodes;
    for (int j = 1; j <= nodes; j++) {
      int i = STRIDE * j;
      table[i + 1] = table[i - STRIDE + 1] + half * (table[i - STRIDE] + table[i]);
      table[i + 3] = table[i - STRIDE + 3] + half * (table[i - STRIDE + 2] + table[i + 2]);
    }
    double oddsBefore = 0;
    for (int b = 0; b < BINS; b++) {
      double lo = BOUNDS[b];
      double width = BOUNDS[b + 1] - lo;
      binMean[b] = (meanIntegral(BOUNDS[b + 1]) - meanIntegral(lo)) / width;
      binSd[b] = (sdIntegral(BOUNDS[b + 1]) - sdIntegral(lo)) / width;
      double weight = 0;
      double moment = 0;
      for (int k = 0; k < CENTRE_POINTS; k++) { // the s-weighted mean u, midpoint rule
        double u = lo + (k + 0.5) * width / CENTRE_POINTS;
        weight += sd(u);
        moment += sd(u) * u;
      }
      double centre = weight > 0 ? moment / weight : lo + 0.5 * width;
      double odds = centre / (1 - centre);
      for (int k = 0; k < POWERS.length; k++) {
        decay[POWERS.length * b + k] = b == 0 ? 0 : Math.pow(oddsBefore / odds, POWERS[k]);
      }
      oddsBefore = odds;
    }
  }

  private static final int CENTRE_POINTS = 64;

  private static double[] bounds() {
    java.util.List<Double> logits = new java.util.ArrayList<>();
    for (int l = -30; l <= -10; l++) {
      logits.add((double) l);
    }
    for (int k = 0; k < 18 / FINE_STEP; k++) {
      logits.add(-9 + k * FINE_STEP);
    }
    for (int l = 9; l <= 30; l++) {
      logits.add((double) l);
    }
    double[] b = new double[logits.size() + 2];
    for (int k = 0; k < logits.size(); k++) {
      b[k + 1] = 1 / (1 + Math.exp(-logits.get(k)));
    }
    b[b.length - 1] = 1;
    return b;
  }

  /** The table of {@code n >= 1} samples. */
  static EmpiricalProcess of(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("need n >= 1 samples, got " + n);
    }
    EmpiricalProcess t = CACHE.get(n);
    if (t == null) {
      if (CACHE.size() >= CACHED) {
        CACHE.clear(); // a pure function of n: rebuilt identically when asked again
      }
      t = CACHE.computeIfAbsent(n, EmpiricalProcess::new);
    }
    return t;
  }

  /** {@code E|Bin(n, u) - n u| / n} exactly (de Moivre); 0 at u = 0 and u = 1. */
  static double meanAbsoluteDeviation(int n, double u, double lnFactorialN) {
    if (!(u > 0) || !(u < 1)) {
      return 0;
    }
    int v = (int) Math.floor(n * u) + 1;
    if (v > n) {
      return 0;
    }
    double lnChoose =
        lnFactorialN - GammaFunction.lnGamma(v + 1.0) - GammaFunction.lnGamma(n - v + 1.0);
    return 2.0 * v * Math.exp(lnChoose + v * Math.log(u) + (n - v + 1) * Math.log1p(-u)) / n;
  }

  /** {@code m(u)}, interpolated; 0 outside (0, 1). */
  double mean(double u) {
    return interpolated(u, 0);
  }

  /** {@code s(u)}, interpolated; 0 outside (0, 1). */
  double sd(double u) {
    return interpolated(u, 2);
  }

  /** {@code M(u) = integral_0^u m}, of the interpolant; constant beyond [0, 1]. */
  double meanIntegral(double u) {
    return integral(u, 0);
  }

  /** {@code S(u) = integral_0^u s}, of the interpolant; constant beyond [0, 1]. */
  double sdIntegral(double u) {
    return integral(u, 2);
  }

  private double interpolated(double u, int column) {
    if (!(u > 0) || !(u < 1)) {
      return 0;
    }
    double x = u * nodes;
    int j = Math.min((int) x, nodes - 1);
    int i = STRIDE * j + column;
    return table[i] + (x - j) * (table[i + STRIDE] - table[i]);
  }

  private double integral(double u, int column) {
    if (!(u > 0)) {
      return 0;
    }
    if (u >= 1) {
      return table[STRIDE * nodes + column + 1];
    }
    double x = u * nodes;
    int j = Math.min((int) x, nodes - 1);
    int i = STRIDE * j + column;
    double t = x - j; // fraction of the node interval
    return table[i + 1] + t / nodes * (table[i] + 0.5 * t * (table[i + STRIDE] - table[i]));
  }
}
