package dev.fpk.physics.density;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.internal.Normal;
import org.junit.jupiter.api.Test;

class NormalCdfTableTest {

  @Test
  void shouldAgreeWithTheNormalCdfWithinItsOwnAccuracyEverywhere() {
    double worst = 0;
    for (int i = 0; i <= 2_000_000; i++) {
      double z = -9.5 + 19.0 * i / 2_000_000 + 1.234567e-9; // off the nodes too
      worst = Math.max(worst, Math.abs(NormalCdfTable.cdf(z) - Normal.cdf(z)));
    }
    // both are good to about 1e-15 absolute: Normal.cdf loses a few ulps near |z| = 4.2 (1 - erf),
    // the nodes inherit them, and the interpolation adds less than 2e-17
    assertTrue(worst < 1.5e-15, "largest absolute difference " + worst);
  }

  @Test
  void shouldBeExactAtTheNodesAndFallBackOutsideTheTable() {
    assertEquals(Normal.cdf(-1.5), NormalCdfTable.cdf(-1.5), 0.0);
    assertEquals(Normal.cdf(0), NormalCdfTable.cdf(0), 0.0);
    assertEquals(Normal.cdf(-12), NormalCdfTable.cdf(-12), 0.0);
    assertEquals(1.0, NormalCdfTable.cdf(40), 0.0);
    assertTrue(Double.isNaN(NormalCdfTable.cdf(Double.NaN)));
  }
}
