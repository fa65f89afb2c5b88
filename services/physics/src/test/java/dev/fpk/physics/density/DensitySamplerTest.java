package dev.fpk.physics.density;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.grid.Grid1D;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DensitySamplerTest {
  @Test
  void shouldInvertPiecewiseLinearCdf() {
    Grid1D g = Grid1D.of(0, 4, 4);
    double[] p = {0, 1, 1, 0}; // uniform on [1, 3]
    assertArrayEquals(new double[] {1.5, 2.5}, DensitySampler.quantiles(g, p, 2), 1e-15);
    double[] s = DensitySampler.sample(g, p, 100_000, new SplittableRandom(1));
    assertEquals(2, Alignment.sampleMean(s), 0.01);
    assertEquals(1.0 / 3, Alignment.sampleVariance(s), 0.01);
    for (double v : s) {
      assertTrue(v >= 1 && v <= 3);
    }
    assertTrue(Double.isNaN(DensitySampler.quantiles(g, new double[4], 1)[0]));
  }

  @Test
  void shouldGiveQuantilesAtAnyLevelFromTheCdf() {
    Grid1D g = Grid1D.of(0, 4, 4);
    double[] uniform = {0, 1, 1, 0}; // uniform on [1, 3]
    assertArrayEquals(
        new double[] {1, 1.1, 1.5, 2, 2.5, 2.9, 3},
        DensitySampler.quantilesAt(g, uniform, 0, 0.05, 0.25, 0.5, 0.75, 0.95, 1),
        1e-12);
    // a Gaussian (mean 0.3, sd 0.2) on a fine grid: its quantiles within a hundredth of a cell
    Grid1D fine = Grid1D.of(-1.2, 1.8, 3000);
    double[] p = new double[fine.cells()];
    for (int i = 0; i < p.length; i++) {
      double z = (fine.centre(i) - 0.3) / 0.2;
      p[i] = Math.exp(-0.5 * z * z);
    }
    double[] q = DensitySampler.quantilesAt(fine, p, 0.05, 0.5, 0.95);
    assertEquals(0.3 - 1.6448536 * 0.2, q[0], fine.width());
    assertEquals(0.3, q[1], fine.width());
    assertEquals(0.3 + 1.6448536 * 0.2, q[2], fine.width());
    assertTrue(Double.isNaN(DensitySampler.quantilesAt(g, new double[4], 0.5)[0]));
  }
}
