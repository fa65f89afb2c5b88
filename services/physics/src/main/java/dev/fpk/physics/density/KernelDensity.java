package dev.fpk.physics.density;

import dev.fpk.physics.align.PreparedSamples;
import dev.fpk.physics.grid.Grid1D;
import java.util.Arrays;

/**
 * Gaussian kernel density estimate of samples on a {@link Grid1D}, integrated exactly over each
 * cell, as a density per unit weight (one cell average per cell, total mass 1).
 *
 * <p>Bandwidth by Silverman's rule of thumb: {@code bw = 0.9 * min(sigma, IQR / 1.34) * n^(-1/5)},
 * with {@code sigma} the sample standard deviation ({@code n - 1}) and {@code IQR} the
 * interquartile range (linear-interpolated quantiles); if the IQR is zero the standard deviation
 * alone is used. Degenerate case: zero spread (all samples equal, or one sample) uses {@code bw = }
 * one cell width.
 *
 * <p>Kernel mass falling left or right of the grid is added to the end cells, so the mass is
 * exactly 1. Non-finite samples are ignored; no usable sample gives an array of NaN. Kernels are
 * cut at 9 bandwidths (the tail beyond, below 1e-18, goes to the last cell of the window).
 *
 * <p>Cost: exact evaluation is {@code O(n * min(cells, 18 bw / h))}. With more samples than four
 * times the points of a fine grid of spacing {@code delta = min(h, bw) / 10} (covering the grid
 * plus 9 bandwidths each side), the samples are first linearly binned onto that fine grid (the
 * standard binned KDE: mean-preserving, relative error {@code O((delta / bw)^2)}, far below the
 * estimator's own smoothing bias), which makes the cost {@code O(n + fine points * 18 bw / h)}.
 * Stateless, thread-safe.
 */
public final class KernelDensity {
  private static final double CUT = 9;

  /** Fine points per min(cell width, bandwidth) for binned evaluation. */
  private static final int SUB = 10;

  private KernelDensity() {}

  /** The estimate with Silverman's bandwidth (see the class comment). */
  public static double[] estimate(Grid1D g, double[] samples) {
    double[] s = finite(samples);
    return estimate(g, s, silvermanBandwidth(g, s));
  }

  /**
   * The estimate with Silverman's bandwidth from samples prepared once ({@link PreparedSamples}:
   * their finite values, sorted copy and moments), equal to {@link #estimate(Grid1D, double[])} on
   * the raw samples bit for bit.
   */
  public static double[] estimate(Grid1D g, PreparedSamples samples) {
    return estimate(g, samples.finite(), samples.count(), silvermanBandwidth(g, samples));
  }

  /**
   * The estimate with Silverman's bandwidth whose variance is the samples' own: each kernel sits at
   * {@code m + a (x - m)}, {@code a = sqrt(1 - bw^2 / s^2)}, with {@code m} and {@code s^2} the
   * samples' mean and variance (divisor {@code n}), so the mixture's mean is {@code m} and its
   * variance {@code a^2 s^2 + bw^2 = s^2} (the shrunk kernel estimate of West, 1993). The plain
   * estimate's variance is {@code s^2 + bw^2}: some 9% too wide at 256 samples, an excess that a
   * density which is never reset carries (and a spreading drift multiplies) for the rest of a run.
   * The shape is smoothed as much as the plain estimate's; only the spread is kept. When the
   * bandwidth is not below {@code s} (the IQR rule never gives that for n >= 2 with spread), or
   * there is no spread, this is the plain estimate.
   */
  public static double[] estimateKeepingVariance(Grid1D g, PreparedSamples samples) {
    int n = samples.count();
    double bw = silvermanBandwidth(g, samples);
    double shrink = 1 - bw * bw / samples.variance();
    if (!(shrink > 0)) {
      return estimate(g, samples.finite(), n, bw);
    }
    double a = Math.sqrt(shrink);
    double m = samples.mean();
    double[] x = samples.finite();
    double[] shrunk = new double[n];
    for (int k = 0; k < n; k++) {
      shrunk[k] = m + a * (x[k] - m);
    }
    return estimate(g, shrunk, n, bw);
  }

  /** The estimate with an explicit bandwidth (weight units, {@code > 0}). */
  public static double[] estimate(Grid1D g, double[] samples, double bandwidth) {
    if (!(bandwidth > 0)) {
      throw new IllegalArgumentException("need bandwidth > 0, got " + bandwidth);
    }
    double[] s = finite(samples);
    return estimate(g, s, s.length, bandwidth);
  }

