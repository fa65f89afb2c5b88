package dev.fpk.solver;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.fpk.physics.fp.TimeScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the solvers, built once from the {@code fpk.solver} config section (reference.conf
 * documents every key).
 *
 * @param cells finite-volume cells per entry, >= 8
 * @param scheme implicit time scheme
 * @param substepsPerStep implicit substeps per optimiser step, >= 1
 * @param forecastHorizons steps ahead of the forecasts scored against their baselines, each >= 1,
 *     distinct, ascending; empty = no forecasts
 * @param forecastEverySteps a horizon's next forecast is issued once its last one is scored and at
 *     least this many optimiser steps after it was issued, >= 1 (1 = as soon as it is scored)
 * @param forecastFloorDraws moved copies of the replicas behind each forecast's conditional floor,
 *     >= 0 (0 = none)
 * @param ownDriftHalfLifeSteps half-life, in optimiser steps, of each replica's own drift that the
 *     moved copies carry ({@code ReplicaVelocities}), > 0; infinite = none (the field alone)
 * @param verdict the conditional verdict on the never-reset density ({@code ConditionalVerdict})
 * @param outputs the output-distribution comparison
 * @param curves what of the per-entry curves (densities, fields) is published
 */
public record SolverSettings(
    int cells,
    TimeScheme scheme,
    int substepsPerStep,
    List<Integer> forecastHorizons,
    int forecastEverySteps,
    int forecastFloorDraws,
    double ownDriftHalfLifeSteps,
    VerdictSettings verdict,
    OutputSettings outputs,
    CurveSettings curves) {

  /** {@code forecast-floor-draws} of reference.conf. */
  public static final int DEFAULT_FLOOR_DRAWS = 2;

  /** {@code forecast-own-drift-half-life-steps} of reference.conf. */
  public static final double DEFAULT_OWN_DRIFT_HALF_LIFE = 50;

  /** No own drifts: the moved copies follow the field alone. */
  public static final double NO_OWN_DRIFT = Double.POSITIVE_INFINITY;

  /**
   * The conditional verdict's shadow ensembles.
   *
   * @param draws shadow ensembles, >= 0 (0 = no conditional verdict)
   * @param driftErrors whether each shadow carries its own drift estimation error (the null "the
   *     drift is one the estimate's errors allow"), or all move by the point estimate
   */
  public record VerdictSettings(int draws, boolean driftErrors) {
    /** No conditional verdict. */
    public static final VerdictSettings OFF = new VerdictSettings(0, true);

    public VerdictSettings {
      atLeast("conditional-verdict-draws", draws, 0);
    }
  }

  /**
   * The per-entry curves a step can publish: each entry's density and histogram on its grid ({@code
   * DensityUpdate}, 3 x cells doubles per entry) and its drift and diffusion fields ({@code
   * DriftDiffusionEstimate}). They cost far more bytes than the per-entry figures ({@code
   * AlignmentUpdate}, published every step), and readers keep only the latest, so they go out once
   * per window of {@code everySteps} optimiser steps, for at most {@code maxEntries} entries of a
   * layer (every {@code ceil(entries / maxEntries)}-th flat index from 0).
   *
   * @param everySteps at most one publication per window of this many optimiser steps, >= 1
   * @param maxEntries at most this many entries per layer, >= 1
   */
  public record CurveSettings(int everySteps, int maxEntries) {
    public static final CurveSettings DEFAULTS = new CurveSettings(10, 256);

    /** Every step, every entry: what replays of short runs and the experiment read. */
    public static final CurveSettings ALL = new CurveSettings(1, Integer.MAX_VALUE);

    public CurveSettings {
      atLeast("curves.every-steps", everySteps, 1);
      atLeast("curves.max-entries", maxEntries, 1);
    }

    /**
     * Whether a step publishes its curves: the first step, and the first step of each later window.
     */
    public boolean due(long step, long previousStep) {
      return StepWindows.opens(previousStep, step, everySteps);
    }

    /**
     * Distance between the flat entry indices published, for a layer of {@code entries} entries.
     */
    public int stride(int entries) {
      return Math.max(1, (int) ((entries + (long) maxEntries - 1) / maxEntries));
    }
  }

  /**
   * The output-distribution comparison ({@link OutputComparer}).
   *
   * @param maxEntries compare only layers of at most this many entries (the cost grows with
   *     replicas x probes x entries), >= 0; 0 = never
   * @param everySteps at most one comparison per window of this many optimiser steps, >= 1
   * @param projections random directions of the sliced Wasserstein-1, >= 1
   * @param maxPoints points per cloud the energy distance uses (it costs the square of the points),
   *     an evenly spaced subset beyond, >= 2
   * @param replicasShuffled also compare the model "replicas-shuffled" ({@link
   *     OutputComparer#compareShuffled}): the bound of every theory of W alone
   */
  public record OutputSettings(
      int maxEntries, int everySteps, int projections, int maxPoints, boolean replicasShuffled) {
    public static final OutputSettings DEFAULTS = new OutputSettings(4096, 1, 32, 1024);

    /** Without the "replicas-shuffled" comparison. */
    public OutputSettings(int maxEntries, int everySteps, int projections, int maxPoints) {
      this(maxEntries, everySteps, projections, maxPoints, false);
    }

    public OutputSettings {
      atLeast("outputs.max-entries", maxEntries, 0);
      atLeast("outputs.every-steps", everySteps, 1);
      atLeast("outputs.projections", projections, 1);
      atLeast("outputs.max-points", maxPoints, 2);
    }
  }

  /** No forecasts, default output comparison, every curve every step. */
  public SolverSettings(int cells, TimeScheme scheme, int substepsPerStep) {
    this(cells, scheme, substepsPerStep, List.of());
  }

  /**
   * Forecasts at these horizons, each issued as soon as the last one is scored, default output
   * comparison, every curve every step.
   */
  public SolverSettings(
      int cells, TimeScheme scheme, int substepsPerStep, List<Integer> forecastHorizons) {
    this(cells, scheme, substepsPerStep, forecastHorizons, 1);
  }

  /**
   * Forecasts at these horizons, each at least {@code forecastEverySteps} after the last, default
   * output comparison, every curve every step.
   */
  public SolverSettings(
      int cells,
      TimeScheme scheme,
      int substepsPerStep,
      List<Integer> forecastHorizons,
      int forecastEverySteps) {
    this(
        cells,
        scheme,
        substepsPerStep,
        forecastHorizons,
        forecastEverySteps,
        DEFAULT_FLOOR_DRAWS,
        DEFAULT_OWN_DRIFT_HALF_LIFE,
        VerdictSettings.OFF,
        OutputSettings.DEFAULTS,
        CurveSettings.ALL);
  }

  public SolverSettings {
    atLeast("cells", cells, 8);
    atLeast("substeps-per-step", substepsPerStep, 1);
    atLeast("forecast-every-steps", forecastEverySteps, 1);
    atLeast("forecast-floor-draws", forecastFloorDraws, 0);
    if (!(ownDriftHalfLifeSteps > 0)) {
      throw new IllegalArgumentException(
          "fpk.solver.forecast-own-drift-half-life-steps = "
              + ownDriftHalfLifeSteps
              + ": must be > 0 (optimiser steps; \"off\" for none)");
    }
    forecastHorizons = List.copyOf(forecastHorizons);
    for (int i = 0; i < forecastHorizons.size(); i++) {
      if (forecastHorizons.get(i) < 1
          || (i > 0 && forecastHorizons.get(i) <= forecastHorizons.get(i - 1))) {
        throw new IllegalArgumentException(
            "fpk.solver.forecast-horizons-steps = "
                + forecastHorizons
                + ": must be ascending, distinct and >= 1");
      }
    }
  }

  public static SolverSettings fromConfig(Config root) {
    Config c = root.getConfig("fpk.solver");
    String scheme = c.getString("scheme").toLowerCase(Locale.ROOT);
    TimeScheme parsed =
        java.util.Arrays.stream(TimeScheme.values())
            .filter(t -> schemeName(t).equals(scheme))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "fpk.solver.scheme = " + scheme + ": must be tr-bdf2 or backward-euler"));
    Config o = c.getConfig("outputs");
    Config curves = c.getConfig("curves");
    return new SolverSettings(
        c.getInt("cells"),
        parsed,
        c.getInt("substeps-per-step"),
        horizons(c),
        c.getInt("forecast-every-steps"),
        c.getInt("forecast-floor-draws"),
        ownDriftHalfLife(c),
        new VerdictSettings(
            c.getInt("conditional-verdict-draws"),
            c.getBoolean("conditional-verdict-drift-errors")),
        new OutputSettings(
            o.getInt("max-entries"),
            o.getInt("every-steps"),
            o.getInt("projections"),
            o.getInt("max-points"),
            o.getBoolean("replicas-shuffled")),
        new CurveSettings(curves.getInt("every-steps"), curves.getInt("max-entries")));
  }

  /** {@code forecast-own-drift-half-life-steps}: a number of steps, or "off". */
  private static double ownDriftHalfLife(Config c) {
    String key = "forecast-own-drift-half-life-steps";
    if (c.getValue(key).valueType() == ConfigValueType.STRING
        && c.getString(key).equalsIgnoreCase("off")) {
      return NO_OWN_DRIFT;
    }
    try {
      return c.getDouble(key);
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new IllegalArgumentException(
          "fpk.solver." + key + " = " + c.getValue(key).unwrapped() + ": must be > 0 or \"off\"");
    }
  }

  /**
   * {@code forecast-horizons-steps}, a list or a comma-separated string (from an environment
   * variable); the retired single {@code forecast-horizon-steps}, where still set, wins ({@code k}
   * = [k], 0 = none).
   */
  private static List<Integer> horizons(Config c) {
    if (c.hasPath("forecast-horizon-steps")) {
      int k = c.getInt("forecast-horizon-steps");
      return k == 0 ? List.of() : List.of(k);
    }
    String key = "forecast-horizons-steps";
    ConfigValue v = c.getValue(key);
    List<Integer> out = new ArrayList<>();
    if (v.valueType() == ConfigValueType.LIST) {
      out.addAll(c.getIntList(key));
    } else {
      for (String part : String.valueOf(v.unwrapped()).split("[,\\s]+")) {
        if (part.isEmpty()) {
          continue;
        }
        try {
          out.add(Integer.parseInt(part));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "fpk.solver."
                  + key
                  + " = "
                  + v.unwrapped()
                  + ": must be a list of steps, e.g. [10, 50, 200] or \"10,50,200\"",
              e);
        }
      }
    }
    return out;
  }

  /** The scheme's name in config and output: "tr-bdf2", "backward-euler". */
  public static String schemeName(TimeScheme scheme) {
    return scheme.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void atLeast(String key, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(
          "fpk.solver." + key + " = " + value + ": must be >= " + min);
    }
  }
}
