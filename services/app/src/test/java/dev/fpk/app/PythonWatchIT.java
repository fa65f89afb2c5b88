package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.app.node.AnalysisNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client as a user gets it: installed into a fresh venv exactly as the README says
 * ({@code python3 -m venv --system-site-packages V && V/bin/pip install --no-build-isolation
 * --no-deps ./protocol/python}, offline, Debian's packages only), then the digits example ({@code
 * protocol/python/examples/digits_mlp.py}: an MLP on scikit-learn's digits under {@code
 * fpk_client.watch}) trains against the embedded broker and an analysis node, and {@code fpk
 * report} shows every weight layer analysed, in pooled mode, to the last step published. Without a
 * broker, watch fails with one line. Skipped, with the reason, where Debian's python3-torch,
 * python3-sklearn, python3-protobuf, python3-confluent-kafka, python3-venv or python3-wheel are
 * missing.
 */
@Timeout(300)
class PythonWatchIT {
  private static final int STEPS = 200;
  private static final int EVERY = 5;

  @TempDir static Path dir;

  private static Path venvPython;
  private static Path example;

  @BeforeAll
  static void installTheClientIntoAFreshVenv() throws Exception {
    PythonRuns.assumeModules(
        "torch", "sklearn", "google.protobuf", "confluent_kafka", "numpy", "ensurepip", "wheel");
    Path root = PythonRuns.repositoryRoot();
    Path venv = dir.resolve("venv");
    PythonRuns.Result made =
        PythonRuns.run(
            root,
            Duration.ofSeconds(120),
            Map.of(),
            PythonRuns.PYTHON.toString(),
            "-m",
            "venv",
            "--system-site-packages",
            venv.toString());
    assertEquals(0, made.exit(), made.toString());
    PythonRuns.Result installed =
        PythonRuns.run(
            root,
            Duration.ofSeconds(180),
            Map.of(),
            venv.resolve("bin/pip").toString(),
            "install",
            "--no-build-isolation",
            "--no-deps",
            "./protocol/python");
    assertEquals(0, installed.exit(), installed.toString());
    venvPython = venv.resolve("bin/python");
    // the package imported is the installed one, not the source tree
    PythonRuns.Result where =
        PythonRuns.run(
            dir,
            Duration.ofSeconds(60),
            Map.of(),
            venvPython.toString(),
            "-c",
            "import fpk_client; print(fpk_client.__file__)");
    assertEquals(0, where.exit(), where.toString());
    assertTrue(Path.of(where.out().strip()).startsWith(venv.toRealPath()), where.out());
    example = root.resolve("protocol/python/examples/digits_mlp.py");
  }

  @Test
  void shouldAnalyseEveryLayerOfTheDigitsMlpTrainedUnderWatchToTheLastPublishedStep()
      throws Exception {
    String bootstrap = TestKafka.bootstrap();
    String id = UUID.randomUUID().toString();
    String runId = "digits-" + id;
    String group = "it-watch-" + id;
    Streaming.startGroupAtEnd(bootstrap, group);
    Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
    JsonNode summary;
    try (AnalysisNode node = Streaming.start(bootstrap, Streaming.nodeConfig(group, Map.of()))) {
      PythonRuns.Result trained =
          PythonRuns.run(
              dir,
              Duration.ofSeconds(120),
              Map.of(),
              venvPython.toString(),
              example.toString(),
              "--bootstrap",
              bootstrap,
              "--run-id",
              runId,
              "--steps",
              "" + STEPS,
              "--every",
              "" + EVERY);
      System.out.print(trained);
      assertEquals(0, trained.exit(), trained.toString());
      summary = trained.lastJsonLine();
      Streaming.awaitCommitted(
          bootstrap, group, start, Streaming.snapshotEnds(bootstrap), 1.0, Duration.ofSeconds(90));
    }
    List<String> layers = new ArrayList<>();
    summary.get("layers").forEach(l -> layers.add(l.asText()));
    assertEquals(
        List.of("fc1", "fc2", "fc3"),
        layers,
        "every weight matrix of the 64-128-64-10 MLP is watched");
    assertEquals(STEPS, summary.get("lastPublishedStep").asInt(), summary.toString());
    assertEquals(
        layers.size() * (STEPS / EVERY + 1), summary.get("snapshots").asInt(), summary.toString());
    assertTrue(
        summary.get("lossLast").asDouble() < summary.get("lossFirst").asDouble(),
        "it learns: " + summary);

    Path reportFile = dir.resolve(runId + ".json");
    StringWriter err = new StringWriter();
    int exit =
        Fpk.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute(
                "report", "--bootstrap", bootstrap, "--out", reportFile.toString(), "--run", runId);
    assertEquals(0, exit, err.toString());
    JsonNode reported = new ObjectMapper().readTree(reportFile.toFile()).at("/runs/0/layers");
    List<String> reportedLayers = new ArrayList<>();
    for (JsonNode layer : reported) {
      String name = layer.get("layer").asText();
      reportedLayers.add(name);
      assertEquals(
          "pooled", layer.get("mode").asText(), name + ": one run is analysed in pooled mode");
      assertEquals(
          STEPS, layer.get("lastStep").asInt(), name + " analysed to the last published step");
      assertFalse(layer.get("entries").isEmpty(), name + ": no entries in " + layer);
      double slope = layer.at("/entries/0/drift/slope").asDouble(Double.NaN);
      assertTrue(Double.isFinite(slope), name + ": drift slope " + slope);
      // the spectral view of the run's one matrix: min(rows, cols) eigenvalues of W W^T
      JsonNode spectrum = layer.get("spectrum");
      assertEquals(
          Map.of("fc1", 64, "fc2", 64, "fc3", 10).get(name),
          spectrum.get("eigenvalues").size(),
          name + ": eigenvalues of " + spectrum);
      double ks = spectrum.at("/mp/ks").asDouble(Double.NaN);
      assertTrue(ks >= 0 && ks <= 1, name + ": Marchenko-Pastur KS " + ks);
      JsonNode series = layer.get("spectrumSeries");
      assertTrue(series.size() >= 2, name + ": spectral series " + series);
      assertEquals(
          spectrum.get("step").asLong(),
          series.get(series.size() - 1).get("step").asLong(),
          name + ": the newest spectrum ends the series");
      assertTrue(
          series.get(series.size() - 1).get("temperature").isNumber(),
          name + ": a Dyson temperature between the last two spectra " + series);
    }
    assertEquals(layers, reportedLayers.stream().sorted().toList(), "fpk report's layers");
  }

  @Test
  void shouldFailWithOneLineNamingTheBrokerWhenNoneIsReachable() throws Exception {
    String bootstrap = "127.0.0.1:" + Streaming.freePort(); // nothing listens there
    PythonRuns.Result r =
        PythonRuns.run(
            dir,
            Duration.ofSeconds(120),
            Map.of(),
            venvPython.toString(),
            example.toString(),
            "--bootstrap",
            bootstrap,
            "--run-id",
            "nowhere",
            "--steps",
            "10");
    assertEquals(1, r.exit(), r.toString());
    assertEquals("", r.out(), "nothing trained, nothing printed");
    List<String> lines = r.err().strip().lines().toList();
    assertEquals(1, lines.size(), "one line on stderr: " + r.err());
    assertTrue(
        lines
            .get(0)
            .startsWith(
                "fpk_client.watch: no Kafka broker reachable at " + bootstrap + " within 5 s"),
        lines.get(0));
  }
}
