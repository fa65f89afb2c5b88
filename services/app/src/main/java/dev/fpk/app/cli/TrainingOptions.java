package dev.fpk.app.cli;

import dev.fpk.trainer.TrainerSettings;
import picocli.CommandLine.Option;

/** The built-in trainer's options, shared by {@code demo} and {@code train}. */
public final class TrainingOptions extends EnsembleOptions {

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

  /** The trainer's settings from these options, on {@code threads} threads (0 = all processors). */
  TrainerSettings settings(int threads) {
    return settings(learningRate, batchSize, threads);
  }
}
