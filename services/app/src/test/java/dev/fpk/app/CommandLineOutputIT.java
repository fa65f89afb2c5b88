package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.app.node.KafkaAdmin;
import dev.fpk.protocol.JsonMapping;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the commands print with --json and --quiet, replay's --html, and fpk dashboard against a
 * cluster.
 */
@Timeout(120)
class CommandLineOutputIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** A command's exit code and what it printed. */
  record Run(int exit, String out, String err) {}

  /** Runs fpk with {@code args}, capturing its output (SweepIT too). */
  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Fpk.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static List<JsonNode> jsonLines(String out) throws Exception {
    List<String> lines = out.strip().lines().toList();
    assertFalse(lines.isEmpty());
    java.util.ArrayList<JsonNode> nodes = new java.util.ArrayList<>();
    for (String line : lines) {
      nodes.add(JSON.readTree(line)); // every line is one JSON object, or this throws
    }
    return nodes;
  }

  @Test
  void shouldPrintOnlyJsonLinesFromTheDemoWithJson() throws Exception {
    Run r =
        run(
            "demo",
            "--json",
            "--steps",
            "20",
            "--replicas",
            "8",
            "--run-id",
            "json-" + UUID.randomUUID(),
            "--bootstrap",
            TestKafka.bootstrap(),
            "--dashboard-port",
            "0");
    assertEquals(0, r.exit(), r.err());
    List<JsonNode> events = jsonLines(r.out());
    JsonNode start = events.get(0);
    assertEquals("start", start.path("event").asText());
    assertTrue(start.path("dashboard").asText().startsWith("http://127.0.0.1:"), start.toString());
    List<JsonNode> progress =
        events.stream().filter(e -> e.path("event").asText().equals("progress")).toList();
    assertFalse(progress.isEmpty(), r.out());
    JsonNode lastProgress = progress.get(progress.size() - 1);
    assertEquals(20, lastProgress.path("total").asLong());
    assertEquals(
        20,
        lastProgress.path("done").asLong(),
        "the last status line is at the last step: " + lastProgress);
    assertEquals("steps", lastProgress.path("unit").asText());
    assertTrue(
        lastProgress.has("ratePerSecond") && lastProgress.has("etaSeconds"),
        lastProgress.toString());
    JsonNode summary = events.get(events.size() - 1);
    assertEquals("summary", summary.path("event").asText());
    assertEquals(4, summary.path("entries").size(), "one row per bottleneck entry: " + summary);
    assertTrue(summary.path("entries").get(0).has("driftSlope"));
  }

  @Test
  void shouldPrintNoProgressLinesWhenQuiet() {
    Run r =
        run(
            "demo",
            "--quiet",
            "--steps",
            "10",
            "--replicas",
            "8",
            "--run-id",
            "quiet-" + UUID.randomUUID(),
            "--bootstrap",
            TestKafka.bootstrap(),
            "--dashboard-port",
            "0");
    assertEquals(0, r.exit(), r.err());
    assertFalse(r.out().lines().anyMatch(l -> l.startsWith("step ")), r.out());
    assertTrue(r.out().contains("Summary"), r.out());
  }

  @Test
  void shouldReplayWithJsonLinesAndWriteASelfContainedHtmlReport() throws Exception {
    String runId = "html-" + UUID.randomUUID();
    Path input = dir.resolve("ou.jsonl");
    try (BufferedWriter out = Files.newBufferedWriter(input)) {
      OuEnsemble ou =
          new OuEnsemble(
              runId,
              "w",
              new int[] {1, 2},
              new double[] {0.05, 0.1},
              new double[] {0, 0.5},
              1e-4,
              32,
              0.3,
              0.05,
              7);
      for (int step = 0; step <= 30; step++) {
        for (WeightSnapshot s : ou.snapshots()) {
          out.write(JsonMapping.toJson(s));
          out.newLine();
        }
        ou.advance();
      }
    }
    Path html = dir.resolve("report.html");
    Run r =
        run(
            "replay",
            "--json",
            "--input",
            input.toString(),
            "--report",
            dir.resolve("report.json").toString(),
            "--html",
            html.toString(),
            "--bootstrap",
            TestKafka.bootstrap());
    assertEquals(0, r.exit(), r.err());
    JsonNode summary =
        jsonLines(r.out()).stream()
            .filter(e -> e.path("event").asText().equals("summary"))
            .findFirst()
            .orElseThrow();
    assertEquals(31 * 32, summary.path("accepted").asLong());
    assertEquals(html.toString(), summary.path("html").asText());
    String page = Files.readString(html);
    assertTrue(page.contains(runId), "the report's run is embedded");
    assertFalse(page.contains("src=\""), "nothing loaded from elsewhere");
  }

  @Test
  void shouldServeTheRunsOfAClusterFromTheDashboardCommand() throws Exception {
    String bootstrap = TestKafka.bootstrap();
    String runId = "dash-" + UUID.randomUUID();
    try (KafkaAdmin admin = new KafkaAdmin(bootstrap)) {
      admin.ensureTopics(4, (short) 1);
    }
    publishOutputs(bootstrap, runId);
    StringWriter out = new StringWriter();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread command =
        new Thread(
            () ->
                exit.set(
                    Fpk.commandLine()
                        .setOut(new PrintWriter(out, true))
                        .setErr(new PrintWriter(out, true))
                        .execute(
                            "dashboard",
                            "--bootstrap",
                            bootstrap,
                            "--port",
                            "0",
                            "--for",
                            "PT60S")));
    command.start();
    try {
      String url = null;
      for (int i = 0; i < 300 && url == null; i++) {
        Matcher m = Pattern.compile("live page (http://\\S+/)").matcher(out.toString());
        url = m.find() ? m.group(1) : null;
        Thread.sleep(100);
      }
      assertTrue(url != null, "the command prints its URL: " + out);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> entry = null;
      for (int i = 0; i < 150; i++) {
        entry =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(url + "api/runs/" + runId + "/layers/w/entries/0"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        // the estimate and the alignment come from two topics: wait for both alignment points
        if (entry.statusCode() == 200
            && JSON.readTree(entry.body()).path("alignment").size() == 2) {
          break;
        }
        Thread.sleep(100);
      }
      assertEquals(200, entry.statusCode(), entry.body());
      JsonNode e = JSON.readTree(entry.body());
      assertEquals(-0.25, e.at("/drift/slope").asDouble(), 1e-12);
      assertEquals(2, e.path("alignment").size());
      assertEquals(
          404,
          http.send(
                  HttpRequest.newBuilder(URI.create(url + "api/runs/" + runId + "-not")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode());
      String metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create(url + "metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertTrue(
          metrics.contains(
              "fpk_drift_slope_per_step{entry=\"[0,0]\",layer=\"w\",run=\"" + runId + "\"} -0.25"),
          "the theory meters of the followed run");
      assertTrue(metrics.contains("fpk_kafka_consumer_lag_records"), "the analysis' consumer lag");
      assertTrue(metrics.contains("jvm_memory_used_bytes"));
    } finally {
      command.interrupt(); // stops serving before --for runs out
      command.join(30_000);
    }
    assertEquals(0, exit.get(), out.toString());
  }

  private static void publishOutputs(String bootstrap, String runId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    String key = SnapshotKey.of(runId, "w");
    EntryEstimate.Builder est =
        EntryEstimate.newBuilder()
            .addIndex(0)
            .addIndex(0)
            .setDriftSlope(-0.25)
            .setDiffusionMean(1e-4);
    for (int i = 0; i < 5; i++) {
      est.addGrid(i - 2).addDrift(-0.25 * (i - 2)).addDiffusion(1e-4);
    }
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              Topics.ESTIMATES,
              key,
              DriftDiffusionEstimate.newBuilder()
                  .setRunId(runId)
                  .setLayer("w")
                  .setStep(2)
                  .setMode("ensemble")
                  .addEntries(est)
                  .build()
                  .toByteArray()));
      for (int step = 1; step <= 2; step++) {
        producer.send(
            new ProducerRecord<>(
                Topics.ALIGNMENT,
                key,
                AlignmentUpdate.newBuilder()
                    .setRunId(runId)
                    .setLayer("w")
                    .setStep(step)
                    .setReplicas(8)
                    .addEntries(EntryAlignment.newBuilder().addIndex(0).addIndex(0).setW1(0.01))
                    .build()
                    .toByteArray()));
      }
      producer.flush();
    }
  }
}
