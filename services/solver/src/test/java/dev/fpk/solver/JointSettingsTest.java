package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class JointSettingsTest {
  @Test
  void shouldReadTheReferenceDefaultsWithTheEstimatorsHalfLife() {
    JointSettings s = JointSettings.fromConfig(ConfigFactory.load());
    assertEquals(
        new JointSettings(true, 4096, 40, true, JointSettings.DEFAULT_NEIGHBOURS),
        s,
        "adaptive: the joint fit keeps 40 steps");
    assertEquals(JointSettings.DEFAULTS, s, "the defaults of a config without the section");
    JointSettings inf =
        JointSettings.fromConfig(
            ConfigFactory.parseString("fpk.estimator.half-life-steps = inf")
                .withFallback(ConfigFactory.defaultReferenceUnresolved())
                .resolve());
    assertEquals(
        Double.POSITIVE_INFINITY, inf.halfLifeSteps(), "follows fpk.estimator.half-life-steps");
  }

  @Test
  void shouldNameTheKeyAndValueOfABadSetting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JointSettings.fromConfig(
                    ConfigFactory.parseString("fpk.solver.joint.half-life-steps = soon")
                        .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("fpk.solver.joint.half-life-steps = soon"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JointSettings.fromConfig(
                    ConfigFactory.parseString("fpk.solver.joint.particles = 3")
                        .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("fpk.solver.joint.particles = 3"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                JointSettings.fromConfig(
                    ConfigFactory.parseString("fpk.solver.joint.neighbours = -1")
                        .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("fpk.solver.joint.neighbours = -1"), e.getMessage());
  }
}
