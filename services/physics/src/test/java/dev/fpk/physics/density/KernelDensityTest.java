package dev.fpk.physics.density;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.align.PreparedSamples;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.testing.Exact;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelDensityTest {
  @Test
  void shouldHaveMassOneAndApproachTheTrueDensity() {
    Grid1D g = Grid1D.of(-3, 3, 120);
    SplittableRandom rnd = new SplittableRandom(3);
    double[] s = new double[20_000];
    for (int i = 0; i < s.length; i++) {
      s[i] = 0.2 + 0.5 * rnd.nextGaussian();
    }
    double[] p = KernelDensity.estimate(g, s);
    assertEquals(1, Exact.mass(g, p), 1e-12);
    double l1 = Exact.l1(g, p, Exact.gaussianCells(g, 0.2, 0.5));
    assertTrue(l1 < 0.03, "L1 to the true density " + l1);
  }

  @Test
  void shouldKeepTheSamplesVarianceWhenAskedWhereThePlainEstimateAddsTheBandwidthsSquare() {
    Grid1D g = Grid1D.of(-4, 4, 1600);
    SplittableRandom rnd = new SplittableRandom(5);
    double[] s = new double[256];
    for (int i = 0; i < s.length; i++) {
      s[i] = 0.3 + 0.7 * rnd.nextGaussian();
    }
    PreparedSamples prepared = PreparedSamples.of(s);
    double bw = KernelDensity.silvermanBandwidth(g, s);
    double[] plain = moments(g, KernelDensity.estimate(g, prepared));
    double[] kept = moments(g, KernelDensity.estimateKeepingVariance(g, prepared));
    double variance = prepared.variance();
    assertEquals(prepared.mean(), plain[0], 1e-9);
    assertEquals(prepared.mean(), kept[0], 1e-9);
    // the midpoint rule on cells of 0.005 is within 1e-5 of the exact moments
    assertEquals(variance + bw * bw, plain[1], 1e-4);
    assertEquals(variance, kept[1], 1e-4);
    assertTrue(bw * bw > 0.05 * variance, "the bandwidth matters here: " + bw);
  }

  @Test
  void shouldGiveThePlainEstimateWithoutSpread() {
    Grid1D g = Grid1D.of(0, 1, 10);
    PreparedSamples one = PreparedSamples.of(new double[] {0.55});
    assertArrayEquals(
        KernelDensity.estimate(g, one), KernelDensity.estimateKeepingVariance(g, one));
  }

  /** Mean and variance of a density of cell averages, by the midpoint rule. */
  private static double[] moments(Grid1D g, double[] p) {
    double mass = 0;
    double first = 0;
    double second = 0;
    for (int i = 0; i < g.cells(); i++) {
      double x = g.centre(i);
      double m = p[i] * g.width();
      mass += m;
      first += m * x;
      second += m * x * x;
    }
    double mean = first / mass;
    return new double[] {mean, second / mass - mean * mean};
  }

  @Test
  void shouldUseSilvermansRule() {
    Grid1D g = Grid1D.of(0, 10, 10);
    double[] s = {1, 2, 3, 4, 5};
    // sd = sqrt(2.5); IQR = 4 - 2 = 2 -> 2 / 1.34 < sd
    assertEquals(
        0.9 * (2 / 1.34) * Math.pow(5, -0.2), KernelDensity.silvermanBandwidth(g, s), 1e-15);
  }

  @Test
  void shouldUseOneCellWidthWhenSamplesHaveNoSpread() {
    Grid1D g = Grid1D.of(0, 1, 10);
    assertEquals(0.1, KernelDensity.silvermanBandwidth(g, new double[] {0.55, 0.55}), 1e-15);
    double[] p = KernelDensity.estimate(g, new double[] {0.55});
    assertEquals(1, Exact.mass(g, p), 1e-14);
    assertEquals(p[4], p[6], 1e-12); // symmetric about 0.55, the centre of cell 5
    assertTrue(p[5] > p[3]);
  }

  @Test
  void shouldKeepTailMassInEndCellsAndReturnNaNWhenEmpty() {
    Grid1D g = Grid1D.of(0, 1, 10);
    double[] p = KernelDensity.estimate(g, new double[] {-5, 0.9, 6});
    assertEquals(1, Exact.mass(g, p), 1e-14);
    assertTrue(Double.isNaN(KernelDensity.estimate(g, new double[0])[0]));
  }

  @Test
  void shouldMatchExactKernelSumsWhenManySamplesAreBinnedFirst() {
    Grid1D g = Grid1D.of(-4, 4, 20);
    double bw = 0.3;
    SplittableRandom rnd = new SplittableRandom(8);
    double[] s = new double[20_000];
    for (int i = 0; i < s.length; i++) {
      s[i] = rnd.nextGaussian();
    }
    double[] binned = KernelDensity.estimate(g, s, bw);
    double[] exact = new double[20];
    for (double x : s) {
      double prev = 0;
      for (int i = 0; i < 20; i++) {
        double f = i == 19 ? 1 : dev.fpk.physics.internal.Normal.cdf((g.edge(i + 1) - x) / bw);
        exact[i] += (f - prev) / (s.length * g.width());
        prev = f;
      }
    }
    assertEquals(1, Exact.mass(g, binned), 1e-12);
    for (int i = 0; i < 20; i++) {
      assertEquals(exact[i], binned[i], 2e-3 * Math.max(exact[i], 1e-3), "cell " + i);
    }
  }
}
