package dev.fpk.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.node.Pipeline;
import dev.fpk.app.report.WholeFile;
import dev.fpk.app.sweep.SweepGrid;
import dev.fpk.app.sweep.SweepSummary;
import dev.fpk.app.train.LiveTraining;
import dev.fpk.app.train.RunSpec;
import dev.fpk.app.train.Trainers;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.trainer.ReplicaSeeding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A grid of learning rates and batch sizes trained at once in one node, a trainer actor per run,
 * all analysed live by one pipeline; at the end a table per run and entry of the diffusion against
 * SGD theory's eta^2 / B and of W1 against its bootstrap floor.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description =
        "Train the built-in ensemble at every learning rate and batch size of a grid at once, analyse"
            + " every run live, and compare their diffusion with SGD theory (D ~ eta^2/B).")
public final class SweepCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin EnsembleOptions ensemble;

  @Option(
      names = "--lr",
      required = true,
      paramLabel = "ETA,...",
      description = "Learning rates, comma-separated, each > 0 (per step)")
  String learningRates;

  @Option(
      names = "--batch",
      required = true,
      paramLabel = "B,...",
      description = "Minibatch sizes, comma-separated, each >= 1")
  String batchSizes;

  @Option(
      names = "--sweep-id",
      defaultValue = "sweep",
      description =
          "Prefix of the runs' ids: <sweep-id>/lr=<eta>,batch=<B> (no '/'; default ${DEFAULT-VALUE})")
  String sweepId;

  @Option(
      names = "--same-init",
      description =
          "Replicas start from the same weights and differ in data order only (published from step"
              + " --every on): the spread of an increment is then minibatch noise, as SGD theory's"
              + " D = eta^2 Sigma/(2B) assumes, until the replicas drift apart")
  boolean sameInit;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Also write the summary table as JSON to FILE")
  Path report;

  @CommandLine.Mixin BootstrapOptions.OrEmbedded kafka;

  @CommandLine.Mixin OutputOptions output;

  @Override
  public Integer call() throws Exception {
    SweepGrid grid;
    try {
      if (ensemble.problem() != null) {
        throw new IllegalArgumentException(ensemble.problem());
      }
      grid =
          new SweepGrid(
              sweepId,
              SweepGrid.learningRates("--lr", learningRates),
              SweepGrid.batchSizes("--batch", batchSizes));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    List<RunSpec> runs = runs(grid);
    PrintWriter out = spec.commandLine().getOut();
    Progress progress = new Progress(Progress.style(output.quiet, output.json), out, "sweep");
    Config config = FpkConfig.load();
    try (Pipeline pipeline = Pipeline.start(config, kafka.servers())) {
      printStart(out, progress, grid, pipeline);
      List<Trainers.Run> trained = LiveTraining.start(pipeline, runs);
      LiveTraining.awaitAnalysed(
          pipeline,
          trained,
          () -> report(progress, trained, pipeline.collector().latestAlignment()));
      SweepSummary summary =
          SweepSummary.of(
              grid, pipeline.collector().latestEstimates(), pipeline.collector().latestAlignment());
      ObjectNode table = summary.toJson();
      if (report != null) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        WholeFile.write(report, f -> mapper.writeValue(f.toFile(), table));
      }
      if (output.json) {
        ObjectNode line = Progress.object().put("event", "summary").put("task", "sweep");
        line.setAll(table);
        progress.event(line);
      } else {
        summary.print(out);
        if (report != null) {
          out.println("report: " + report);
        }
      }
      out.flush();
    }
    return 0;
  }

  /** A run per grid point, each on one trainer thread: the analysis needs the other cores. */
  private List<RunSpec> runs(SweepGrid grid) {
    ReplicaSeeding seeding = sameInit ? ReplicaSeeding.DATA_ORDER : ReplicaSeeding.BOTH;
    return grid.points().stream()
        .map(
            p ->
                new RunSpec(
                    p.runId(),
                    ensemble.settings(p.learningRate(), p.batchSize(), 1).withSeeding(seeding),
                    ensemble.layers,
                    ensemble.every,
                    ensemble.steps,
                    RunSpec.firstPublishedStep(seeding, ensemble.every)))
        .toList();
  }

  private void printStart(PrintWriter out, Progress progress, SweepGrid grid, Pipeline pipeline) {
    List<String> ids = grid.points().stream().map(SweepGrid.Point::runId).toList();
    if (output.json) {
      ObjectNode start =
          Progress.object()
              .put("event", "start")
              .put("task", "sweep")
              .put("sweep", grid.sweepId())
              .put("replicas", ensemble.replicas)
              .put("steps", ensemble.steps)
              .put("broker", pipeline.bootstrapServers())
              .put("embeddedBroker", pipeline.embedded());
      ids.forEach(start.putArray("runs")::add);
      progress.event(start);
      return;
    }
    out.printf(
        "fpk sweep: %d runs (lr %s x batch %s), %d replicas, %d steps, layers %s, broker %s%s%n",
        ids.size(),
        grid.learningRates(),
        grid.batchSizes(),
        ensemble.replicas,
        ensemble.steps,
        ensemble.layers,
        pipeline.bootstrapServers(),
        pipeline.embedded() ? " (embedded)" : "");
    out.println("runs: " + String.join("  ", ids));
    out.flush();
  }

  /** The status line: the runs' analysis, counted by the slowest run (the one waited for). */
  private void report(Progress progress, List<Trainers.Run> runs, List<AlignmentUpdate> aligned) {
    long slowest = Long.MAX_VALUE;
    long trained = 0;
    for (Trainers.Run r : runs) {
      trained += r.step();
      long analysed =
          aligned.stream()
              .filter(a -> a.getRunId().equals(r.spec().runId()))
              .mapToLong(AlignmentUpdate::getStep)
              .min()
              .orElse(0);
      slowest = Math.min(slowest, analysed);
    }
    String detail =
        String.format(
            Locale.ROOT,
            "slowest run analysed; trained %d of %d steps over the %d runs",
            trained,
            (long) ensemble.steps * runs.size(),
            runs.size());
    progress.report(
        "step",
        slowest,
        ensemble.steps,
        "steps",
        detail,
        Progress.object().put("trainedSteps", trained));
  }
}
