package dev.fpk.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.node.KafkaAdmin;
import dev.fpk.app.train.PublishedSteps;
import dev.fpk.app.train.TrainerPublisher;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.trainer.EnsembleTrainer;
import dev.fpk.trainer.TrainerSettings;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The built-in autoencoder ensemble alone, publishing its snapshots to a running fpk's broker: the
 * snapshot at step 0, then one every {@code --every} optimiser steps, per replica and layer.
 * Back-pressured by the producer: no snapshot is dropped.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train the built-in 2-bottleneck autoencoder ensemble and publish its weight snapshots to Kafka.")
public final class TrainCommand implements Callable<Integer> {

  @CommandLine.Mixin TrainingOptions training;

  @CommandLine.Mixin BootstrapOptions.Required kafka;

  @Option(
      names = "--run-id",
      defaultValue = "train",
      description = "Run id (default ${DEFAULT-VALUE})")
  String runId;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Trainer threads, 0 = all processors (default ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--quiet", description = "No progress lines")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (training.steps < 0) {
      throw new IllegalArgumentException("--steps " + training.steps + ": must be >= 0");
    }
    TrainerSettings settings = training.settings(threads);
    PrintStream out = System.out;
    int partitions;
    try (KafkaAdmin admin = new KafkaAdmin(kafka.bootstrap)) {
      admin.ensureTopics(FpkConfig.load().getInt("fpk.partitions"), (short) 1);
      partitions = admin.partitions(Topics.SNAPSHOTS);
    }
    long from = resumeStep(partitions);
    if (from >= training.steps && from > 0) {
      out.printf(
          "fpk train: run %s is already published to step %d (--steps %d): nothing to do%n",
          runId, from, training.steps);
      return 0;
    }
    if (from > 0) {
      out.printf(
          "fpk train: run %s is published to step %d: retraining to it (deterministic: same seed, same"
              + " snapshots) and resuming there%n",
          runId, from);
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fpk-train", localConfig());
    try (EnsembleTrainer trainer = new EnsembleTrainer(settings)) {
      TrainerPublisher publisher =
          new TrainerPublisher(trainer, runId, training.layers, training.every);
      out.printf(
          "fpk train: run %s, %d replicas, %d steps, a snapshot every %d steps, layers %s, broker %s%n",
          runId,
          training.replicas,
          training.steps,
          training.every,
          training.layers,
          kafka.bootstrap);
      long start = System.nanoTime();
      CompletableFuture<?> trained =
          publisher.run(system, kafka.bootstrap, training.steps, from).toCompletableFuture();
      try {
        while (!awaitDone(trained)) {
          if (!quiet) {
            out.println(progress(publisher, start));
          }
        }
      } catch (InterruptedException e) {
        publisher.stop(); // before the trainer closes: its stream must have left it
        throw e;
      }
      trained.join();
      out.println("done: " + progress(publisher, start));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    return 0;
  }

  /**
   * Where a restarted run resumes: the highest step every layer has published (rounded down to the
   * snapshot interval), 0 for a new run. A run published by another configuration cannot be
   * resumed: that is an error that says so, not a silent mix of two trainings.
   */
  private long resumeStep(int partitions) {
    long from = Long.MAX_VALUE;
    for (String layer : training.layers) {
      Optional<WeightSnapshot> last =
          PublishedSteps.latest(kafka.bootstrap, runId, layer, partitions);
      if (last.isEmpty()) {
        return 0;
      }
      WeightSnapshot s = last.get();
      long seed = s.getSeed() - s.getReplica();
      if (s.getEnsembleSize() != training.replicas
          || seed != training.seed
          || s.getLearningRate() != training.learningRate
          || s.getBatchSize() != training.batchSize
          || !s.getOptimizer().equals(training.optimizer)) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "run %s already has snapshots (to step %d) from"
                    + " another configuration (%d replicas, seed %d, lr %s, batch %d, %s): it cannot be resumed with this one;"
                    + " use a new --run-id",
                runId,
                s.getStep(),
                s.getEnsembleSize(),
                seed,
                s.getLearningRate(),
                s.getBatchSize(),
                s.getOptimizer()));
      }
      from = Math.min(from, s.getStep() - s.getStep() % training.every);
    }
    return from;
  }

  private static boolean awaitDone(CompletableFuture<?> trained) throws InterruptedException {
    try {
      trained.get(1, TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true; // join() rethrows it
    }
  }

  private String progress(TrainerPublisher publisher, long startNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return String.format(
        Locale.ROOT,
        "step %d/%d  %d snapshots published  %.0f snapshots/s  %.1f s",
        publisher.step(),
        training.steps,
        publisher.published(),
        publisher.published() / seconds,
        seconds);
  }

  /** A plain local actor system: the publisher stream needs one, the cluster does not. */
  private static Config localConfig() {
    return ConfigFactory.parseString("pekko.actor.provider = local").withFallback(FpkConfig.load());
  }
}
