package dev.fpk.app.cli;

import dev.fpk.trainer.TrainerSettings;
import java.util.List;
import picocli.CommandLine.Option;

/** The built-in trainer's options, shared by {@code demo} and {@code train}. */
public final class TrainingOptions {

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
      names = "--lr",
      defaultValue = "0.1",
      description = "Learning rate eta, per step (default ${DEFAULT-VALUE})")
  double learningRate;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "Minibatch size B (default ${DEFAULT-VALUE})")
  int batchSize;

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

  /** The trainer's settings from these options, on {@code threads} threads (0 = all processors). */
  TrainerSettings settings(int threads) {
    return TrainerSettings.defaults()
        .withReplicas(replicas)
        .withSeed(seed)
        .withLearningRate(learningRate)
        .withBatchSize(batchSize)
        .withOptimizer(optimizer)
        .withDataset(dataset)
        .withThreads(threads);
  }
}
