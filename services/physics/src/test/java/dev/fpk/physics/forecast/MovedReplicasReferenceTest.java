package dev.fpk.physics.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fpk.physics.grid.Grid1D;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * {@link MovedReplicas#move} against the replica-by-replica loop it replaced (kept here as the
 * reference): the same values bit for bit, and the random generator left in the same state, for
 * fields that push replicas past both edges, non-finite values among them, and from {@link
 * MovedReplicas#of} with several copies sharing one generator; and the own drifts placed along the
 * sorted start as the boxed stable sort they replaced placed them.
 */
class MovedReplicasReferenceTest {
  private static final Grid1D G = Grid1D.of(-0.2, 0.3, 64);

  /** Drift and diffusion varying over the grid, strong enough to reflect at both edges. */
  private static double[][] fields(double k, double diffusion) {
    double[] mu = new double[G.cells()];
    double[] d = new double[G.cells()];
    for (int c = 0; c < mu.length; c++) {
      double x = G.centre(c);
      mu[c] = -k * (x - 0.05) + 0.01 * Math.sin(40 * x);
      d[c] = diffusion * (1 + 0.5 * Math.cos(30 * x)) - (c == 7 ? 2 * diffusion : 0); // one < 0
    }
    return new double[][] {mu, d};
  }

  private static double[] replicas(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = 0.05 + 0.08 * r.nextGaussian();
    }
    return w;
  }

  @Test
  void shouldMoveBitForBitAsTheReplicaByReplicaLoop() {
    for (double diffusion : new double[] {1e-7, 1e-4, 5e-3}) {
      double[][] f = fields(0.05, diffusion);
      for (int substeps : new int[] {1, 3, 10}) {
        double[] w = replicas(64, 7);
        double[] expected = w.clone();
        SplittableRandom a = new SplittableRandom(11);
        SplittableRandom b = new SplittableRandom(11);
        MovedReplicas.move(G, f[0], f[1], w, 10, substeps, a);
        referenceMove(G, f[0], f[1], expected, 10, substeps, b);
        assertArrayEquals(expected, w, "D " + diffusion + ", " + substeps + " substeps");
        assertEquals(b.nextLong(), a.nextLong(), "as many draws taken");
      }
    }
  }

  @Test
  void shouldLeaveNonFiniteValuesAndTakeNoDrawsForThem() {
    double[][] f = fields(0.05, 1e-3);
    double[] w = replicas(40, 3);
    w[0] = Double.NaN;
    w[17] = Double.POSITIVE_INFINITY;
    w[39] = Double.NEGATIVE_INFINITY;
    double[] expected = w.clone();
    SplittableRandom a = new SplittableRandom(5);
    SplittableRandom b = new SplittableRandom(5);
    MovedReplicas.move(G, f[0], f[1], w, 4, 4, a);
    referenceMove(G, f[0], f[1], expected, 4, 4, b);
    assertArrayEquals(expected, w);
    assertEquals(b.nextLong(), a.nextLong());
  }

  @Test
  void shouldGiveTheCopiesOfTheReferenceLoop() {
    double[][] f = fields(0.02, 2e-4);
    double[] start = replicas(64, 9);
    int substeps = MovedReplicas.substeps(G, f[0], f[1], 10, 1);
    MovedReplicas moved = MovedReplicas.of(G, f[0], f[1], start, 10, 1, 4, new SplittableRandom(2));
    double[] sorted = start.clone();
    Arrays.sort(sorted);
    SplittableRandom r = new SplittableRandom(2);
    double[][] copies = new double[4][];
    for (int c = 0; c < copies.length; c++) {
      copies[c] = sorted.clone();
      referenceMove(G, f[0], f[1], copies[c], 10, substeps, r);
      Arrays.sort(copies[c]);
    }
    double[] density = new double[G.cells()];
    Arrays.fill(density, 1 / (G.width() * G.cells()));
    double floor = 0;
    for (double[] c : copies) {
      floor += dev.fpk.physics.align.Alignment.wasserstein1(G, density, c);
    }
    assertEquals(floor / copies.length, moved.floorOf(G, density), 0.0, "bit for bit");
    double[] pool = new double[3 * sorted.length];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(copies[c], 0, pool, c * sorted.length, sorted.length);
    }
    Arrays.sort(pool);
    ParticleForecast expected = ParticleForecast.of(pool, sorted, copies[3]);
    ParticleForecast actual = moved.forecast();
    double[] data = replicas(64, 21);
    Arrays.sort(data);
    assertEquals(expected.floor(), actual.floor(), 0.0);
    assertEquals(expected.w1(data, data.length), actual.w1(data, data.length), 0.0);
  }

  @Test
  void shouldPlaceTheOwnDriftsAsAStableSortOfTheReplicasDoes() {
    SplittableRandom r = new SplittableRandom(5);
    double[] specials = {
      0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1, -0.1
    };
    for (int trial = 0; trial < 500; trial++) {
      int n = 1 + r.nextInt(80);
      int levels = 1 + r.nextInt(trial % 2 == 0 ? 4 : 1000); // many ties, or few
      double[] start = new double[n];
      double[] own = new double[n];
      for (int i = 0; i < n; i++) {
        start[i] =
            r.nextInt(6) == 0
                ? specials[r.nextInt(specials.length)]
                : (r.nextInt(levels) - levels / 2) * 0.01;
        own[i] = r.nextInt(10) == 0 ? Double.NaN : r.nextGaussian();
      }
      double[] sorted = dev.fpk.physics.align.Alignment.finiteSorted(start);
      assertArrayEquals(
          referenceAlongSorted(start, own, sorted.length),
          MovedReplicas.alongSorted(start, own, sorted),
          "trial " + trial);
    }
  }

  /** The boxed stable sort that {@link MovedReplicas#alongSorted} replaced. */
  private static double[] referenceAlongSorted(double[] start, double[] ownDrift, int finite) {
    Integer[] order = new Integer[start.length];
    int n = 0;
    for (int r = 0; r < start.length; r++) {
      if (Double.isFinite(start[r])) {
        order[n++] = r;
      }
    }
    Arrays.sort(order, 0, n, (a, b) -> Double.compare(start[a], start[b]));
    double[] own = new double[finite];
    for (int i = 0; i < finite; i++) {
      double v = ownDrift[order[i]];
      own[i] = Double.isFinite(v) ? v : 0;
    }
    return own;
  }

  @Test
  void shouldMergeAsArraysSortDoes() {
    SplittableRandom r = new SplittableRandom(4);
    for (int trial = 0; trial < 200; trial++) {
      double[][] halves = new double[2][];
      for (int h = 0; h < 2; h++) {
        halves[h] = new double[r.nextInt(100)];
        for (int i = 0; i < halves[h].length; i++) { // ties, and zeros of both signs
          halves[h][i] = r.nextInt(4) == 0 ? (r.nextBoolean() ? 0.0 : -0.0) : r.nextInt(9) - 4;
        }
        Arrays.sort(halves[h]);
      }
      double[] both = new double[halves[0].length + halves[1].length];
      System.arraycopy(halves[0], 0, both, 0, halves[0].length);
      System.arraycopy(halves[1], 0, both, halves[0].length, halves[1].length);
      Arrays.sort(both);
      assertArrayEquals(both, MovedReplicas.merge(halves[0], halves[1]), "trial " + trial);
    }
  }

  /** The loop as it was: each replica's Euler steps in turn, drawing as it goes. */
  static void referenceMove(
      Grid1D g,
      double[] drift,
      double[] diffusion,
      double[] w,
      double steps,
      int substeps,
      RandomGenerator random) {
    double h = steps / substeps;
    double lo = g.lo();
    double hi = g.hi();
    double perWidth = 1 / g.width();
    int last = g.cells() - 1;
    for (int i = 0; i < w.length; i++) {
      double x = w[i];
      if (!Double.isFinite(x)) {
        continue;
      }
      for (int s = 0; s < substeps; s++) {
        double c = (x - lo) * perWidth - 0.5;
        double mu;
        double d;
        if (!(c > 0)) {
          mu = drift[0];
          d = diffusion[0];
        } else if (c >= last) {
          mu = drift[last];
          d = diffusion[last];
        } else {
          int k = (int) c;
          double f = c - k;
          mu = drift[k] + f * (drift[k + 1] - drift[k]);
          d = diffusion[k] + f * (diffusion[k + 1] - diffusion[k]);
        }
        x += mu * h + Math.sqrt(2 * Math.max(0, d) * h) * random.nextGaussian();
        x = x < lo ? 2 * lo - x : x > hi ? 2 * hi - x : x;
        x = Math.min(hi, Math.max(lo, x));
      }
      w[i] = x;
    }
  }
}
