package dev.fpk.physics.spectral;

/**
 * The Marchenko-Pastur law of the eigenvalues of {@code W W^T} for a matrix {@code W [m, n]}
 * ({@code m <= n}; a wider-than-tall shape is transposed, the nonzero eigenvalues being the same)
 * of i.i.d. entries of variance {@code s2} (weight units squared): with {@code q = m / n} and scale
 * {@code S = s2 n}, density {@code sqrt((b - x)(x - a)) / (2 pi q S x)} on {@code [a, b] = [S (1 -
 * sqrt q)^2, S (1 + sqrt q)^2]}, eigenvalues in weight units squared.
 *
 * <p>The CDF is in closed form: with {@code c = (a + b) / 2}, {@code h = (b - a) / 2} and {@code x
 * = c - h cos(theta)}, {@code F = [h sin(theta) + c theta - 2 sqrt(ab) atan2(sqrt(b) sin(theta/2),
 * sqrt(a) cos(theta/2))] / (2 pi q S)} (the density integrated in {@code theta}, where it has no
 * singularity, not even at {@code q = 1} where {@code a = 0}).
 *
 * <p>{@link #fit} fits {@code s2} to a spectrum by the smallest KS distance (a minimum-distance
 * fit: eigenvalues above the bulk, spikes, move it by at most their share). Immutable, thread-safe.
 */
public final class MarchenkoPastur {
  /**
   * Candidate factors of the median start tried before refining: {@code 2^(i / 10)}, i in -10..10.
   */
  private static final int GRID_HALF = 10;

  /** Golden-section steps: the bracket of two grid steps shrinks to 1e-7 of {@code log s2}. */
  private static final int GOLDEN_ITERATIONS = 30;

  /** Most order statistics the fit's search reads. */
  public static final int FIT_POINTS = 1024;

  private final double sigma2;
  private final double ratio;
  private final double scale;
  private final double a;
  private final double b;

  /**
   * The fitted law and its KS distance to the spectrum it was fitted to.
   *
   * @param sigma2 entry variance {@code s2}, weight units squared (0 for an all-zero spectrum)
   * @param ratio aspect ratio {@code q = min(m, n) / max(m, n)}
   * @param ks KS distance of the eigenvalues to the fitted law (NaN when nothing was fitted)
   * @param edge bulk edge {@code b = s2 max(m, n) (1 + sqrt q)^2}, weight units squared
   */
  public record Fit(double sigma2, double ratio, double ks, double edge) {}

  /**
   * The law of a {@code [rows, cols]} matrix (either orientation) with entry variance {@code
   * sigma2}.
   */
  public MarchenkoPastur(double sigma2, int rows, int cols) {
    this(sigma2, (double) Math.min(rows, cols) / Math.max(rows, cols), Math.max(rows, cols));
  }

  private MarchenkoPastur(double sigma2, double ratio, int n) {
    this.sigma2 = sigma2;
    this.ratio = ratio;
    this.scale = sigma2 * n;
    double r = Math.sqrt(ratio);
    this.a = scale * (1 - r) * (1 - r);
    this.b = scale * (1 + r) * (1 + r);
  }

  /** The entry variance. */
  public double sigma2() {
    return sigma2;
  }

  /** The aspect ratio {@code q <= 1}. */
  public double ratio() {
    return ratio;
  }

  /** Lower end of the support, {@code S (1 - sqrt q)^2}. */
  public double lower() {
    return a;
  }

  /** Upper end of the support (the bulk edge), {@code S (1 + sqrt q)^2}. */
  public double edge() {
    return b;
  }

  /** The density at {@code x}, per weight unit squared; 0 outside the support. */
  public double density(double x) {
    if (x <= a || x >= b) {
      return 0;
    }
    return Math.sqrt((b - x) * (x - a)) / (2 * Math.PI * ratio * scale * x);
  }

  /** The CDF at {@code x}. */
  public double cdf(double x) {
    if (x <= a) {
      return 0;
    }
    if (x >= b) {
      return 1;
    }
    double u = Math.max(-1, Math.min(1, ((a + b) / 2 - x) / ((b - a) / 2)));
    // theta = acos(u), by atan2: Java's acos costs about six times as much
    return cdfAt(u, Math.atan2(Math.sqrt(1 - u * u), u));
  }

