package dev.fpk.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.config.IngestLimits;
import dev.fpk.app.node.KafkaAdmin;
import dev.fpk.app.node.Pipeline;
import dev.fpk.app.report.HtmlReport;
import dev.fpk.app.report.WholeFile;
import dev.fpk.protocol.ReplayFiles;
import dev.fpk.protocol.ReplayFormat;
import dev.fpk.protocol.ReplayItem;
import dev.fpk.protocol.ReplayReader;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.Validation;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Feeds a recorded snapshot file through Kafka and the same estimators and solvers as a live run,
 * then writes the JSON report (and, with {@code --html}, a self-contained HTML page of the same
 * plots as the live page). Bad records are reported on stderr and counted; the rest goes on.
 * Progress: a status line a second, first over the file's bytes while publishing, then over the
 * snapshots the analysis has committed.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description =
        "Replay a recorded snapshot file (JSON Lines or length-delimited protobuf) and write a JSON report.")
public final class ReplayCommand implements Callable<Integer> {
  private static final long REPORT_EVERY_NANOS = 1_000_000_000L;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin SnapshotFileOptions file;

  @Option(names = "--report", required = true, description = "Where to write the JSON report")
  Path report;

  @Option(
      names = "--html",
      description = "Also write a self-contained HTML report (the live page's plots, static) here")
  Path html;

  @CommandLine.Mixin BootstrapOptions.OrEmbedded kafka;

  @CommandLine.Mixin EntriesOptions entries;

  @Option(
      names = "--timeout",
      defaultValue = "PT10M",
      description = "Longest wait for the analysis to finish (ISO-8601, default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(
      names = "--quiet",
      description = "No progress lines (rejected records and the summary still print)")
  boolean quiet;

  @Option(
      names = "--json",
      description = "Machine-readable output on stdout: one JSON object a line (progress, summary)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ReplayFormat fmt = format();
    file.readableInput();
    PrintWriter out = spec.commandLine().getOut();
    Progress progress = new Progress(Progress.style(quiet, json), out, "replay");
    // a group of its own: a replay reads the topic from the start, whatever ran before
    String group = "fpk-replay-" + UUID.randomUUID();
    try (Pipeline pipeline =
        Pipeline.start(entries.applyTo(FpkConfig.load()), kafka.servers(), group)) {
      Set<String> runIds = new TreeSet<>();
      long[] counts = publish(pipeline, fmt, runIds, progress);
      awaitAnalysis(pipeline, group, progress);
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode reportJson = pipeline.collector().toJson(mapper, runIds);
      WholeFile.write(report, f -> mapper.writeValue(f.toFile(), reportJson));
      if (html != null) {
        WholeFile.write(html, f -> HtmlReport.write(f, new ObjectMapper(), reportJson));
      }
      spec.commandLine()
          .getErr()
          .printf(
              "replay: %d records accepted, %d rejected; report written to %s%s%n",
              counts[0], counts[1], report, html == null ? "" : " and " + html);
      spec.commandLine().getErr().flush();
      progress.event(
          Progress.object()
              .put("event", "summary")
              .put("task", "replay")
              .put("accepted", counts[0])
              .put("rejected", counts[1])
              .put("report", report.toString())
              .put("html", html == null ? null : html.toString())
              .put("elapsedSeconds", Math.round(progress.elapsedSeconds() * 1000) / 1000.0));
    }
    return 0;
  }

  private ReplayFormat format() {
    try {
      return file.format();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--format: " + e.getMessage());
    }
  }

  /** Publishes the file's valid snapshots; returns {accepted, rejected}. */
  private long[] publish(Pipeline pipeline, ReplayFormat fmt, Set<String> runIds, Progress progress)
      throws IOException, InterruptedException {
    long accepted = 0;
    long rejected = 0;
    long size = Math.max(1, Files.size(file.input));
    long lastReport = System.nanoTime();
    CountingInputStream counting = new CountingInputStream(Files.newInputStream(file.input));
    try (ReplayReader reader =
            ReplayFiles.open(
                counting, fmt, IngestLimits.fromConfig(FpkConfig.load()), file.input.toString());
        KafkaProducer<String, byte[]> producer = producer(pipeline.bootstrapServers())) {
      for (ReplayItem item : reader) {
        if (Thread.interrupted()) {
          throw new InterruptedException(
              "stopped while publishing " + file.input); // a signal (SignalStop)
        }
        if (item.snapshot() instanceof Validation.Accepted<WeightSnapshot> a) {
          WeightSnapshot s = a.value();
          runIds.add(s.getRunId());
          producer.send(
              new ProducerRecord<>(
                  Topics.SNAPSHOTS, SnapshotKey.of(s.getRunId(), s.getLayer()), s.toByteArray()));
          accepted++;
        } else {
          Validation.Rejected<WeightSnapshot> r =
              (Validation.Rejected<WeightSnapshot>) item.snapshot();
          spec.commandLine().getErr().println("replay: rejected " + item.describe());
          pipeline.collector().rejected(r.reason().wireName(), 1);
          rejected++;
        }
        if (System.nanoTime() - lastReport >= REPORT_EVERY_NANOS) {
          lastReport = System.nanoTime();
          progress.report(
              "publish",
              counting.count(),
              size,
              "bytes",
              String.format(Locale.ROOT, "%d records published, %d rejected", accepted, rejected),
              Progress.object().put("published", accepted).put("rejected", rejected));
        }
      }
      producer.flush();
    }
    spec.commandLine().getErr().flush();
    pipeline.collector().countAccepted(accepted);
    return new long[] {accepted, rejected};
  }

  /**
   * Waits for the analysis to commit every snapshot and the report to read every output, reporting
   * a line a second.
   */
  private void awaitAnalysis(Pipeline pipeline, String group, Progress progress)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastReport = System.nanoTime();
    try (KafkaAdmin admin = new KafkaAdmin(pipeline.bootstrapServers())) {
      // the group reads the topic from its start: everything on it is work, not only this file
      long total =
          admin.endOffsets(Topics.SNAPSHOTS).values().stream().mapToLong(Long::longValue).sum();
      Progress analysis = new Progress(progress.style(), spec.commandLine().getOut(), "replay");
      while (!pipeline.isCaughtUp()) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              "timed out after "
                  + timeout
                  + " waiting for the analysis to catch up"
                  + " (raise --timeout)");
        }
        Thread.sleep(200);
        if (System.nanoTime() - lastReport >= REPORT_EVERY_NANOS) {
          lastReport = System.nanoTime();
          long done = Math.max(0, total - admin.lag(group, Topics.SNAPSHOTS));
          analysis.report("analyse", done, total, "snapshots", null, null);
        }
      }
    }
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    java.util.Properties p = FpkConfig.kafkaClient(bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 * 1024 * 1024));
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }
}
