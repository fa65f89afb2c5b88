package dev.fpk.physics.density;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.fpk.physics.align.PreparedSamples;
import dev.fpk.physics.grid.Grid1D;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The estimate from prepared samples equals the one from the raw samples bit for bit. */
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
        s[i] = u < 0.03 ? Double.NaN : u < 0.05 ? 1 : u < 0.06 ? Double.NEGATIVE_INFINITY : spread * rnd.nextGaussian();
      }
      Grid1D g = Grid1D.of(-4 * spread, 3 * spread, 8 + rnd.nextInt(250));
      double[] expected = KernelDensity.estimate(g, s);
      double[] actual = KernelDensity.estimate(g, prepared.prepare(s));
      // assertArrayEquals on double[] compares bits (NaN equals NaN)
      assertArrayEquals(expected, actual, "round " + round + ", " + n + " samples");
    }
  }
}
