package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The solver's settings as reference.conf and overrides give them. */
class SolverSettingsTest {
  private static SolverSettings parse(String overrides) {
    Config c =
        ConfigFactory.parseString(overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    return SolverSettings.fromConfig(c);
  }

  @Test
  void shouldReadTheDefaults() {
    SolverSettings s = parse("");
    assertEquals(List.of(10), s.forecastHorizons());
    assertEquals(2, s.forecastFloorDraws());
    assertEquals(SolverSettings.DEFAULT_FLOOR_DRAWS, s.forecastFloorDraws());
    assertEquals(SolverSettings.OutputSettings.DEFAULTS, s.outputs());
  }

  @Test
  void shouldReadSeveralHorizonsAsAListOrACommaSeparatedString() {
    assertEquals(
        List.of(10, 50, 200),
        parse("fpk.solver.forecast-horizons-steps = [10, 50, 200]").forecastHorizons());
    assertEquals(
        List.of(10, 50, 200),
        parse("fpk.solver.forecast-horizons-steps = \"10,50, 200\"").forecastHorizons());
    assertEquals(List.of(), parse("fpk.solver.forecast-horizons-steps = []").forecastHorizons());
  }

  @Test
  void shouldReadTheOwnDriftHalfLifeOrOff() {
    assertEquals(50, parse("").ownDriftHalfLifeSteps());
    assertEquals(
        20, parse("fpk.solver.forecast-own-drift-half-life-steps = 20").ownDriftHalfLifeSteps());
    assertEquals(
        SolverSettings.NO_OWN_DRIFT,
        parse("fpk.solver.forecast-own-drift-half-life-steps = off").ownDriftHalfLifeSteps());
    for (String bad : List.of("0", "-5", "soon")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> parse("fpk.solver.forecast-own-drift-half-life-steps = " + bad));
      assertTrue(
          e.getMessage().startsWith("fpk.solver.forecast-own-drift-half-life-steps = " + bad),
          e.getMessage());
    }
  }

  @Test
  void shouldSpaceLiveForecastsAndRejectAWindowBelowOneStep() {
    assertEquals(50, parse("").forecastEverySteps(), "reference.conf's live spacing");
    assertEquals(1, parse("fpk.solver.forecast-every-steps = 1").forecastEverySteps());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> parse("fpk.solver.forecast-every-steps = 0"));
    assertEquals("fpk.solver.forecast-every-steps = 0: must be >= 1", e.getMessage());
  }

  @Test
  void shouldStillReadTheRetiredSingleHorizon() {
    assertEquals(List.of(25), parse("fpk.solver.forecast-horizon-steps = 25").forecastHorizons());
    assertEquals(List.of(), parse("fpk.solver.forecast-horizon-steps = 0").forecastHorizons());
  }

  @Test
  void shouldNameTheKeyAndValueOfABadSetting() {
    IllegalArgumentException order =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("fpk.solver.forecast-horizons-steps = [50, 10]"));
    assertTrue(
        order.getMessage().contains("fpk.solver.forecast-horizons-steps = [50, 10]"),
        order.getMessage());
    IllegalArgumentException text =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("fpk.solver.forecast-horizons-steps = \"10,soon\""));
    assertTrue(text.getMessage().contains("10,soon"), text.getMessage());
    IllegalArgumentException every =
        assertThrows(
            IllegalArgumentException.class, () -> parse("fpk.solver.outputs.every-steps = 0"));
    assertEquals("fpk.solver.outputs.every-steps = 0: must be >= 1", every.getMessage());
  }
}
