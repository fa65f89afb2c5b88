package dev.fpk.physics.density;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fpk.physics.grid.Grid1D;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Cell averages from the CDF table equal those from Normal.cdf within what the table's accuracy
 * allows (two CDF values within 1.5e-15 each, divided by the cell width), and to 1e-12 of the
 * largest where a forecast's Gaussian lives (a standard deviation of 1 to 30 cells).
 */
class GaussiansTest {
  @Test
  void shouldGiveTheCellAveragesOfNormalCdfFromTheTable() {
    SplittableRandom rnd = new SplittableRandom(4);
    for (int round = 0; round < 400; round++) {
      Grid1D g = Grid1D.of(-1 + 0.1 * rnd.nextGaussian(), 1, 2 + rnd.nextInt(400));
      double mean = 0.5 * rnd.nextGaussian();
      boolean forecastLike = round % 4 != 0;
      double sd =
          g.width() * (forecastLike ? 1 + 29 * rnd.nextDouble() : Math.exp(3 * rnd.nextGaussian()));
      boolean fold = round % 2 == 0;
      double[] expected = Gaussians.cellAverages(g, mean, sd, fold);
      double[] actual = Gaussians.cellAveragesTabulated(g, mean, sd, fold);
      double max = 0;
      for (double v : expected) {
        max = Math.max(max, v);
      }
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 3e-15 / g.width(), "round " + round + " cell " + i);
        if (forecastLike) {
          assertEquals(expected[i], actual[i], 1e-12 * max, "round " + round + " cell " + i);
        }
      }
    }
  }
}
