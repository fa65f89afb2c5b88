package dev.fpk.physics.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.internal.GammaFunction;
import org.junit.jupiter.api.Test;

/** The tabulated Pearson III tail against the incomplete gamma function it tabulates. */
class PearsonTailTest {

  @Test
  void shouldMatchTheIncompleteGammaFunctionBetweenTableNodes() {
    PearsonTail tail = new PearsonTail(1.2);
    double k = 4 / 1.44;
    for (double z = -1.6; z < 12; z += 0.0371) {
      double exact = GammaFunction.upperRegularized(k, k + z * Math.sqrt(k));
      assertEquals(exact, tail.upper(z), 1e-4 * exact, "z = " + z);
    }
    assertEquals(1, tail.upper(-Math.sqrt(k)));
    assertEquals(1, tail.upper(-5));
    assertTrue(tail.upper(60) < 1e-20 && tail.upper(60) > 0, "extrapolated tail " + tail.upper(60));
    assertTrue(Double.isNaN(tail.upper(Double.NaN)));
  }

  @Test
  void shouldBeAStandardisedLaw() {
    // mean 0 and variance 1: integral of P(Z >= z) over z > 0 minus that of 1 - P over z < 0 is E Z
    PearsonTail tail = new PearsonTail(1.2);
    double mean = 0;
    double second = 0;
    double dz = 1e-3;
    for (double z = -3 + dz / 2; z < 60; z += dz) {
      double p = tail.upper(z);
      mean += (z > 0 ? p : p - 1) * dz;
      second += 2 * Math.abs(z) * (z > 0 ? p : 1 - p) * dz;
    }
    assertEquals(0, mean, 1e-4);
    assertEquals(1, second, 1e-3);
  }
}
