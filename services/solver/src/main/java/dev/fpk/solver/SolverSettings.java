package dev.fpk.solver;

import com.typesafe.config.Config;
import dev.fpk.physics.fp.TimeScheme;
import java.util.Locale;

/**
 * Settings of the solvers, built once from the {@code fpk.solver} config section
 * (reference.conf documents every key).
 *
 * @param cells finite-volume cells per entry, >= 8
 * @param scheme implicit time scheme
 * @param substepsPerStep implicit substeps per optimiser step, >= 1
 * @param forecastHorizon steps ahead of the forecasts scored against their baselines, 0 = none
 */
public record SolverSettings(int cells, TimeScheme scheme, int substepsPerStep, int forecastHorizon) {

  /** No forecasts. */
  public SolverSettings(int cells, TimeScheme scheme, int substepsPerStep) {
    this(cells, scheme, substepsPerStep, 0);
  }

  public SolverSettings {
    if (cells < 8) {
      throw new IllegalArgumentException("fpk.solver.cells = " + cells + ": must be >= 8");
    }
    if (substepsPerStep < 1) {
      throw new IllegalArgumentException("fpk.solver.substeps-per-step = " + substepsPerStep + ": must be >= 1");
    }
    if (forecastHorizon < 0) {
      throw new IllegalArgumentException("fpk.solver.forecast-horizon-steps = " + forecastHorizon + ": must be >= 0");
    }
  }

  public static SolverSettings fromConfig(Config root) {
    Config c = root.getConfig("fpk.solver");
    String scheme = c.getString("scheme").toLowerCase(Locale.ROOT);
    TimeScheme parsed = java.util.Arrays.stream(TimeScheme.values()).filter(t -> schemeName(t).equals(scheme))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(
            "fpk.solver.scheme = " + scheme + ": must be tr-bdf2 or backward-euler"));
    return new SolverSettings(c.getInt("cells"), parsed, c.getInt("substeps-per-step"),
        c.getInt("forecast-horizon-steps"));
  }

  /** The scheme's name in config and output: "tr-bdf2", "backward-euler". */
  public static String schemeName(TimeScheme scheme) {
    return scheme.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
