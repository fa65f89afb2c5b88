package dev.fpk.physics.align;

/**
 * A cloud of points projected on each random direction of {@link PointClouds#slicedWasserstein1}
 * (the same directions for the same dimension, count and seed) and sorted per direction: the one
 * side of a sliced W1 that can be computed once and compared with several clouds, e.g. the
 * experiment's outputs against several models' in a step. {@link #merge} gives the projections of
 * the union of two clouds from theirs (the sorted halves of a cloud make its sorted whole without
 * sorting it again, as the sampling floor needs the halves anyway).
 *
 * <p>Every figure equals {@link PointClouds#slicedWasserstein1} on the plain clouds bit for bit:
 * the same projections ({@code <x, theta> / |theta|}), sorted values in ascending {@link
 * Double#compare} order (as {@code Arrays.sort} leaves them), the same per-direction W1 summed in
 * the same order (clouds of 256 points or more are sorted by {@link RadixSorter}: the same values,
 * about twice as fast). Immutable once made.
 */
public final class SortedProjections {
  private final int dimension;
  private final long seed;
  private final double[][] sorted;

  private SortedProjections(int dimension, long seed, double[][] sorted) {
    this.dimension = dimension;
    this.seed = seed;
    this.sorted = sorted;
  }

  /**
   * {@code points} (all of one dimension, at least one) on {@code projections} directions from
   * {@code seed}.
   */
  public static SortedProjections of(double[][] points, int projections, long seed) {
    int d = PointClouds.dimension(points, points);
    double[][] theta = PointClouds.directions(d, projections, seed);
    double[][] sorted = new double[projections][points.length];
    RadixSorter sorter = new RadixSorter();
    for (int p = 0; p < projections; p++) {
      PointClouds.project(points, theta[p], theta[p][d], sorted[p]);
      sorter.sort(sorted[p], points.length);
    }
    return new SortedProjections(d, seed, sorted);
  }

  /** The projections of the union of the two clouds (same dimension, directions and seed). */
  public static SortedProjections merge(SortedProjections a, SortedProjections b) {
    a.checkSame(b);
    int na = a.points();
    int nb = b.points();
    double[][] sorted = new double[a.sorted.length][na + nb];
    for (int p = 0; p < sorted.length; p++) {
      double[] x = a.sorted[p];
      double[] y = b.sorted[p];
      double[] out = sorted[p];
      int i = 0;
      int j = 0;
      for (int k = 0; k < na + nb; k++) {
        out[k] = j >= nb || (i < na && Double.compare(x[i], y[j]) <= 0) ? x[i++] : y[j++];
      }
    }
    return new SortedProjections(a.dimension, a.seed, sorted);
  }

  /** Number of points projected. */
  public int points() {
    return sorted[0].length;
  }

  /** Sliced W1 between the clouds {@code a} and {@code b} given by their projections. */
  public static double slicedWasserstein1(SortedProjections a, SortedProjections b) {
    a.checkSame(b);
    double sum = 0;
    for (int p = 0; p < a.sorted.length; p++) {
      sum += PointClouds.wasserstein1Sorted(a.sorted[p], a.points(), b.sorted[p], b.points());
    }
    return sum / a.sorted.length;
  }

  /**
   * {@link PointClouds#slicedWasserstein1}{@code (a, b, projections, seed)} with {@code b} given by
   * its projections: {@code a} projected and sorted direction by direction in one buffer.
   */
  public static double slicedWasserstein1(double[][] a, SortedProjections b) {
    if (a.length == 0) {
      return Double.NaN;
    }
    int d = PointClouds.dimension(a, a);
    if (d != b.dimension) {
      throw new IllegalArgumentException("points differ in dimension: " + d + " vs " + b.dimension);
    }
    double[][] theta = PointClouds.directions(d, b.sorted.length, b.seed);
    double[] pa = new double[a.length];
    RadixSorter sorter = new RadixSorter();
    double sum = 0;
    for (int p = 0; p < b.sorted.length; p++) {
      PointClouds.project(a, theta[p], theta[p][d], pa);
      sorter.sort(pa, pa.length);
      sum += PointClouds.wasserstein1Sorted(pa, pa.length, b.sorted[p], b.points());
    }
    return sum / b.sorted.length;
  }

  private void checkSame(SortedProjections o) {
    if (dimension != o.dimension || seed != o.seed || sorted.length != o.sorted.length) {
      throw new IllegalArgumentException("projections of different directions");
    }
  }
}
