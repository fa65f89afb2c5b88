package dev.fpk.physics.align;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sliced W1 from projections computed once (and merged from halves) is the plain {@link
 * PointClouds#slicedWasserstein1} bit for bit, and the energy distance with a given {@code E|Y -
 * Y'|} the plain one: random clouds, ties, signed zeros, infinities.
 */
class SortedProjectionsTest {
  @Test
  void equalsThePlainSlicedW1AndEnergyDistanceBitForBit() {
    SplittableRandom rnd = new SplittableRandom(17);
    double[] special = {0.0, -0.0, 1.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (int trial = 0; trial < 300; trial++) {
      int d = 1 + rnd.nextInt(4);
      boolean ties = trial % 3 == 0;
      boolean infinite = trial % 50 == 7;
      double[][] a = cloud(rnd, 1 + rnd.nextInt(40), d, ties, infinite, special);
      double[][] even = cloud(rnd, 1 + rnd.nextInt(20), d, ties, infinite, special);
      double[][] odd = cloud(rnd, 1 + rnd.nextInt(20), d, ties, infinite, special);
      double[][] whole = new double[even.length + odd.length][];
      System.arraycopy(even, 0, whole, 0, even.length);
      System.arraycopy(odd, 0, whole, even.length, odd.length);
      int projections = 1 + rnd.nextInt(33);
      long seed = rnd.nextLong();
      SortedProjections e = SortedProjections.of(even, projections, seed);
      SortedProjections o = SortedProjections.of(odd, projections, seed);
      SortedProjections w = SortedProjections.merge(e, o);
      assertBits(
          PointClouds.slicedWasserstein1(a, whole, projections, seed),
          SortedProjections.slicedWasserstein1(a, w));
      assertBits(
          PointClouds.slicedWasserstein1(even, odd, projections, seed),
          SortedProjections.slicedWasserstein1(e, o));
      assertBits(
          PointClouds.slicedWasserstein1(whole, whole, projections, seed),
          SortedProjections.slicedWasserstein1(SortedProjections.of(whole, projections, seed), w));
      assertBits(
          PointClouds.energyDistance(a, whole),
          PointClouds.energyDistance(a, whole, PointClouds.meanDistance(whole, whole)));
    }
  }

  private static double[][] cloud(
      SplittableRandom rnd, int n, int d, boolean ties, boolean infinite, double[] special) {
    double[][] x = new double[n][d];
    for (double[] p : x) {
      for (int k = 0; k < d; k++) {
        p[k] = ties ? special[rnd.nextInt(infinite ? special.length : 3)] : rnd.nextGaussian();
      }
    }
    return x;
  }

  private static void assertBits(double expected, double actual) {
    assertEquals(
        Double.doubleToLongBits(expected),
        Double.doubleToLongBits(actual),
        expected + " vs " + actual);
  }
}
