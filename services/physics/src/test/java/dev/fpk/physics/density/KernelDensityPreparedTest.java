package dev.fpk.physics.density;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.align.PreparedSamples;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.internal.Normal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The estimate from prepared samples equals the one from the raw samples bit for bit, and the exact
 * evaluation (no binning) equals the kernel sums by {@link Normal#cdf} at every edge to 1e-12 of
 * the largest value.
 */
class KernelDensityPreparedTest {
  @Test
  void shouldEqualTheEstimateFromRawSamples() {
    SplittableRandom rnd = new SplittableRandom(5);
    PreparedSamples prepared = new PreparedSamples();
    for (int round = 0; round < 200; round++) {
      int n = round % 10 == 0 ? round % 3 : 1 + rnd.nextInt(round % 4 == 0 ? 3000 : 100);
      double[] s = new double[n];
      double spread = Math.exp(2 * rnd.nextGaussian());
      for (int i = 0; i < n; i++) {
        double u = rnd.nextDouble();
        s[i] =
            u < 0.03
                ? Double.NaN
                : u < 0.05 ? 1 : u < 0.06 ? Double.NEGATIVE_INFINITY : spread * rnd.nextGaussian();
      }
      Grid1D g = Grid1D.of(-4 * spread, 3 * spread, 8 + rnd.nextInt(250));
      double[] expected = KernelDensity.estimate(g, s);
      double[] actual = KernelDensity.estimate(g, prepared.prepare(s));
      // assertArrayEquals on double[] compares bits (NaN equals NaN)
      assertArrayEquals(expected, actual, "round " + round + ", " + n + " samples");
    }
  }

  /**
   * The kernel sums by their definition: Phi((edge - x) / bw) at every edge, cut at 9 bandwidths.
   */
  static double[] reference(Grid1D g, double[] s, double bw) {
    double[] mass = new double[g.cells()];
    for (double x : s) {
      int i0 = g.indexOf(x - 9 * bw);
      int i1 = g.indexOf(x + 9 * bw);
      double prev = 0;
      for (int i = i0; i <= i1; i++) {
        double f = i == i1 ? 1 : Normal.cdf((g.edge(i + 1) - x) / bw);
        mass[i] += f - prev;
        prev = f;
      }
    }
    for (int i = 0; i < mass.length; i++) {
      mass[i] /= s.length * g.width();
    }
    return mass;
  }

  @Test
  void shouldEqualTheKernelSumsByDefinition() {
    SplittableRandom rnd = new SplittableRandom(12);
    double worst = 0;
    for (int round = 0; round < 300; round++) {
      int n = 1 + rnd.nextInt(200);
      double[] s = new double[n];
      double sd = Math.exp(rnd.nextGaussian());
      for (int i = 0; i < n; i++) {
        s[i] = sd * rnd.nextGaussian() + (rnd.nextDouble() < 0.05 ? 20 * sd : 0);
      }
      int cells = 8 + rnd.nextInt(300);
      Grid1D g = Grid1D.of(-3 * sd + 0.1 * rnd.nextGaussian(), 3 * sd, cells);
      // bandwidths from a fraction of a cell to many cells, the solver's (a few cells) in between
      double bw = g.width() * Math.exp(2.5 * rnd.nextGaussian());
      double[] expected = reference(g, s, bw);
      double[] actual = KernelDensity.estimate(g, s, bw);
      double max = 0;
      for (double v : expected) {
        max = Math.max(max, v);
      }
      for (int i = 0; i < cells; i++) {
        worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / max);
        assertEquals(expected[i], actual[i], 1e-12 * max, "round " + round + " cell " + i);
      }
    }
    System.out.printf(
        "KDE against kernel sums by Normal.cdf: largest difference %.1e of the peak%n", worst);
    assertTrue(worst > 0, "the table is not Normal.cdf itself");
  }
}
