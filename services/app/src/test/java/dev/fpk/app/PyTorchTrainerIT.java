package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.fpk.app.node.Pipeline;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.OutputComparison;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An external trainer: the PyTorch example {@code protocol/python/examples/torch_autoencoder.py}
 * trains the autoencoder ensemble and publishes through {@code fpk_client}; fpk's estimators and
 * solvers analyse it and publish alignment figures for every layer it sent. Skipped, with the
 * reason, only where Debian's python3-torch, python3-protobuf or python3-confluent-kafka are
 * missing ({@code deploy/install-test-deps.sh} installs them).
 */
@Timeout(120)
class PyTorchTrainerIT {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final int REPLICAS = 16;
  private static final int STEPS = 300;
  private static final int EVERY = 5;
  private static final Map<String, Integer> ENTRIES = Map.of("bottleneck", 2 * 2, "enc2", 2 * 16);

  @Test
  void shouldAnalyseEveryLayerThePyTorchExamplePublishes() throws Exception {
    assumePythonSideInstalled();
    Path script =
        PythonRuns.repositoryRoot().resolve("protocol/python/examples/torch_autoencoder.py");
    String runId = "torch-it-" + UUID.randomUUID();
    String bootstrap = TestKafka.bootstrap();
    try (Pipeline pipeline =
        Pipeline.start(ConfigFactory.load(), bootstrap, "fpk-test-" + UUID.randomUUID())) {
      JsonNode summary =
          runExample(
              script,
              "--bootstrap",
              bootstrap,
              "--run-id",
              runId,
              "--replicas",
              "" + REPLICAS,
              "--steps",
              "" + STEPS,
              "--every",
              "" + EVERY,
              "--layers",
              String.join(",", ENTRIES.keySet().stream().sorted().toList()));
      int expected = (STEPS / EVERY + 1) * REPLICAS * ENTRIES.size();
      assertEquals(
          expected,
          summary.get("snapshots").asInt(),
          "snapshots the example says it published: " + summary);
      assertTrue(
          summary.get("lossLast").asDouble() < summary.get("lossFirst").asDouble(),
          "it trains: " + summary);

      pipeline.awaitCaughtUp(Duration.ofSeconds(60));
      Map<String, AlignmentUpdate> byLayer =
          pipeline.collector().latestAlignment().stream()
              .filter(a -> a.getRunId().equals(runId))
              .collect(Collectors.toMap(AlignmentUpdate::getLayer, a -> a));
      assertEquals(ENTRIES.keySet(), byLayer.keySet(), "alignment for every published layer");
      for (Map.Entry<String, Integer> layer : ENTRIES.entrySet()) {
        AlignmentUpdate a = byLayer.get(layer.getKey());
        assertEquals(STEPS, a.getStep(), layer.getKey() + " analysed to the last step");
        assertEquals(
            REPLICAS,
            a.getSamples(),
            layer.getKey() + ": the replicas are the samples (ensemble mode)");
        assertEquals(
            layer.getValue(),
            a.getEntriesCount(),
            layer.getKey() + ": one alignment per matrix entry");
        for (EntryAlignment e : a.getEntriesList()) {
          assertTrue(
              Double.isFinite(e.getW1()) && e.getW1() >= 0, layer.getKey() + " W1 " + e.getW1());
          assertTrue(
              e.getJs() >= 0 && e.getJs() <= Math.log(2) + 1e-9,
              layer.getKey() + " JS " + e.getJs());
          assertTrue(
              e.getSamplingFloorW1() > 0,
              layer.getKey() + " sampling floor " + e.getSamplingFloorW1());
        }
        // the example publishes probe inputs: the outputs y = W h are compared, theory against
        // replicas
        OutputComparison o =
            a.getOutputsList().stream()
                .filter(c -> c.getModel().equals("entrywise"))
                .findFirst()
                .orElseThrow(
                    () ->
                        new AssertionError(
                            layer.getKey() + ": no entrywise output comparison in " + a));
        assertEquals(REPLICAS, o.getTheorySamples(), layer.getKey());
        assertTrue(
            o.getProbes() > 0
                && o.getSlicedW1() > 0
                && o.getSlicedW1Floor() > 0
                && o.getEnergyFloor() >= 0,
            layer.getKey() + ": " + o);
      }
    }
  }

  private static JsonNode runExample(Path script, String... args)
      throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(PYTHON.toString(), script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .put("PYTHONPATH", PythonRuns.clientSource().toString()); // the client, uninstalled
    Process p = builder.start();
    boolean finished = p.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println(out);
    assertTrue(finished, "the example finishes within 60 s: " + out);
    assertEquals(0, p.exitValue(), out);
    String last = out.strip().lines().reduce((a, b) -> b).orElse("");
    return new ObjectMapper().readTree(last);
  }

  private static void assumePythonSideInstalled() throws IOException, InterruptedException {
    assumeTrue(
        Files.isExecutable(PYTHON),
        "skipped: " + PYTHON + " is missing (run deploy/install-test-deps.sh)");
    Process p =
        new ProcessBuilder(
                PYTHON.toString(), "-c", "import torch, google.protobuf, confluent_kafka")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(
        p.waitFor() == 0,
        "skipped: "
            + PYTHON
            + " lacks python3-torch, python3-protobuf or "
            + "python3-confluent-kafka (run deploy/install-test-deps.sh): "
            + out.strip());
  }
}
