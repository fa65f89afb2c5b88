package dev.fpk.app.experiment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.fpk.app.train.RunSpec;
import dev.fpk.trainer.ReplicaSeeding;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code fpk experiment} runs: the main run (R replicas, T optimiser steps, a seed; replicas
 * differ in initial weights and data order) and three short sensitivity runs of the same seed whose
 * replicas start from the same weights and differ in data order only (as they are, learning rate
 * x2, batch size x2), and the solver settings the experiment needs. Time in optimiser steps.
 *
 * @param replicas R, replicas per run, >= 8 (the sampling floor splits them in halves)
 * @param steps T, optimiser steps of the main run, >= 100
 * @param seed the run seed (replica r records seed + r)
 * @param learningRate eta of the main run (the lr x2 run uses 2 eta)
 * @param batchSize B of the main run (the batch x2 run uses 2B)
 * @param sensitivitySteps optimiser steps of each sensitivity run, over which the diffusion is
 *     compared
 */
public record ExperimentSettings(
    int replicas,
    long steps,
    long seed,
    double learningRate,
    int batchSize,
    long sensitivitySteps) {
  /** Forecast horizons scored, optimiser steps (fpk.solver.forecast-horizons-steps). */
  public static final List<Integer> HORIZONS = List.of(10, 50, 200);

  /** Horizons at which "What must hold" asks the forecast to beat both baselines. */
  public static final List<Integer> CHECKED_HORIZONS = List.of(50, 200);

  /**
   * One output-distribution comparison per this many steps: it costs more than the rest of a step.
   */
  public static final int OUTPUTS_EVERY_STEPS = 10;

  /**
   * Shadow ensembles of the conditional verdict: 39 resolve p < 0.05 (p = 1/40 where the replicas
   * are farther than every shadow), at 39 x R Euler steps per entry and step.
   */
  public static final int CONDITIONAL_VERDICT_DRAWS = 39;

  /**
   * Moved copies behind each forecast's conditional floor and particle forecast: 8, twice the live
   * default, so the particle forecast pools 7 copies and the floors' Monte Carlo error is small.
   */
  public static final int FORECAST_FLOOR_DRAWS = 8;

  /** Estimates and densities are kept every this many steps (Pawula series, checkpoints). */
  public static final int SAMPLE_EVERY_STEPS = 10;

  /** Steps between the two densities of a KPZ residual. */
  public static final int KPZ_DT_STEPS = 50;

  public ExperimentSettings {
    if (replicas < 8) {
      throw new IllegalArgumentException(
          "--replicas must be >= 8 (the sampling floor splits them in halves), got " + replicas);
    }
    if (steps < 100) {
      throw new IllegalArgumentException("--steps must be >= 100, got " + steps);
    }
    // the lr x2 run is compared after half the steps, which must be a kept step too
    int unit = 2 * SAMPLE_EVERY_STEPS;
    if (sensitivitySteps < unit || sensitivitySteps > steps || sensitivitySteps % unit != 0) {
      throw new IllegalArgumentException(
          "--sensitivity-steps must be a multiple of "
              + unit
              + " in ["
              + unit
              + ", --steps], got "
              + sensitivitySteps);
    }
    if (!(learningRate > 0) || batchSize < 1) {
      throw new IllegalArgumentException(
          "learning rate and batch size must be positive, got " + learningRate + ", " + batchSize);
    }
  }

  /** The run id of the main run and of the two sensitivity runs. */
  public String runId(Variant v) {
    return "experiment-s" + seed + v.suffix;
  }

  /**
   * The main run and the sensitivity runs; SGD theory predicts D ~ eta^2 / B per step. The
   * sensitivity runs' replicas share their initial weights (ReplicaSeeding.DATA_ORDER): early on,
   * the spread of an increment across them is the minibatch noise alone, whereas replicas of
   * different initial weights add the spread of their drifts, which does not scale with 1/B.
   */
  public enum Variant {
    MAIN("", ReplicaSeeding.BOTH, 1, 1),
    SENSITIVITY_BASE("-same-init", ReplicaSeeding.DATA_ORDER, 1, 1),
    LEARNING_RATE_X2("-same-init-lr2", ReplicaSeeding.DATA_ORDER, 2, 1),
    BATCH_X2("-same-init-batch2", ReplicaSeeding.DATA_ORDER, 1, 2);

    final String suffix;
    final ReplicaSeeding seeding;
    final double learningRateFactor;
    final int batchFactor;

    /**
     * The factor SGD theory predicts for the diffusion against SENSITIVITY_BASE: (eta factor)^2 /
     * (B factor), {@link SgdDiffusion#factor}.
     */
    final double predictedDiffusionFactor;

    Variant(String suffix, ReplicaSeeding seeding, double learningRateFactor, int batchFactor) {
      this.suffix = suffix;
      this.seeding = seeding;
      this.learningRateFactor = learningRateFactor;
      this.batchFactor = batchFactor;
      this.predictedDiffusionFactor = SgdDiffusion.factor(learningRateFactor, batchFactor);
    }

    /**
     * The first step published: the replicas of a sensitivity run are all equal at step 0, a
     * degenerate ensemble, so they are published from step 1 on.
     */
    public long firstStep() {
      return RunSpec.firstPublishedStep(seeding, 1);
    }
  }

  /** Steps of a run: the main run's, or a sensitivity run's up to its comparison step. */
  public long steps(Variant v) {
    return v == Variant.MAIN ? steps : comparisonStep(v);
  }

  /**
   * The step at which a sensitivity run's diffusion is compared: the same gradient-flow time {@code
   * eta t} for all, so that the runs have come the same way through the landscape and see the same
   * gradient-noise covariance: {@code sensitivitySteps / (eta factor)}.
   */
  public long comparisonStep(Variant v) {
    return Math.round(sensitivitySteps / v.learningRateFactor);
  }

  /**
   * Steps at which the Callan-Symanzik and KPZ views are taken: five, spread over the run, each a
   * multiple of the sampling interval and leaving room for the KPZ pair.
   */
  public List<Long> checkpoints() {
    List<Long> out = new ArrayList<>();
    long last = steps - KPZ_DT_STEPS;
    for (double f : new double[] {0.05, 0.25, 0.5, 0.75, 1.0}) {
      long s =
          Math.max(
              SAMPLE_EVERY_STEPS, Math.round(f * last / SAMPLE_EVERY_STEPS) * SAMPLE_EVERY_STEPS);
      if (out.isEmpty() || s > out.get(out.size() - 1)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * The sensitivity runs publish {@link TemperatureSensitivity#LAYER} for its spectrum, which sees
   * the whole matrix whatever is watched; its entries' densities are no part of the experiment, and
   * 512 entries x 256 replicas with the conditional verdict's shadows made it most of the cost. So
   * one entry is watched, unless the entries are set by text ({@code --entries}, FPK_ENTRIES).
   */
  private static Config watchOneEntryOfTheSpectralLayer(Config base) {
    if (!base.hasPath("fpk.entries")
        || base.getValue("fpk.entries").valueType() != ConfigValueType.OBJECT) {
      return base;
    }
    return base.withValue(
        "fpk.entries.\"" + TemperatureSensitivity.LAYER + "\"",
        ConfigValueFactory.fromAnyRef("list:0"));
  }

  /**
   * The configuration with the solver settings the experiment needs: forecasts at 10, 50 and 200
   * steps, each issued as soon as the last one of its horizon is scored, the joint model of the 2x2
   * matrix on, one output comparison per {@link #OUTPUTS_EVERY_STEPS} steps, with the
   * replicas-shuffled bound, the conditional verdict of {@link #CONDITIONAL_VERDICT_DRAWS} shadow
   * ensembles, and {@link #FORECAST_FLOOR_DRAWS} moved copies behind each forecast's conditional
   * floor and particle forecast.
   */
  public static Config solverConfig(Config base) {
    return watchOneEntryOfTheSpectralLayer(base)
        .withoutPath("fpk.solver.forecast-horizon-steps") // the retired single horizon would win
        .withValue("fpk.solver.forecast-horizons-steps", ConfigValueFactory.fromIterable(HORIZONS))
        .withValue("fpk.solver.forecast-every-steps", ConfigValueFactory.fromAnyRef(1))
        .withValue("fpk.solver.joint.enabled", ConfigValueFactory.fromAnyRef(true))
        .withValue(
            "fpk.solver.outputs.every-steps", ConfigValueFactory.fromAnyRef(OUTPUTS_EVERY_STEPS))
        .withValue("fpk.solver.outputs.replicas-shuffled", ConfigValueFactory.fromAnyRef(true))
        .withValue(
            "fpk.solver.conditional-verdict-draws",
            ConfigValueFactory.fromAnyRef(CONDITIONAL_VERDICT_DRAWS))
        .withValue(
            "fpk.solver.forecast-floor-draws", ConfigValueFactory.fromAnyRef(FORECAST_FLOOR_DRAWS))
        // the report reads densities and fields at its checkpoint steps: every step, every entry
        .withValue("fpk.solver.curves.every-steps", ConfigValueFactory.fromAnyRef(1))
        .withValue(
            "fpk.solver.curves.max-entries", ConfigValueFactory.fromAnyRef(Integer.MAX_VALUE));
  }
}
