package dev.fpk.physics.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.internal.Normal;
import dev.fpk.physics.testing.Exact;
import org.junit.jupiter.api.Test;

class AlignmentTest {
  /**
   * Deterministic "samples" of N(mean, sd^2): the (k - 1/2)/n quantiles, by bisection on the CDF.
   */
  static double[] normalQuantiles(int n, double mean, double sd) {
    double[] s = new double[n];
    for (int k = 0; k < n; k++) {
      double target = (k + 0.5) / n;
      double lo = -10, hi = 10;
      for (int it = 0; it < 80; it++) {
        double mid = 0.5 * (lo + hi);
        if (Normal.cdf(mid) < target) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      s[k] = mean + sd * 0.5 * (lo + hi);
    }
    return s;
  }

  @Test
  void shouldGiveExactW1OfUniformAgainstPointMass() {
    Grid1D g = Grid1D.of(-1, 2, 3); // density 1 on [0, 1]
    double[] p = {0, 1, 0};
    assertEquals(0.25, Alignment.wasserstein1(g, p, new double[] {0.5}), 1e-15);
    assertEquals(0.25, Alignment.wasserstein1(g, p, new double[] {0, 1}), 1e-15);
    // a point mass far outside the grid: W1 = |mean shift| = 5 - 0.5
    assertEquals(4.5, Alignment.wasserstein1(g, p, new double[] {5}), 1e-15);
  }

  @Test
  void shouldGiveShiftAsW1OfTwoShiftedGaussians() {
    Grid1D g = Grid1D.of(-8, 8, 3200);
    double[] p = Exact.gaussianCells(g, 0, 1);
    double[] samples = normalQuantiles(20_000, 0.3, 1);
    double w1 = Alignment.wasserstein1(g, p, samples);
    assertEquals(0.3, w1, 1e-3, "W1 of N(0,1) and N(0.3,1) is 0.3");
    double self = Alignment.wasserstein1(g, p, normalQuantiles(20_000, 0, 1));
    assertTrue(self < 1e-3, "W1 to its own quantiles " + self);
  }

  @Test
  void shouldReturnNaNOnEmptyInput() {
    Grid1D g = Grid1D.of(0, 1, 4);
    assertTrue(Double.isNaN(Alignment.wasserstein1(g, new double[] {1, 1, 1, 1}, new double[0])));
    assertTrue(Double.isNaN(Alignment.wasserstein1(g, new double[4], new double[] {0.5})));
    assertTrue(Double.isNaN(Alignment.histogram(g, new double[] {Double.NaN})[0]));
    assertTrue(Double.isNaN(Alignment.mean(g, new double[4])));
  }

  @Test
  void shouldBuildHistogramWithMassOneClampingOutliers() {
    Grid1D g = Grid1D.of(0, 1, 4);
    double[] h = Alignment.histogram(g, new double[] {-3, 0.1, 0.3, 0.3, 0.99, 7, Double.NaN});
    assertEquals(1.0, Exact.mass(g, h), 1e-15);
    assertEquals(2 / (6 * 0.25), h[0], 1e-15); // -3 and 0.1
    assertEquals(2 / (6 * 0.25), h[3], 1e-15); // 0.99 and 7
  }

  @Test
  void shouldComputeDivergencesOfKnownPairs() {
    Grid1D g = Grid1D.of(0, 2, 2);
    double[] p = {1, 0};
    double[] q = {0, 1};
    assertEquals(Math.log(2), Alignment.jensenShannon(g, p, q), 1e-15);
    assertEquals(1, Alignment.hellinger(g, p, q), 1e-15);
    assertEquals(0, Alignment.jensenShannon(g, p, p), 1e-15);
    assertEquals(0, Alignment.hellinger(g, p, p), 1e-7);
    double[] a = {0.5, 0.5};
    double[] b = {0.25, 0.75};
    double kl = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
    assertEquals(kl, Alignment.kl(g, a, b, 0), 1e-15);
    assertEquals(Double.POSITIVE_INFINITY, Alignment.kl(g, p, q, 0));
    double s = 1e-3;
    double smoothed =
        (1 + s) / (1 + 2 * s) * Math.log((1 + s) / s) + s / (1 + 2 * s) * Math.log(s / (1 + s));
    assertEquals(smoothed, Alignment.kl(g, p, q, s), 1e-12);
  }

  @Test
  void shouldGiveExactMeanAndVarianceOfPiecewiseConstantDensity() {
    Grid1D g = Grid1D.of(-1, 2, 30);
    double[] p = new double[30];
    for (int i = 10; i < 20; i++) {
      p[i] = 1; // uniform on [0, 1]
    }
    assertEquals(0.5, Alignment.mean(g, p), 1e-14);
    assertEquals(1.0 / 12, Alignment.variance(g, p), 1e-14);
    assertEquals(0.5, Alignment.sampleMean(new double[] {0, 1, Double.NaN}), 0);
    assertEquals(0.25, Alignment.sampleVariance(new double[] {0, 1}), 0);
  }
}
