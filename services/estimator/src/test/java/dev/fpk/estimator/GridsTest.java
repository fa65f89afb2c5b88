package dev.fpk.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.align.PreparedSamples;
import dev.fpk.physics.density.KernelDensity;
import dev.fpk.physics.grid.Grid1D;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GridsTest {
  @Test
  void shouldPlaceTheBinsGridAtThreeTimesTheRange() {
    Grid1D g = Grids.around(new double[] {-1, 0.5, 1}, 32);
    assertEquals(-3, g.lo(), 1e-12);
    assertEquals(3, g.hi(), 1e-12);
  }

  @Test
  void shouldWidenADensitysGridByAQuarterOfTheRangeWhereManySamplesAre() {
    SplittableRandom random = new SplittableRandom(3);
    double[] samples = new double[256];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = random.nextGaussian();
    }
    double min = java.util.Arrays.stream(samples).min().orElseThrow();
    double max = java.util.Arrays.stream(samples).max().orElseThrow();
    Grid1D g = Grids.forDensity(PreparedSamples.of(samples), 128);
    assertEquals(128, g.cells());
    assertEquals(min - (max - min) / 4, g.lo(), 1e-12);
    assertEquals(max + (max - min) / 4, g.hi(), 1e-12);
    assertEquals(Grids.around(samples, 128).width() / 2, g.width(), 1e-12, "half the cell width");
  }

  @Test
  void shouldKeepThreeBandwidthsOfMarginForFewSamples() {
    double[] samples = {0, 0.1, 1};
    Grid1D g = Grids.forDensity(PreparedSamples.of(samples), 64);
    double bw = KernelDensity.silvermanBandwidth(Grids.around(samples, 64), samples);
    assertTrue(3 * bw > 0.25, "the kernel is wider than a quarter of the range here");
    assertEquals(-3 * bw, g.lo(), 1e-12);
    assertEquals(1 + 3 * bw, g.hi(), 1e-12);
  }

  @Test
  void shouldFallBackToTheBinsGridWithoutSpread() {
    double[] samples = {0.5, 0.5, 0.5};
    Grid1D g = Grids.forDensity(PreparedSamples.of(samples), 16);
    assertEquals(Grids.around(samples, 16).lo(), g.lo());
    assertEquals(Grids.around(samples, 16).hi(), g.hi());
  }
}
