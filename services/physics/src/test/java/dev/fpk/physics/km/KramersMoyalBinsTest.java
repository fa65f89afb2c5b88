package dev.fpk.physics.km;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fpk.physics.grid.Grid1D;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KramersMoyalBinsTest {

  /** One buffer reused across estimators of 40, 8 and 24 bins (grown, then longer than needed). */
  @Test
  void shouldHoldBitForBitWhatResultGivesWhenReusedAcrossGridsOfEverySize() {
    KramersMoyalBins buffer = new KramersMoyalBins();
    SplittableRandom rnd = new SplittableRandom(3);
    int[] sizes = {40, 8, 24, 40, 5};
    for (int round = 0; round < sizes.length; round++) {
      Grid1D grid = Grid1D.of(-0.3 + 0.01 * round, 0.3, sizes[round]);
      BinnedKramersMoyal km = new BinnedKramersMoyal(grid, 50);
      // sparse on purpose: empty bins, bins with one sample, and well-filled ones
      for (int i = 0; i < 30 + 200 * round; i++) {
        double w = 0.25 * rnd.nextGaussian();
        km.increment(w, -0.02 * w + 0.01 * rnd.nextGaussian(), 1 + rnd.nextInt(3));
        if (i % 37 == 0) {
          km.decay(2);
        }
      }
      KramersMoyalEstimate expected = km.result();
      km.resultInto(buffer);
      int n = grid.cells();
      assertEquals(n, buffer.bins());
      assertSame(grid, buffer.grid());
      assertArrayEquals(expected.drift(), head(buffer.drift(), n));
      assertArrayEquals(expected.driftStdErr(), head(buffer.driftStdErr(), n));
      assertArrayEquals(expected.diffusion(), head(buffer.diffusion(), n));
      assertArrayEquals(expected.diffusionStdErr(), head(buffer.diffusionStdErr(), n));
      assertArrayEquals(expected.counts(), head(buffer.counts(), n));
      assertEquals(expected.ouFit(), buffer.ouFit());
      assertEquals(
          Double.doubleToLongBits(expected.pawulaRatio()),
          Double.doubleToLongBits(buffer.pawulaRatio()));
      for (int minCount : new int[] {1, 5, 20}) {
        km.resultInto(buffer);
        buffer.smooth(minCount);
        assertArrayEquals(
            expected.smoothedDrift(minCount), head(buffer.drift(), n), "minCount " + minCount);
        assertArrayEquals(
            expected.smoothedDiffusion(minCount),
            head(buffer.diffusion(), n),
            "minCount " + minCount);
      }
    }
  }

  private static double[] head(double[] xs, int n) {
    return Arrays.copyOf(xs, n);
  }
}
