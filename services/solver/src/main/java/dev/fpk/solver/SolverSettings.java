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
 */
public record SolverSettings(int cells, TimeScheme scheme, int substepsPerStep) {

  public SolverSettings {
    if (cells < 8) {
      throw new IllegalArgumentException("fpk.solver.cells = " + cells + ": must be >= 8");
    }
    if (substepsPerStep < 1) {
      throw new IllegalArgumentException("fpk.solver.substeps-per-step = " + substepsPerStep + ": must be >= 1");
    }
  }

  public static SolverSettings fromConfig(Config root) {
    Config c = root.getConfig("fpk.solver");
    String scheme = c.getString("scheme").toLowerCase(Locale.ROOT);
    TimeScheme parsed = java.util.Arrays.stream(TimeScheme.values()).filter(t -> schemeName(t).equals(scheme))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(
            "fpk.solver.scheme = " + scheme + ": must be tr-bdf2 or backward-euler"));
    return new SolverSettings(c.getInt("cells"), parsed, c.getInt("substeps-per-step"));
  }

  /** The scheme's name in config and output: "tr-bdf2", "backward-euler". */
  public static String schemeName(TimeScheme scheme) {
    return scheme.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
