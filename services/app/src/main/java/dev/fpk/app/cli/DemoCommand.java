package dev.fpk.app.cli;

import com.typesafe.config.ConfigFactory;
import dev.fpk.app.node.Pipeline;
import dev.fpk.app.report.ReportCollector;
import dev.fpk.app.train.TrainerPublisher;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.trainer.EnsembleTrainer;
import dev.fpk.trainer.TrainerSettings;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Everything in one JVM: the embedded broker, the built-in autoencoder ensemble, estimators,
 * solvers and the metrics endpoint; a progress line a second, a summary table at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Train the built-in 2-bottleneck autoencoder ensemble and check Fokker-Planck against it live.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--steps", defaultValue = "400", description = "Optimiser steps to train (default ${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--replicas", defaultValue = "64", description = "Replicas in the ensemble (default ${DEFAULT-VALUE})")
  int replicas;

  @Option(names = "--every", defaultValue = "1", description = "Publish a snapshot every N optimiser steps (default ${DEFAULT-VALUE})")
  int every;

  @Option(names = "--layers", defaultValue = "bottleneck", split = ",",
      description = "Layers to watch, comma-separated (default ${DEFAULT-VALUE})")
  List<String> layers;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the run (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--run-id", defaultValue = "demo", description = "Run id (default ${DEFAULT-VALUE})")
  String runId;

  @Option(names = "--bootstrap", defaultValue = "${env:FPK_BOOTSTRAP:-}",
      description = "Kafka bootstrap servers (default: $FPK_BOOTSTRAP, else an embedded broker)")
  String bootstrap;

  @Option(names = "--quiet", description = "No progress lines")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    // one trainer thread: the other core is the analysis's
    TrainerSettings settings = TrainerSettings.defaults().withReplicas(replicas).withSeed(seed).withThreads(1);
    try (Pipeline pipeline = Pipeline.start(ConfigFactory.load(), bootstrap == null ? "" : bootstrap);
        EnsembleTrainer trainer = new EnsembleTrainer(settings)) {
      out.printf("fpk demo: %d replicas, %d steps, layers %s, broker %s%s, metrics http://%s/metrics%n",
          replicas, steps, layers, pipeline.bootstrapServers(), pipeline.embedded() ? " (embedded)" : "",
          pipeline.node().httpAddress());
      TrainerPublisher publisher = new TrainerPublisher(trainer, runId, layers, every);
      long start = System.nanoTime();
      CompletableFuture<?> training = publisher.run(pipeline.node().system(), pipeline.bootstrapServers(), steps)
          .toCompletableFuture();
      // one status line a second until the trainer is done and the analysis has caught up
      boolean done = false;
      while (!done) {
        Thread.sleep(1000);
        done = training.isDone() && pipeline.isCaughtUp();
        if (!quiet) {
          out.println(progress(publisher, pipeline.collector(), start));
        }
      }
      training.join();
      printSummary(out, pipeline.collector(), runId);
    }
    return 0;
  }

  private String progress(TrainerPublisher publisher, ReportCollector collector, long startNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "step %d/%d  replicas %d  %.0f snapshots/s", publisher.step(), steps, replicas, publisher.published() / seconds));
    for (AlignmentUpdate a : collector.latestAlignment()) {
      if (!a.getRunId().equals(runId)) {
        continue;
      }
      double w1 = a.getEntriesList().stream().mapToDouble(EntryAlignment::getW1).average().orElse(Double.NaN);
      line.append(String.format(Locale.ROOT, "  %s: analysed to step %d, mean W1 %.3g", a.getLayer(), a.getStep(), w1));
    }
    return line.toString();
  }

  private static void printSummary(PrintStream out, ReportCollector collector, String runId) {
    out.println();
    out.println("Summary (time in optimiser steps; drift mu(w) = slope*w + intercept per step;"
        + " D per step in dW = mu dt + sqrt(2D) dB; W1 in weight units at the last step)");
    out.printf("%-12s %-8s %22s %22s %11s%n", "layer", "entry", "drift slope (+-se)", "diffusion D (+-se)", "W1");
    List<AlignmentUpdate> alignments = collector.latestAlignment();
    for (DriftDiffusionEstimate est : collector.latestEstimates()) {
      if (!est.getRunId().equals(runId)) {
        continue;
      }
      AlignmentUpdate a = alignments.stream().filter(x -> x.getRunId().equals(est.getRunId()) && x.getLayer().equals(est.getLayer()))
          .findFirst().orElse(null);
      for (int e = 0; e < est.getEntriesCount(); e++) {
        EntryEstimate entry = est.getEntries(e);
        double w1 = a == null ? Double.NaN : a.getEntries(e).getW1();
        out.printf(Locale.ROOT, "%-12s %-8s %11.3e (%.1e) %11.3e (%.1e) %11.3e%n", est.getLayer(),
            entry.getIndexList().toString().replace(" ", ""), entry.getDriftSlope(), entry.getDriftSlopeStderr(),
            entry.getDiffusionMean(), entry.getDiffusionMeanStderr(), w1);
      }
    }
  }
}
