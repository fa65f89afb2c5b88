package dev.fpk.physics.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PointCloudsTest {
  static double[][] gaussianCloud(int n, double dx, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] x = new double[n][2];
    for (int i = 0; i < n; i++) {
      x[i][0] = rnd.nextGaussian() + dx;
      x[i][1] = rnd.nextGaussian();
    }
    return x;
  }

  @Test
  void shouldGiveTwoOverPiTimesShiftAsSlicedW1In2d() {
    double delta = 1.0;
    double sw =
        PointClouds.slicedWasserstein1(
            gaussianCloud(4000, 0, 1), gaussianCloud(4000, delta, 2), 400, 7);
    assertEquals(2 / Math.PI * delta, sw, 0.04, "E|cos theta| = 2/pi on the circle");
  }

  @Test
  void shouldComputeExact1dW1BetweenEmpiricalDistributions() {
    assertEquals(1.0, PointClouds.wasserstein1(new double[] {0, 1}, new double[] {1, 2}), 1e-15);
    assertEquals(0.5, PointClouds.wasserstein1(new double[] {0}, new double[] {0, 1}), 1e-15);
  }

  @Test
  void shouldComputeEnergyDistanceOfKnownClouds() {
    double[][] a = {{0}};
    double[][] b = {{1}};
    assertEquals(2, PointClouds.energyDistance(a, b), 1e-15);
    double[][] c = gaussianCloud(300, 0, 3);
    assertEquals(0, PointClouds.energyDistance(c, c), 1e-12);
    assertTrue(PointClouds.energyDistance(c, gaussianCloud(300, 1, 4)) > 0.3);
    assertTrue(Double.isNaN(PointClouds.energyDistance(new double[0][], b)));
  }

  @Test
  void shouldMapMatricesToOutputClouds() {
    double[][] w = {{1, 2, 3, 4}}; // 2x2
    double[][] h = {{1, 0}, {0, 1}};
    double[][] y = PointClouds.linearOutputs(w, 2, 2, h);
    assertArrayEquals(new double[] {1, 3}, y[0]);
    assertArrayEquals(new double[] {2, 4}, y[1]);
  }

  @Test
  void shouldGiveThePairByPairMeanDistanceBitForBit() {
    SplittableRandom rnd = new SplittableRandom(29);
    double[] special = {
      0.0, -0.0, 1.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN
    };
    for (int trial = 0; trial < 200; trial++) {
      int d = rnd.nextInt(6);
      double[][] a = new double[1 + rnd.nextInt(30)][d];
      double[][] b = new double[1 + rnd.nextInt(30)][d];
      for (double[][] c : new double[][][] {a, b}) {
        for (double[] x : c) {
          for (int k = 0; k < d; k++) {
            x[k] = trial % 4 == 0 ? special[rnd.nextInt(special.length)] : rnd.nextGaussian();
          }
        }
      }
      double s = 0;
      for (double[] x : a) {
        for (double[] y : b) {
          double d2 = 0;
          for (int k = 0; k < d; k++) {
            double e = x[k] - y[k];
            d2 += e * e;
          }
          s += Math.sqrt(d2);
        }
      }
      double expected = s / ((double) a.length * b.length);
      // bit for bit, NaN for NaN (a NaN's sign and payload follow the operand order the JIT picks
      // for
      // an addition, which differs between interpreted and compiled code already)
      assertEquals(
          Double.doubleToLongBits(expected),
          Double.doubleToLongBits(PointClouds.meanDistance(a, b)),
          "trial " + trial);
    }
  }
}
