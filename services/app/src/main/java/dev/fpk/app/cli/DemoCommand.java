package dev.fpk.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.dashboard.LiveDashboard;
import dev.fpk.app.node.Pipeline;
import dev.fpk.app.report.ReportCollector;
import dev.fpk.app.train.LiveTraining;
import dev.fpk.app.train.RunSpec;
import dev.fpk.app.train.Trainers;
import dev.fpk.dashboard.DashboardSettings;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.trainer.TrainerSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Everything in one JVM: the embedded broker, the built-in autoencoder ensemble, estimators,
 * solvers, the metrics endpoint and the live page; a status line a second (rate and ETA of the
 * analysis in steps), a summary table at the end.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Train the built-in 2-bottleneck autoencoder ensemble and check Fokker-Planck against it live.")
public final class DemoCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin TrainingOptions training;

  @Option(
      names = "--run-id",
      defaultValue = "demo",
      description = "Run id (default ${DEFAULT-VALUE})")
  String runId;

  @CommandLine.Mixin BootstrapOptions.OrEmbedded kafka;

  @CommandLine.Mixin EntriesOptions entries;

  @Option(
      names = "--dashboard-port",
      defaultValue = "-1",
      description =
          "Port of the live page on 127.0.0.1 (default: fpk.dashboard.port = $FPK_DASHBOARD_PORT or 8765; "
              + "a free one if taken; 0 = any free port)")
  int dashboardPort;

  @Option(
      names = "--linger",
      defaultValue = "PT0S",
      description =
          "Keep the live page up this long after the summary (ISO-8601, e.g. PT10M; default ${DEFAULT-VALUE}; Ctrl-C ends it)")
  Duration linger;

  @CommandLine.Mixin OutputOptions output;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    Progress progress = new Progress(Progress.style(output.quiet, output.json), out, "demo");
    Config config = entries.applyTo(FpkConfig.load());
    DashboardSettings dashboardSettings = DashboardSettings.fromConfig(config);
    if (dashboardPort >= 0) {
      dashboardSettings = dashboardSettings.withPort(dashboardPort);
    }
    // one trainer thread: the other core is the analysis's
    TrainerSettings settings = training.settings(1);
    try (Pipeline pipeline = Pipeline.start(config, kafka.servers());
        LiveDashboard dashboard =
            LiveDashboard.start(
                pipeline.node().system(),
                pipeline.bootstrapServers(),
                dashboardSettings,
                pipeline.node().registry(),
                config.getString("fpk.group"),
                true)) {
      printStart(out, pipeline, dashboard);
      List<Trainers.Run> runs =
          LiveTraining.start(
              pipeline,
              List.of(
                  new RunSpec(runId, settings, training.layers, training.every, training.steps)));
      LiveTraining.awaitAnalysed(
          pipeline, runs, () -> report(progress, runs.get(0), pipeline.collector()));
      if (output.json) {
        out.println(Progress.write(summaryJson(pipeline.collector())));
      } else {
        printSummary(out, pipeline.collector(), runId);
      }
      out.flush();
      lingerOn(out, dashboard);
    }
    return 0;
  }

  /**
   * Keeps the page up after the run so it can still be looked at. An interrupt ends the wait early
   * and is consumed: it means "stop lingering", and the shutdown after it must run whole.
   */
  private void lingerOn(PrintWriter out, LiveDashboard dashboard) {
    if (linger.isZero()) {
      return;
    }
    if (!output.json) {
      out.printf("live page stays up for %s at %s%n", linger, dashboard.url());
      out.flush();
    }
    try {
      Thread.sleep(linger.toMillis());
    } catch (InterruptedException e) {
      // consumed on purpose, see above
    }
  }

  private void validate() {
    String problem =
        training.problem() != null
            ? training.problem()
            : dashboardPort > 65535
                ? "--dashboard-port must be 0..65535, got " + dashboardPort
                : linger.isNegative() ? "--linger must not be negative, got " + linger : null;
    if (problem != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), problem);
    }
  }

  private void printStart(PrintWriter out, Pipeline pipeline, LiveDashboard dashboard) {
    String metrics = "http://" + pipeline.node().httpAddress() + "/metrics";
    if (output.json) {
      ObjectNode start =
          Progress.object()
              .put("event", "start")
              .put("task", "demo")
              .put("runId", runId)
              .put("replicas", training.replicas)
              .put("steps", training.steps)
              .put("broker", pipeline.bootstrapServers())
              .put("embeddedBroker", pipeline.embedded())
              .put("dashboard", dashboard.url())
              .put("metrics", metrics);
      out.println(Progress.write(start));
      out.flush();
      return;
    }
    out.printf(
        "fpk demo: %d replicas, %d steps, layers %s, broker %s%s%n",
        training.replicas,
        training.steps,
        training.layers,
        pipeline.bootstrapServers(),
        pipeline.embedded() ? " (embedded)" : "");
    out.printf("live page %s   metrics %s%n", dashboard.url(), metrics);
    out.flush();
  }

  private void report(Progress progress, Trainers.Run trainer, ReportCollector collector) {
    double seconds = progress.elapsedSeconds();
    long analysed = Long.MAX_VALUE;
    StringBuilder detail =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "trained to step %d, %d replicas, %.0f snapshots/s",
                trainer.step(),
                training.replicas,
                seconds > 0 ? trainer.published() / seconds : 0.0));
    ObjectNode fields =
        Progress.object().put("trainedStep", trainer.step()).put("published", trainer.published());
    ArrayNode layerArray = fields.putArray("layers");
    int seen = 0;
    for (AlignmentUpdate a : collector.latestAlignment()) {
      if (!a.getRunId().equals(runId)) {
        continue;
      }
      seen++;
      analysed = Math.min(analysed, a.getStep());
      double w1 =
          a.getEntriesList().stream()
              .mapToDouble(EntryAlignment::getW1)
              .average()
              .orElse(Double.NaN);
      detail.append(
          String.format(
              Locale.ROOT,
              "  %s: analysed to step %d, mean W1 %.3g",
              a.getLayer(),
              a.getStep(),
              w1));
      ObjectNode l =
          layerArray.addObject().put("layer", a.getLayer()).put("analysedStep", a.getStep());
      if (Double.isFinite(w1)) {
        l.put("meanW1", w1);
      }
    }
    // the user waits for the slowest layer's analysis, so that is what the rate and ETA count
    long done = seen < training.layers.size() ? 0 : analysed;
    progress.report("step", done, training.steps, "steps", detail.toString(), fields);
  }

  private ObjectNode summaryJson(ReportCollector collector) {
    ObjectNode summary =
        Progress.object().put("event", "summary").put("task", "demo").put("runId", runId);
    ArrayNode rows = summary.putArray("entries");
    forEachEntry(
        collector,
        runId,
        (est, entry, w1) -> {
          ObjectNode row = rows.addObject().put("layer", est.getLayer());
          entry.getIndexList().forEach(row.putArray("index")::add);
          row.put("driftSlope", entry.getDriftSlope())
              .put("driftSlopeStdErr", entry.getDriftSlopeStderr())
              .put("diffusionMean", entry.getDiffusionMean())
              .put("diffusionMeanStdErr", entry.getDiffusionMeanStderr());
          if (Double.isFinite(w1)) {
            row.put("w1", w1);
          }
        });
    return summary;
  }

  private static void printSummary(PrintWriter out, ReportCollector collector, String runId) {
    out.println();
    out.println(
        "Summary (time in optimiser steps; drift mu(w) = slope*w + intercept per step;"
            + " D per step in dW = mu dt + sqrt(2D) dB; W1 in weight units at the last step)");
    out.printf(
        "%-12s %-8s %22s %22s %11s%n",
        "layer", "entry", "drift slope (+-se)", "diffusion D (+-se)", "W1");
    forEachEntry(
        collector,
        runId,
        (est, entry, w1) ->
            out.printf(
                Locale.ROOT,
                "%-12s %-8s %11.3e (%.1e) %11.3e (%.1e) %11.3e%n",
                est.getLayer(),
                entry.getIndexList().toString().replace(" ", ""),
                entry.getDriftSlope(),
                entry.getDriftSlopeStderr(),
                entry.getDiffusionMean(),
                entry.getDiffusionMeanStderr(),
                w1));
  }

  private interface EntryRow {
    void accept(DriftDiffusionEstimate estimate, EntryEstimate entry, double w1);
  }

  private static void forEachEntry(ReportCollector collector, String runId, EntryRow row) {
    List<AlignmentUpdate> alignments = collector.latestAlignment();
    for (DriftDiffusionEstimate est : collector.latestEstimates()) {
      if (!est.getRunId().equals(runId)) {
        continue;
      }
      AlignmentUpdate a =
          alignments.stream()
              .filter(
                  x -> x.getRunId().equals(est.getRunId()) && x.getLayer().equals(est.getLayer()))
              .findFirst()
              .orElse(null);
      for (int e = 0; e < est.getEntriesCount(); e++) {
        double w1 = a == null || e >= a.getEntriesCount() ? Double.NaN : a.getEntries(e).getW1();
        row.accept(est, est.getEntries(e), w1);
      }
    }
  }
}
