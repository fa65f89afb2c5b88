package dev.fpk.physics.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Preparing from the order kept at the last step gives the plain preparation bit for bit, whatever
 * the samples did since: small moves (the insertion sort), shuffles (the merge sort fallback), ties
 * and signed zeros, non-finite values, changed sample counts.
 */
class ReplicaOrderTest {
  private final ReplicaOrder order = new ReplicaOrder();
  private final PreparedSamples fast = new PreparedSamples();

  @Test
  void walkingReplicasSortLikeAFullSort() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int n : new int[] {1, 2, 3, 64, 255, 256}) {
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = rnd.nextGaussian();
      }
      for (int step = 0; step < 40; step++) {
        double move = step % 10 == 9 ? 10 : 0.01; // now and then a shuffle beyond the budget
        for (int i = 0; i < n; i++) {
          s[i] += move * rnd.nextGaussian();
        }
        check(s);
      }
    }
  }

  @Test
  void tiesSignedZerosAndNonFiniteValues() {
    SplittableRandom rnd = new SplittableRandom(5);
    double[] pool = {
      0.0,
      -0.0,
      1.0,
      -1.0,
      2.5,
      Double.MIN_VALUE,
      -Double.MIN_VALUE,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.NaN
    };
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + rnd.nextInt(40);
      double[] s = new double[n];
      boolean nonFinite = rnd.nextInt(4) == 0;
      for (int i = 0; i < n; i++) {
        s[i] = pool[rnd.nextInt(nonFinite ? pool.length : pool.length - 3)];
      }
      check(s);
    }
  }

  @Test
  void changedSampleCountsStartAfresh() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      double[] s = new double[1 + rnd.nextInt(300)];
      for (int i = 0; i < s.length; i++) {
        s[i] = rnd.nextGaussian();
      }
      check(s);
      check(s); // same values, kept order: already sorted
    }
  }

  /**
   * The preparation from the kept order equals a fresh one's sorted values, halves' floor and
   * moments.
   */
  private void check(double[] s) {
    PreparedSamples ref = PreparedSamples.of(s);
    fast.prepare(s, order);
    assertEquals(ref.count(), fast.count());
    assertArrayEquals(bits(ref.sorted(), ref.count()), bits(fast.sorted(), fast.count()));
    assertEquals(
        Double.doubleToRawLongBits(ref.samplingFloor()),
        Double.doubleToRawLongBits(fast.samplingFloor()));
    assertEquals(Double.doubleToRawLongBits(ref.mean()), Double.doubleToRawLongBits(fast.mean()));
    double[] full = Arrays.copyOf(ref.finite(), ref.count());
    Arrays.sort(full);
    assertArrayEquals(bits(full, full.length), bits(fast.sorted(), fast.count()));
  }

  private static long[] bits(double[] a, int n) {
    long[] b = new long[n];
    for (int i = 0; i < n; i++) {
      b[i] = Double.doubleToRawLongBits(a[i]);
    }
    return b;
  }
}
