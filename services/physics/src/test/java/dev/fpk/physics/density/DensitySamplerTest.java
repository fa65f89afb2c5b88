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
}
