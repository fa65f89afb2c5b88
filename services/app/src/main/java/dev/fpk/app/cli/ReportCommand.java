package dev.fpk.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fpk.app.node.OutputTopics;
import dev.fpk.app.report.ReportCollector;
import dev.fpk.app.report.WholeFile;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes the current state of the runs a live cluster tracks, in the replay report's format. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Write the JSON report of what a live cluster has published so far (the replay report's format).")
public final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BootstrapOptions.Required kafka;

  @Option(names = "--out", required = true, description = "Where to write the JSON report")
  Path out;

  @Option(names = "--run", description = "Only these runs (repeatable; default: every run found)")
  List<String> runs;

  @Override
  public Integer call() throws Exception {
    ReportCollector collector = new ReportCollector();
    long records = OutputTopics.readInto(kafka.bootstrap, collector);
    Set<String> runIds = new TreeSet<>();
    if (runs != null && !runs.isEmpty()) {
      runIds.addAll(runs);
    } else {
      collector.latestEstimates().stream()
          .map(DriftDiffusionEstimate::getRunId)
          .forEach(runIds::add);
      collector.latestAlignment().stream().map(AlignmentUpdate::getRunId).forEach(runIds::add);
    }
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    WholeFile.write(out, f -> mapper.writeValue(f.toFile(), collector.toJson(mapper, runIds)));
    spec.commandLine()
        .getErr()
        .printf("report: %d output records read, runs %s; written to %s%n", records, runIds, out);
    return 0;
  }
}
