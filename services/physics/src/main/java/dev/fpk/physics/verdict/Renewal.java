package dev.fpk.physics.verdict;

import dev.fpk.physics.internal.Normal;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The shadows of a {@link ConditionalVerdict} renewing their samples in rank, each particle to its
 * own shadow's quantile {@code Phi(c z + sqrt(1 - c^2) xi)} ({@code z} its rank's normal score,
 * {@code xi} a standard normal drawn once here, so that the renewal grows steadily as {@code c}
 * falls), and the {@code c} at which they sit as far from the other shadows' mean paths as the
 * replicas sit from all the shadows' (see {@link ConditionalVerdict#distances(
 * dev.fpk.physics.grid.Grid1D, double[], double[], RandomGenerator)}). Weight units.
 */
final class Renewal {
  /** Shadows the bisection renews to find {@code c} (the first ones; all if fewer). */
  private static final int CALIBRATION_SHADOWS = 8;

  /** Bisection steps on {@code c} in [0, 1]: to 1e-3. */
  private static final int BISECTIONS = 10;

  private final double[][] shadows;
  private final double[][] sorted;
  private final double[][] xi;
  private final double[] scores;
  private final double[] sum;

  Renewal(double[][] shadows, RandomGenerator random) {
    this.shadows = shadows;
    int n = shadows[0].length;
    sorted = new double[shadows.length][];
    xi = new double[shadows.length][n];
    sum = new double[n];
    for (int b = 0; b < shadows.length; b++) {
      sorted[b] = shadows[b].clone();
      Arrays.sort(sorted[b]);
      for (int i = 0; i < n; i++) {
        xi[b][i] = random.nextGaussian();
        sum[i] += shadows[b][i];
      }
    }
    scores = new double[n];
    for (int k = 0; k < n; k++) {
      scores[k] = Normal.quantile((k + 0.5) / n);
    }
  }

  /**
   * The {@code c} in [0, 1] at which the first shadows, renewed, sit on average as far (W1) from
   * the other shadows' mean paths as {@code replicas} sit from all the shadows' mean paths; 1 where
   * the replicas sit no farther than some shadow as it is from the others' mean.
   */
  double matching(double[] replicas) {
    double target = renewalDistance(replicas, meanPaths(-1));
    double mostAsTheyAre = 0;
    for (int b = 0; b < shadows.length; b++) {
      mostAsTheyAre = Math.max(mostAsTheyAre, renewalDistance(shadows[b], meanPaths(b)));
    }
    if (!(target > mostAsTheyAre)) {
      return 1;
    }
    double lo = 0; // renewed the most
    double hi = 1;
    for (int k = 0; k < BISECTIONS; k++) {
      double mid = 0.5 * (lo + hi);
      if (calibrationDistance(mid) < target) {
        hi = mid; // not yet as far: renew more
      } else {
        lo = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /** Shadow {@code b} renewed with correlation {@code c} (a new array, in the replicas' order). */
  double[] renewed(int b, double c) {
    double[] s = sorted[b];
    int n = s.length;
    double fresh = Math.sqrt(Math.max(0, 1 - c * c));
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      int rank = Arrays.binarySearch(s, shadows[b][i]);
      out[i] = quantile(s, Normal.cdf(c * scores[rank] + fresh * xi[b][i]));
    }
    return out;
  }

  private double calibrationDistance(double c) {
    int m = Math.min(CALIBRATION_SHADOWS, shadows.length);
    double total = 0;
    for (int b = 0; b < m; b++) {
      total += renewalDistance(renewed(b, c), meanPaths(b));
    }
    return total / m;
  }

  /** The shadows' mean paths, leaving out shadow {@code b} (none for -1). */
  private double[] meanPaths(int b) {
    int n = sum.length;
    double[] mean = new double[n];
    int count = b < 0 ? shadows.length : shadows.length - 1;
    for (int i = 0; i < n; i++) {
      mean[i] = (b < 0 ? sum[i] : sum[i] - shadows[b][i]) / count;
    }
    return mean;
  }

  /**
   * The quantile {@code u} of sorted values, linear between them at plotting positions {@code (k +
   * 1/2) / n}, so that each value is its own quantile; the extremes beyond.
   */
  private static double quantile(double[] sorted, double u) {
    double k = u * sorted.length - 0.5;
    if (!(k > 0)) {
      return sorted[0];
    }
    int low = (int) k;
    if (low >= sorted.length - 1) {
      return sorted[sorted.length - 1];
    }
    return sorted[low] + (k - low) * (sorted[low + 1] - sorted[low]);
  }

  /**
   * How far sample {@code x} has renewed itself against the mean paths {@code m}: W1 between the
   * two, each first standardised (mean 0, standard deviation 1), the mean gap between their sorted
   * values. Standardised, so that a drift that moves or widens the replicas' law (a wrong theory,
   * which must not be taken for a renewal: it would widen the null and hide itself) is left out.
   * Not paired particle by particle: the replicas reorder far more than their sample renews (each
   * sits some 0.4 from its shadows in the paper's experiment, where their sample sits only twice as
   * far from the paths as a shadow's), and renewing shadows until they reorder as much renews their
   * samples 2-3 times too far.
   */
  private static double renewalDistance(double[] x, double[] m) {
    double[] a = standardSorted(x);
    double[] b = standardSorted(m);
    double total = 0;
    for (int i = 0; i < a.length; i++) {
      total += Math.abs(a[i] - b[i]);
    }
    return total / a.length;
  }

  private static double[] standardSorted(double[] x) {
    double mean = Arrays.stream(x).sum() / x.length;
    double sq = 0;
    for (double v : x) {
      sq += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(sq / x.length);
    double[] z = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      z[i] = sd > 0 ? (x[i] - mean) / sd : 0;
    }
    Arrays.sort(z);
    return z;
  }
}
