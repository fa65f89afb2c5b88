package dev.fpk.app.cli;

import dev.fpk.trainer.TrainerSettings;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The built-in trainer's options of a run but its learning rate and batch size: shared by {@code
 * demo} and {@code train} ({@link TrainingOptions}) and by {@code sweep}, which takes lists of
 * those two.
 */
public class EnsembleOptions {

  @Option(
      names = "--steps",
      defaultValue = "400",
      description = "Optimiser steps to train (default ${DEFAULT-VALUE})")
  int steps;

  @Option(
      names = "--replicas",
      defaultValue = "64",
      description = "Replicas in the ensemble (default ${DEFAULT-VALUE})")
  int replicas;

  @Option(
      names = "--every",
      defaultValue = "1",
      description = "Publish a snapshot every N optimiser steps (default ${DEFAULT-VALUE})")
  int every;

  @Option(
      names = "--layers",
      defaultValue = "bottleneck",
      split = ",",
      description =
          "Layers to publish, comma-separated, of enc1,enc2,bottleneck,dec1,dec2 (default ${DEFAULT-VALUE})")
  List<String> layers;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the run; replica r records seed + r (default ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--optimizer",
      defaultValue = "sgd",
      description = "sgd, momentum or adam (default ${DEFAULT-VALUE})")
  String optimizer;

  @Option(
      names = "--dataset",
      defaultValue = "manifold",
      description = "manifold or mixture (default ${DEFAULT-VALUE})")
  String dataset;

  /**
   * The trainer's settings from these options at learning rate {@code eta} and batch size {@code
   * batch}, on {@code threads} threads (0 = all processors).
   */
  TrainerSettings settings(double eta, int batch, int threads) {
    return TrainerSettings.defaults()
        .withReplicas(replicas)
        .withSeed(seed)
        .withLearningRate(eta)
        .withBatchSize(batch)
        .withOptimizer(optimizer)
        .withDataset(dataset)
        .withThreads(threads);
  }

  /** What is wrong with these options for an ensemble run (naming the option), or null. */
  String problem() {
    return steps < 1
        ? "--steps must be >= 1, got " + steps
        : replicas < 2
            ? "--replicas must be >= 2 (an ensemble), got " + replicas
            : every < 1 ? "--every must be >= 1, got " + every : null;
  }
}