  /** The estimate from the first n values of s (finite). */
  private static double[] estimate(Grid1D g, double[] s, int n, double bandwidth) {
    int cells = g.cells();
    double[] mass = new double[cells];
    if (n == 0) {
      Arrays.fill(mass, Double.NaN);
      return mass;
    }
    double h = g.width();
    double delta = Math.min(h, bandwidth) / SUB;
    double fineLo = g.lo() - CUT * bandwidth;
    long fine = (long) Math.ceil((g.hi() + CUT * bandwidth - fineLo) / delta) + 1;
    if (n > 4 * fine) {
      // linear binning onto points x_j = fineLo + j delta: mean-preserving, error O((delta/bw)^2)
      double[] weight = new double[(int) fine];
      for (int k = 0; k < n; k++) {
        double x = s[k];
        double u = (x - fineLo) / delta;
        if (u <= 0) {
          weight[0] += 1;
        } else if (u >= fine - 1) {
          weight[(int) fine - 1] += 1;
        } else {
          int j = (int) u;
          double t = u - j;
          weight[j] += 1 - t;
          weight[j + 1] += t;
        }
      }
      for (int j = 0; j < fine; j++) {
        if (weight[j] > 0) {
          spread(g, fineLo + j * delta, weight[j], bandwidth, mass);
        }
      }
    } else {
      for (int k = 0; k < n; k++) {
        spread(g, s[k], 1, bandwidth, mass);
      }
    }
    double scale = 1.0 / (n * h);
    for (int i = 0; i < cells; i++) {
      mass[i] *= scale;
    }
    return mass;
  }

  /**
   * Adds the kernel at x with the given weight, integrated over the cells, tails to the window
   * ends. The kernel's argument at the right edge of cell i is {@code z0 + (i - i0) dz}: one
   * multiply-add per cell rather than a division (it differs from {@code (edge - x) / bw} by a few
   * ulps of 18, some 1e-15 in the CDF, the table's own accuracy).
   */
  private static void spread(Grid1D g, double x, double weight, double bw, double[] mass) {
    int i0 = g.indexOf(x - CUT * bw);
    int i1 = g.indexOf(x + CUT * bw); // <= cells - 1: the last cell takes the right tail
    double z0 = (g.edge(i0 + 1) - x) / bw;
    double dz = g.width() / bw;
    double fPrev = 0; // the far left tail (beyond the cut or the grid) goes to cell i0
    for (int i = i0; i < i1; i++) {
      double f = NormalCdfTable.cdf(z0 + (i - i0) * dz);
      mass[i] += weight * (f - fPrev);
      fPrev = f;
    }
    mass[i1] += weight * (1 - fPrev);
  }

  /** Silverman's bandwidth for the finite samples; one cell width when they have no spread. */
  public static double silvermanBandwidth(Grid1D g, double[] samples) {
    double[] s = finite(samples);
    int n = s.length;
    if (n < 2) {
      return g.width();
    }
    double mean = 0;
    for (double v : s) {
      mean += v;
    }
    mean /= n;
    double ss = 0;
    for (double v : s) {
      ss += (v - mean) * (v - mean);
    }
    Arrays.sort(s);
    return silverman(g, Math.sqrt(ss / (n - 1)), s, n);
  }

  /**
   * Silverman's bandwidth for samples prepared once, equal to {@link #silvermanBandwidth(Grid1D,
   * double[])} on the raw samples; one cell width when they have no spread.
   */
  public static double silvermanBandwidth(Grid1D g, PreparedSamples samples) {
    int n = samples.count();
    return n < 2
        ? g.width()
        : silverman(g, Math.sqrt(samples.squaredDeviations() / (n - 1)), samples.sorted(), n);
  }

  /** Silverman's rule from the standard deviation and the first n >= 2 values of sorted. */
  private static double silverman(Grid1D g, double sigma, double[] sorted, int n) {
    double iqr = quantile(sorted, n, 0.75) - quantile(sorted, n, 0.25);
    double spread = iqr > 0 ? Math.min(sigma, iqr / 1.34) : sigma;
    if (!(spread > 0)) {
      return g.width();
    }
    return 0.9 * spread * Math.pow(n, -0.2);
  }

  private static double quantile(double[] sorted, int n, double q) {
    double pos = q * (n - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(i + 1, n - 1);
    return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
  }

  private static double[] finite(double[] samples) {
    double[] s = new double[samples.length];
    int k = 0;
    for (double v : samples) {
      if (Double.isFinite(v)) {
        s[k++] = v;
      }
    }
    return k == s.length ? s : Arrays.copyOf(s, k);
  }
}
