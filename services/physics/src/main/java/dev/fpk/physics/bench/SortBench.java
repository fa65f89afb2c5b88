package dev.fpk.physics.bench;

import dev.fpk.physics.align.PointClouds;
import dev.fpk.physics.align.PreparedSamples;
import dev.fpk.physics.align.ReplicaOrder;
import dev.fpk.physics.align.SortedProjections;
import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The sorts behind the solver's per-step figures, one JSON line per case with {@code micros} per
 * call (median, see {@link PhysicsBench}).
 *
 * <ul>
 *   <li>{@code prepare-samples}: {@link PreparedSamples#prepare} of one entry's {@code n} replicas
 *       (N(0, 1)), path {@code full} (a full sort of each half, as without a kept order) or {@code
 *       kept-order} (from the order of the last step, {@link ReplicaOrder}); order {@code walk}:
 *       the entries alternate between two states that differ by N(0, 0.01^2) per replica (each
 *       replica passes about its neighbours at n = 256), {@code shuffle}: between a state and a
 *       shuffle of it (the kept order is of no use: the merge sort fallback);
 *   <li>{@code sliced-w1-step}: a step's two output comparisons (two models against one experiment,
 *       {@code points} points of dimension 16 per cloud, 32 directions), each with its sampling
 *       floor (the experiment's two halves); path {@code plain}: {@link
 *       PointClouds#slicedWasserstein1} four times, {@code shared}: the experiment's side once
 *       ({@link SortedProjections} of the halves, merged) and each model against it.
 * </ul>
 */
final class SortBench {
  private static final int ENTRIES = 64;
  private static final int DIM = 16;
  private static final int PROJECTIONS = 32;

  private double sink;

  private SortBench() {}

  static void run(PrintStream out) {
    SortBench b = new SortBench();
    for (int n : new int[] {64, 256}) {
      for (boolean shuffle : new boolean[] {false, true}) {
        b.prepare(out, n, shuffle, false);
        b.prepare(out, n, shuffle, true);
      }
    }
    for (int points : new int[] {64, 1024}) {
      b.sliced(out, points, false);
      b.sliced(out, points, true);
    }
  }

  /** Command-line entry: only these cases. */
  public static void main(String[] args) {
    run(System.out);
  }

  private void prepare(PrintStream out, int n, boolean shuffle, boolean kept) {
    SplittableRandom rnd = new SplittableRandom(5);
    double[][][] states = new double[2][ENTRIES][n];
    ReplicaOrder[] orders = new ReplicaOrder[ENTRIES];
    for (int e = 0; e < ENTRIES; e++) {
      orders[e] = new ReplicaOrder();
      for (int r = 0; r < n; r++) {
        states[0][e][r] = rnd.nextGaussian();
        states[1][e][r] = states[0][e][r] + 0.01 * rnd.nextGaussian();
      }
      if (shuffle) {
        for (int r = n - 1; r > 0; r--) {
          int j = rnd.nextInt(r + 1);
          double t = states[1][e][r];
          states[1][e][r] = states[1][e][j];
          states[1][e][j] = t;
        }
      }
    }
    PreparedSamples prepared = new PreparedSamples();
    int[] call = {0};
    double nanos =
        PhysicsBench.medianNanos(
            () -> {
              double[][] s = states[call[0]++ & 1];
              for (int e = 0; e < ENTRIES; e++) {
                prepared.prepare(s[e], kept ? orders[e] : null);
                sink += prepared.samplingFloor();
              }
            });
    out.println(
        String.format(
            Locale.ROOT,
            "{\"name\":\"prepare-samples\",\"path\":\"%s\",\"order\":\"%s\",\"samples\":%d,\"micros\":%.3f}",
            kept ? "kept-order" : "full",
            shuffle ? "shuffle" : "walk",
            n,
            nanos / 1e3 / ENTRIES));
  }

  private void sliced(PrintStream out, int points, boolean shared) {
    double[][] experiment = cloud(points, 1);
    double[][] even = new double[points / 2][];
    double[][] odd = new double[points / 2][];
    for (int i = 0; i < points; i++) {
      (i % 2 == 0 ? even : odd)[i / 2] = experiment[i];
    }
    double[][] model1 = cloud(points, 2);
    double[][] model2 = cloud(points, 3);
    long seed = 42;
    double nanos =
        PhysicsBench.medianNanos(
            () -> {
              if (shared) {
                SortedProjections e = SortedProjections.of(even, PROJECTIONS, seed);
                SortedProjections o = SortedProjections.of(odd, PROJECTIONS, seed);
                SortedProjections whole = SortedProjections.merge(e, o);
                double floor = SortedProjections.slicedWasserstein1(e, o);
                sink +=
                    SortedProjections.slicedWasserstein1(model1, whole)
                        + floor
                        + SortedProjections.slicedWasserstein1(model2, whole)
                        + floor;
              } else {
                sink +=
                    PointClouds.slicedWasserstein1(model1, experiment, PROJECTIONS, seed)
                        + PointClouds.slicedWasserstein1(even, odd, PROJECTIONS, seed)
                        + PointClouds.slicedWasserstein1(model2, experiment, PROJECTIONS, seed)
                        + PointClouds.slicedWasserstein1(even, odd, PROJECTIONS, seed);
              }
            });
    out.println(
        String.format(
            Locale.ROOT,
            "{\"name\":\"sliced-w1-step\",\"path\":\"%s\",\"points\":%d,\"dimension\":%d,\"micros\":%.3f}",
            shared ? "shared" : "plain",
            points,
            DIM,
            nanos / 1e3));
  }

  private static double[][] cloud(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] x = new double[n][DIM];
    for (double[] p : x) {
      for (int k = 0; k < DIM; k++) {
        p[k] = rnd.nextGaussian();
      }
    }
    return x;
  }
}
