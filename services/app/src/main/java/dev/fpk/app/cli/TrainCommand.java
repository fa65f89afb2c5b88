package dev.fpk.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.node.KafkaAdmin;
import dev.fpk.app.train.ResumePoint;
import dev.fpk.app.train.RunSpec;
import dev.fpk.app.train.Trainers;
import java.io.PrintStream;
import java.util.Locale;
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
    RunSpec run =
        new RunSpec(
            runId, training.settings(threads), training.layers, training.every, training.steps);
    PrintStream out = System.out;
    try (KafkaAdmin admin = new KafkaAdmin(kafka.bootstrap)) {
      admin.ensureTopics(FpkConfig.load().getInt("fpk.partitions"), (short) 1);
    }
    long from = ResumePoint.onKafka(kafka.bootstrap).resumeStep(run);
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
    try {
      out.printf(
          "fpk train: run %s, %d replicas, %d steps, a snapshot every %d steps, layers %s, broker %s%n",
          runId,
          training.replicas,
          training.steps,
          training.every,
          training.layers,
          kafka.bootstrap);
      long start = System.nanoTime();
      // the step was just looked up and reported: start there rather than look it up again
      Trainers.Run trained = Trainers.onKafka(system, kafka.bootstrap).start(run, from);
      try {
        while (!awaitDone(trained.finished())) {
          if (!quiet) {
            out.println(progress(trained, start));
          }
        }
      } catch (InterruptedException e) {
        trained.stop(); // its last round is sent before the broker's clients close
        throw e;
      }
      trained.finished().join();
      out.println("done: " + progress(trained, start));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    return 0;
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

  private String progress(Trainers.Run publisher, long startNanos) {
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
