package dev.fpk.physics.align;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Distances between clouds of points in several dimensions (rows of {@code double[n][d]}), for the
 * comparison of output distributions ({@code y = W h} of theory-sampled and experimental weights).
 *
 * <ul>
 *   <li>sliced Wasserstein-1: the mean over random unit directions {@code theta} (uniform on the
 *       sphere, from a seeded generator, so results are reproducible) of the exact 1-D W1 between
 *       the projections {@code <x, theta>};
 *   <li>energy distance {@code 2 E|X - Y| - E|X - X'| - E|Y - Y'|} (V-statistic, Euclidean norm):
 *       zero iff the clouds' empirical laws agree, {@code O((n + m)^2 d)}.
 * </ul>
 *
 * Distances in the units of the points. Empty clouds give NaN. Stateless, thread-safe.
 */
public final class PointClouds {
  private PointClouds() {}

  /** Sliced W1 with {@code projections} random directions drawn from {@code seed}. */
  public static double slicedWasserstein1(double[][] a, double[][] b, int projections, long seed) {
    if (a.length == 0 || b.length == 0) {
      return Double.NaN;
    }
    int d = dimension(a, b);
    double[][] theta = directions(d, projections, seed);
    double[] pa = new double[a.length];
    double[] pb = new double[b.length];
    double sum = 0;
    for (int p = 0; p < projections; p++) {
      project(a, theta[p], theta[p][d], pa);
      project(b, theta[p], theta[p][d], pb);
      sum += wasserstein1(pa, pb);
    }
    return sum / projections;
  }

  /**
   * The sliced W1's directions for a seed: {@code projections} rows of {@code d} Gaussian
   * components and, last, their norm (the direction is the row over its norm).
   */
  static double[][] directions(int d, int projections, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] theta = new double[projections][d + 1];
    for (int p = 0; p < projections; p++) {
      double norm = 0;
      for (int k = 0; k < d; k++) {
        theta[p][k] = rnd.nextGaussian();
        norm += theta[p][k] * theta[p][k];
      }
      theta[p][d] = Math.sqrt(norm);
    }
    return theta;
  }

  /**
   * Exact 1-D W1 {@code integral |F_a - F_b|} between two empirical distributions (sorts in place).
   */
  public static double wasserstein1(double[] a, double[] b) {
    if (a.length == 0 || b.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(a);
    Arrays.sort(b);
    return wasserstein1Sorted(a, a.length, b, b.length);
  }

  /** W1 between the first na values of a and the first nb of b, both ascending, na, nb >= 1. */
  static double wasserstein1Sorted(double[] a, int na, double[] b, int nb) {
    int i = 0;
    int j = 0;
    double x = Math.min(a[0], b[0]);
    double total = 0;
    while (i < na || j < nb) {
      double next = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
      total += Math.abs((double) i / na - (double) j / nb) * (next - x);
      x = next;
      if (j >= nb || (i < na && a[i] <= b[j])) {
        i++;
      } else {
        j++;
      }
    }
    return total;
  }

  /** Energy distance (V-statistic). */
  public static double energyDistance(double[][] a, double[][] b) {
    if (a.length == 0 || b.length == 0) {
      return Double.NaN;
    }
    dimension(a, b);
    return energyDistance(a, b, meanDistance(b, b));
  }

  /**
   * {@link #energyDistance(double[][], double[][])} with {@code E|Y - Y'|} given ({@code
   * meanDistance(b, b)}, e.g. of an experiment's cloud compared with several models' clouds).
   */
  public static double energyDistance(double[][] a, double[][] b, double meanDistanceOfB) {
    if (a.length == 0 || b.length == 0) {
      return Double.NaN;
    }
    dimension(a, b);
    double ab = meanDistance(a, b);
    double aa = meanDistance(a, a);
    return Math.max(0, 2 * ab - aa - meanDistanceOfB);
  }

  /**
   * Outputs {@code y = W h} of each matrix (row-major {@code rows x cols}) on each probe input
   * {@code h} (length {@code cols}): {@code matrices.length * inputs.length} points of dimension
   * {@code rows}, matrix-major.
   */
  public static double[][] linearOutputs(
      double[][] matrices, int rows, int cols, double[][] inputs) {
    double[][] out = new double[matrices.length * inputs.length][rows];
    int k = 0;
    for (double[] w : matrices) {
      if (w.length != rows * cols) {
        throw new IllegalArgumentException(
            "matrix has " + w.length + " entries, need " + rows * cols);
      }
      for (double[] h : inputs) {
        if (h.length != cols) {
          throw new IllegalArgumentException("input has " + h.length + " entries, need " + cols);
        }
        for (int r = 0; r < rows; r++) {
          double s = 0;
          for (int c = 0; c < cols; c++) {
            s += w[r * cols + c] * h[c];
          }
          out[k][r] = s;
        }
        k++;
      }
    }
    return out;
  }

  /**
   * {@code E|X - Y|}: the mean Euclidean distance over all pairs of a point of a and one of b (both
   * non-empty, one dimension). For each point of a, its squared distances to all of b are built
   * coordinate by coordinate on b's columns, square-rooted in one loop and only then added to the
   * sum in b's order: the same operations in the same order as {@code d2 = sum_k (x_k - y_k)^2; s
   * += sqrt(d2)} pair by pair (bit for bit, PointCloudsTest), but the loops the JIT vectorises run
   * apart from the sum's chain of additions (1024 x 1024 points of dimension 2: 2.0 -> 0.8 ms).
   */
  public static double meanDistance(double[][] a, double[][] b) {
    int d = a.length == 0 ? 0 : a[0].length;
    int nb = b.length;
    double[][] cols = new double[d][nb];
    for (int j = 0; j < nb; j++) {
      for (int k = 0; k < d; k++) {
        cols[k][j] = b[j][k];
      }
    }
    double[] dist = new double[nb];
    double s = 0;
    for (double[] x : a) {
      if (d == 0) {
        Arrays.fill(dist, 0.0);
      }
      for (int k = 0; k < d; k++) {
        double[] c = cols[k];
        double xk = x[k];
        if (k == 0) { // 0 + e * e is e * e exactly (e * e >= +0)
          for (int j = 0; j < nb; j++) {
            double e = xk - c[j];
            dist[j] = e * e;
          }
        } else {
          for (int j = 0; j < nb; j++) {
            double e = xk - c[j];
            dist[j] += e * e;
          }
        }
      }
      for (int j = 0; j < nb; j++) {
        dist[j] = Math.sqrt(dist[j]);
      }
      for (int j = 0; j < nb; j++) {
        s += dist[j];
      }
    }
    return s / ((double) a.length * b.length);
  }

  static void project(double[][] pts, double[] theta, double norm, double[] out) {
    for (int i = 0; i < pts.length; i++) {
      double s = 0;
      for (int k = 0;
          k < pts[i].length;
          k++) { // theta may be longer (a direction row ends with its norm)
        s += pts[i][k] * theta[k];
      }
      out[i] = s / norm;
    }
  }

  static int dimension(double[][] a, double[][] b) {
    int d = a[0].length;
    for (double[] x : a) {
      check(x, d);
    }
    for (double[] x : b) {
      check(x, d);
    }
    return d;
  }

  private static void check(double[] x, int d) {
    if (x.length != d) {
      throw new IllegalArgumentException("points differ in dimension: " + x.length + " vs " + d);
    }
  }
}
