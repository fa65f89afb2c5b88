package dev.fpk.app.train;

import dev.fpk.trainer.ReplicaSeeding;
import dev.fpk.trainer.TrainerSettings;
import java.util.List;

/**
 * One run of the built-in ensemble, as a trainer actor trains it: its id, the trainer's settings,
 * the layers published, one snapshot every {@code every} optimiser steps up to {@code steps}, the
 * first from {@code firstStep}.
 *
 * @param firstStep the first step published by a run started afresh: 0, or later to leave out a
 *     degenerate start (see {@link #firstPublishedStep})
 */
public record RunSpec(
    String runId,
    TrainerSettings settings,
    List<String> layers,
    int every,
    long steps,
    long firstStep) {
  public RunSpec {
    if (runId == null || runId.isEmpty()) {
      throw new IllegalArgumentException("run id must not be empty");
    }
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("run " + runId + ": no layers to publish");
    }
    layers = List.copyOf(layers);
    if (every < 1) {
      throw new IllegalArgumentException("every = " + every + ": must be >= 1");
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps = " + steps + ": must be >= 0");
    }
    checkStartStep(firstStep, every, steps);
  }

  /** A run published from step 0. */
  public RunSpec(
      String runId, TrainerSettings settings, List<String> layers, int every, long steps) {
    this(runId, settings, layers, every, steps, 0);
  }

  /**
   * The first step a run of this seeding publishes: 0, or {@code every} when the replicas start
   * from the same weights (an ensemble of identical matrices at step 0 is degenerate: no spread to
   * model).
   */
  public static long firstPublishedStep(ReplicaSeeding seeding, int every) {
    return seeding.variesInit() ? 0 : every;
  }

  /** A step a run may (re)start publishing at: a multiple of {@code every} in [0, steps]. */
  static void checkStartStep(long from, int every, long steps) {
    if (from % every != 0 || from < 0 || from > steps) {
      throw new IllegalArgumentException(
          "start step "
              + from
              + ": must be a multiple of every = "
              + every
              + " in [0, "
              + steps
              + "]");
    }
  }
}
