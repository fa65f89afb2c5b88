package dev.fpk.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.experiment.ExperimentRunner;
import dev.fpk.app.experiment.ExperimentSettings;
import dev.fpk.app.experiment.ExperimentSettings.Variant;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The paper's experiment, reproduced live: the built-in autoencoder ensemble's bottleneck 2x2
 * matrix through the streaming pipeline, entry by entry and jointly, with forecasts, output
 * distributions, the Callan-Symanzik and KPZ views and two sensitivity runs; DIR/report.json,
 * DIR/report.html and a short summary.
 */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description =
        "Reproduce the paper's experiment live (bottleneck 2x2 matrix of the 2-bottleneck autoencoder ensemble)"
            + " and write DIR/report.json and DIR/report.html.")
public final class ExperimentCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Directory for report.json and report.html")
  Path out;

  @Option(
      names = "--replicas",
      defaultValue = "256",
      description = "Replicas R per run (default ${DEFAULT-VALUE})")
  int replicas;

  @Option(
      names = "--steps",
      defaultValue = "3000",
      description =
          "Optimiser steps of the main run (default ${DEFAULT-VALUE}: the transient ends near step 1,000 at the defaults)")
  long steps;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the runs; replica r records seed + r (default ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--lr",
      defaultValue = "0.1",
      description = "Learning rate eta of the main run (default ${DEFAULT-VALUE}); SGD")
  double learningRate;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "Minibatch size B of the main run (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(
      names = "--sensitivity-steps",
      defaultValue = "100",
      description =
          "Steps of the sensitivity runs (same initial weights; as they are, lr x2, batch x2) over which"
              + " their diffusion is compared, half of them for lr x2 (the same eta t); a multiple of 20 (default ${DEFAULT-VALUE})")
  long sensitivitySteps;

  @CommandLine.Mixin BootstrapOptions.OrEmbedded kafka;

  @Option(names = "--quiet", description = "No progress lines (the summary still prints)")
  boolean quiet;

  @Option(
      names = "--json",
      description = "Machine-readable output: one JSON object a line (progress, summary)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ExperimentSettings settings;
    try {
      settings =
          new ExperimentSettings(
              replicas, steps, seed, learningRate, batchSize, Math.min(sensitivitySteps, steps));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter stdout = spec.commandLine().getOut();
    Progress progress = new Progress(Progress.style(quiet, json), stdout, "experiment");
    if (!json) {
      stdout.printf(
          "fpk experiment: %d replicas x %d steps (seed %d), and three sensitivity runs of up to %d steps; report in %s%n",
          replicas, steps, seed, settings.sensitivitySteps(), out);
      stdout.flush();
    }
    long total = java.util.Arrays.stream(Variant.values()).mapToLong(settings::steps).sum();
    ExperimentRunner.Result result =
        new ExperimentRunner(settings, FpkConfig.load(), kafka.servers())
            .run(
                out,
                (trained, analysed) ->
                    progress.report(
                        "step", analysed, steps, "steps", detail(trained, total), fields(trained)));
    if (json) {
      ObjectNode summary =
          Progress.object()
              .put("event", "summary")
              .put("task", "experiment")
              .put("report", out.resolve("report.json").toString());
      summary.set("checks", result.report().get("checks"));
      stdout.println(Progress.write(summary));
    } else {
      stdout.println();
      stdout.print(result.summary());
      stdout.printf("report: %s and %s%n", out.resolve("report.json"), out.resolve("report.html"));
    }
    stdout.flush();
    return 0;
  }

  private static String detail(Map<Variant, Long> trained, long total) {
    long sum = trained.values().stream().mapToLong(Long::longValue).sum();
    return String.format(
        Locale.ROOT, "main run analysed; trained %d of %d steps over the four runs", sum, total);
  }

  private static ObjectNode fields(Map<Variant, Long> trained) {
    ObjectNode o = Progress.object();
    trained.forEach((v, s) -> o.put("trained" + v.name(), s));
    return o;
  }
}
