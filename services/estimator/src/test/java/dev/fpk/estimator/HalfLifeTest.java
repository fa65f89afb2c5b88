package dev.fpk.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class HalfLifeTest {
  private static HalfLife parse(String value) {
    return HalfLife.parse(
        ConfigFactory.parseString("k = \"" + value + "\""), "k", "fpk.x.half-life-steps");
  }

  @Test
  void shouldReadAdaptiveANumberOrInfinity() {
    assertEquals(HalfLife.ADAPTIVE, parse(" Adaptive "));
    assertEquals(HalfLife.fixed(250), parse("250"));
    assertEquals(HalfLife.fixed(Double.POSITIVE_INFINITY), parse("inf"));
    assertEquals(1000, HalfLife.ADAPTIVE.stepsOr(1000));
    assertEquals(250, parse("250").stepsOr(1000));
  }

  @Test
  void shouldMakeAdaptiveTheEstimatorsDefaultAndKeepTheFixedOverride() {
    assertEquals(HalfLife.ADAPTIVE, EstimatorSettings.fromConfig(ConfigFactory.load()).halfLife());
    assertTrue(EstimatorSettings.fromConfig(ConfigFactory.load()).memories().adaptive());
    EstimatorSettings fixed =
        EstimatorSettings.fromConfig(
            ConfigFactory.parseString("fpk.estimator.half-life-steps = 40")
                .withFallback(ConfigFactory.load()));
    assertEquals(HalfLife.fixed(40), fixed.halfLife());
    assertEquals(1, fixed.memories().candidates(), "one memory, nothing to choose");
  }

  @Test
  void shouldNameTheKeyAndValueOfABadSetting() {
    for (String bad : new String[] {"soon", "0", "-5"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(bad));
      assertTrue(e.getMessage().contains("fpk.x.half-life-steps = " + bad), e.getMessage());
    }
  }
}