  /** The {@code p}-quantile (bisection on the angle; {@code p} in [0, 1]). */
  public double quantile(double p) {
    double lo = 0;
    double hi = Math.PI;
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      if (cdfAt(Math.cos(mid), mid) < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (a + b) / 2 - (b - a) / 2 * Math.cos((lo + hi) / 2);
  }

  /**
   * The CDF at angle {@code theta} with {@code u = cos(theta)}: the half-angle sines and cosines
   * from {@code u} ({@code sin(theta/2) = sqrt((1 - u) / 2)}, ...), so that two {@code atan2}
   * (theta and the arc) are all the transcendental work of a CDF value.
   */
  private double cdfAt(double u, double theta) {
    double c = (a + b) / 2;
    double h = (b - a) / 2;
    double sab = Math.sqrt(a * b);
    double sin = Math.sqrt(Math.max(0, 1 - u * u));
    double arc =
        sab == 0 ? 0 : 2 * sab * Math.atan2(Math.sqrt(b * (1 - u)), Math.sqrt(a * (1 + u)));
    double f = (h * sin + c * theta - arc) / (2 * Math.PI * ratio * scale);
    return Math.max(0, Math.min(1, f));
  }

  /**
   * Fits {@code s2} to the eigenvalues of a {@code [rows, cols]} matrix (or of several, pooled):
   * starts where the law's median meets the sample's, tries factors {@code 2^(i/10)}, {@code i} in
   * -10..10, of it, and refines the best by golden section on {@code log s2}; the fit is the {@code
   * s2} of the smallest KS distance found. The search reads at most {@link #FIT_POINTS} evenly
   * spaced order statistics of the sample (their empirical CDF is within {@code 1 / FIT_POINTS} of
   * the sample's; a pooled ensemble of 16,384 eigenvalues would cost 16 times the CDF evaluations
   * otherwise); the reported KS distance is of the whole sample.
   *
   * @param sorted the eigenvalues, ascending (not modified)
   * @return NaN KS and zero variance and edge for an empty or all-zero spectrum
   */
  public static Fit fit(double[] sorted, int rows, int cols) {
    MarchenkoPastur unit = new MarchenkoPastur(1.0, rows, cols);
    int n = sorted.length;
    double median = n == 0 ? 0 : (sorted[(n - 1) / 2] + sorted[n / 2]) / 2;
    double start = median / unit.quantile(0.5);
    if (!(start > 0) || Double.isInfinite(start)) {
      return new Fit(0, unit.ratio, Double.NaN, 0);
    }
    double[] search = thinned(sorted, FIT_POINTS);
    double step = Math.log(2) / GRID_HALF;
    double bestLog = Math.log(start);
    double bestKs = Double.POSITIVE_INFINITY;
    for (int i = -GRID_HALF; i <= GRID_HALF; i++) {
      double l = Math.log(start) + i * step;
      double ks = ksAt(unit, search, l);
      if (ks < bestKs) {
        bestKs = ks;
        bestLog = l;
      }
    }
    double lo = bestLog - step;
    double hi = bestLog + step;
    double g = (Math.sqrt(5) - 1) / 2;
    double x1 = hi - g * (hi - lo);
    double x2 = lo + g * (hi - lo);
    double f1 = ksAt(unit, search, x1);
    double f2 = ksAt(unit, search, x2);
    for (int i = 0; i < GOLDEN_ITERATIONS; i++) {
      if (f1 <= f2) {
        hi = x2;
        x2 = x1;
        f2 = f1;
        x1 = hi - g * (hi - lo);
        f1 = ksAt(unit, search, x1);
      } else {
        lo = x1;
        x1 = x2;
        f1 = f2;
        x2 = lo + g * (hi - lo);
        f2 = ksAt(unit, search, x2);
      }
    }
    if (f1 < bestKs) {
      bestKs = f1;
      bestLog = x1;
    }
    if (f2 < bestKs) {
      bestKs = f2;
      bestLog = x2;
    }
    double s2 = Math.exp(bestLog);
    return new Fit(
        s2, unit.ratio, search == sorted ? bestKs : ksAt(unit, sorted, bestLog), s2 * unit.edge());
  }

  /**
   * The sample itself if it has at most {@code max} values, else {@code max} evenly spaced order
   * statistics (mid-ranks).
   */
  private static double[] thinned(double[] sorted, int max) {
    int n = sorted.length;
    if (n <= max) {
      return sorted;
    }
    double[] out = new double[max];
    for (int k = 0; k < max; k++) {
      out[k] = sorted[(int) ((k + 0.5) * n / max)];
    }
    return out;
  }

  /** KS distance to the law of variance {@code exp(logSigma2)}: F_s2(x) = F_1(x / s2). */
  private static double ksAt(MarchenkoPastur unit, double[] sorted, double logSigma2) {
    double inv = Math.exp(-logSigma2);
    return KsDistance.of(sorted, x -> unit.cdf(x * inv));
  }
}
