package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.app.node.AnalysisNode;
import dev.fpk.protocol.Chunks;
import dev.fpk.protocol.v1.WeightSnapshot;
import io.micrometer.core.instrument.DistributionSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entity states of many megabytes survive a restart: a 64x64 ensemble layer (16 replicas) and a
 * 2048x2048 pooled layer, whose checkpoints take tens of records each (chunks and a manifest), are
 * analysed by a node that is stopped mid-stream, drained or killed with SIGKILL (a node process of
 * the packaged jar), and a new node takes over from their checkpoints. The report equals that of an
 * uninterrupted run, bit for bit, with one alignment figure per step; the new node restored each
 * layer from a checkpoint of several records (before chunks, a state above 6 MiB was never
 * checkpointed and such a layer started afresh, with other figures).
 */
@Timeout(300)
class LargeStateRestartIT {
  private static final Duration WAIT = Duration.ofSeconds(150);

  /**
   * A killed consumer leaves its group when its session times out: 10 s, not Kafka's 45, so that
   * the new node gets the partitions soon (the broker's minimum is 6 s).
   */
  private static final Map<String, Object> FAST_SESSION =
      Map.of(
          "pekko.kafka.consumer.kafka-clients.session.timeout.ms", 10_000,
          "pekko.kafka.consumer.kafka-clients.heartbeat.interval.ms", 2_000);

  private static final Path JAR = Path.of("target", "fpk.jar");

  /** The uninterrupted run's layers, per shape, computed once for both ways of stopping. */
  private static final Map<String, JsonNode> REFERENCES = new HashMap<>();

  @TempDir Path tmp;

  /** A shape of layer: how its run's snapshots are made. */
  private record Shape(String name, int steps, Function<String, List<WeightSnapshot>> data) {}

  private static final Shape ENSEMBLE_64 =
      new Shape("64x64 ensemble", 12, run -> ensemble(run, 64, 16, 12));
  private static final Shape POOLED_2048 = new Shape("2048x2048 pooled", 6, run -> pooled(run, 6));

  /**
   * Checkpoint barriers 1 s apart (the default; the other restart tests take 300 ms): a 64x64
   * layer's checkpoint is tens of MB.
   */
  private static final Map<String, Object> NODE = new HashMap<>(FAST_SESSION);

  static {
    NODE.put("fpk.checkpoint.interval", "1s");
  }

  @Test
  void shouldRestoreA64x64EnsembleLayerAfterADrainedStop() throws Exception {
    interruptedRunReportsTheSame(ENSEMBLE_64, false);
  }

  @Test
  void shouldRestoreA64x64EnsembleLayerAfterTheNodeIsKilled() throws Exception {
    interruptedRunReportsTheSame(ENSEMBLE_64, true);
  }

  @Test
  void shouldRestoreA2048x2048PooledLayerAfterADrainedStop() throws Exception {
    interruptedRunReportsTheSame(POOLED_2048, false);
  }

  @Test
  void shouldRestoreA2048x2048PooledLayerAfterTheNodeIsKilled() throws Exception {
    interruptedRunReportsTheSame(POOLED_2048, true);
  }

  /** The OU snapshots of a side x side ensemble layer, step by step. */
  private static List<WeightSnapshot> ensemble(String run, int side, int replicas, int steps) {
    double[] rates = new double[side * side];
    Arrays.fill(rates, 0.03);
    OuEnsemble ou =
        new OuEnsemble(
            run,
            "wide",
            new int[] {side, side},
            rates,
            new double[side * side],
            1e-4,
            replicas,
            0.2,
            0.05,
            7);
    List<WeightSnapshot> out = new ArrayList<>();
    for (int step = 0; step <= steps; step++) {
      out.addAll(ou.snapshots());
      ou.advance();
    }
    return out;
  }

  /** One run of a 2048x2048 matrix (16 MB a step), in the chunks a trainer sends it as. */
  private static List<WeightSnapshot> pooled(String run, int steps) {
    int side = 2048;
    double[] rates = new double[side * side];
    Arrays.fill(rates, 0.02);
    OuEnsemble ou =
        new OuEnsemble(
            run,
            "big",
            new int[] {side, side},
            rates,
            new double[side * side],
            1e-4,
            1,
            0.0,
            0.3,
            5);
    List<WeightSnapshot> out = new ArrayList<>();
    for (int step = 0; step <= steps; step++) {
      WeightSnapshot whole = ou.snapshots().get(0).toBuilder().setEnsembleSize(1).build();
      out.addAll(Chunks.splitToBytes(whole, Chunks.DEFAULT_MAX_MESSAGE_BYTES));
      ou.advance();
    }
    return out;
  }

  private void interruptedRunReportsTheSame(Shape shape, boolean kill) throws Exception {
    long t0 = System.nanoTime();
    String bootstrap = TestKafka.bootstrap();
    JsonNode expected = reference(bootstrap, shape);
    double referenceSeconds = (System.nanoTime() - t0) / 1e9;

    String id = UUID.randomUUID().toString();
    long seed = System.nanoTime();
    double stopAt = 0.25 + 0.3 * new Random(seed).nextDouble();
    String run = "large-cut-" + id;
    String group = "it-large-cut-" + id;
    Streaming.startGroupAtEnd(bootstrap, group);
    Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
    List<WeightSnapshot> data = shape.data().apply(run);
    Map<TopicPartition, Long> end = Streaming.endsAfter(start, data);
    // two thirds of the steps before the stop, a step every 300 ms, so that the node is stopped
    // while it analyses; the rest after the stop: the layer has records left however fast the
    // first node is (a drained stop analyses all it has fetched)
    long lastBefore = 2L * shape.steps() / 3;
    List<WeightSnapshot> before = data.stream().filter(s -> s.getStep() <= lastBefore).toList();
    Stoppable first = kill ? nodeProcess(bootstrap, group) : inJvm(bootstrap, group);
    CompletableFuture<?> publishing =
        CompletableFuture.runAsync(
            () -> {
              try {
                Streaming.publishPaced(
                    bootstrap, before, (int) lastBefore + 1, Duration.ofMillis(300));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try {
      Streaming.awaitCommitted(bootstrap, group, start, end, stopAt, WAIT);
    } finally {
      first.stop();
    }
    double stoppedAt = Streaming.committed(bootstrap, group, start, end);
    publishing.get();
    assertEquals(
        end,
        Streaming.publish(bootstrap, data.stream().filter(s -> s.getStep() > lastBefore).toList()),
        "published where expected");
    long t1 = System.nanoTime();
    DistributionSummary restored;
    try (AnalysisNode second = Streaming.start(bootstrap, Streaming.nodeConfig(group, NODE))) {
      Streaming.awaitCommitted(bootstrap, group, start, end, 1.0, WAIT);
      restored = second.registry().find("fpk.checkpoint.restored").summary();
      assertEquals(
          0,
          second.registry().find("fpk.checkpoint.unrestorable").counters().stream()
              .mapToDouble(c -> c.count())
              .sum(),
          "no checkpoint found unusable");
    }
    double resumeSeconds = (System.nanoTime() - t1) / 1e9;
    assertTrue(restored != null && restored.count() >= 1, "the second node restored the layer");
    assertTrue(
        restored.max() > 1, "from a checkpoint of several records: " + restored.max() + " records");

    JsonNode actual = Streaming.layers(bootstrap, run);
    assertEquals(1, actual.size(), "one layer");
    for (JsonNode entry : actual.get(0).get("entries")) {
      assertEquals(
          shape.steps() + 1,
          entry.get("alignment").size(),
          "one alignment figure per step, none twice");
    }
    double diff = Streaming.maxDifference(expected, actual, "layers");
    System.out.printf(
        "%s layer after a %s (seed %d): stopped at %.1f%% committed (aimed %.1f%%), restored from"
            + " %.0f records; reference run %.1f s, second node %.1f s, test %.1f s; max relative"
            + " difference of the reports %.3g%n",
        shape.name(),
        kill ? "SIGKILL" : "drained stop",
        seed,
        100 * stoppedAt,
        100 * stopAt,
        restored.max(),
        referenceSeconds,
        resumeSeconds,
        (System.nanoTime() - t0) / 1e9,
        diff);
    assertTrue(diff <= 1e-9, "reports differ by " + diff);
  }

  /** The layers an uninterrupted node reports for this shape's data (a run of its own). */
  private static synchronized JsonNode reference(String bootstrap, Shape shape) throws Exception {
    JsonNode known = REFERENCES.get(shape.name());
    if (known != null) {
      return known;
    }
    String id = UUID.randomUUID().toString();
    String run = "large-ref-" + id;
    String group = "it-large-ref-" + id;
    Streaming.startGroupAtEnd(bootstrap, group);
    Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
    Map<TopicPartition, Long> end = Streaming.publish(bootstrap, shape.data().apply(run));
    try (AnalysisNode node = Streaming.start(bootstrap, Streaming.nodeConfig(group, NODE))) {
      Streaming.awaitCommitted(bootstrap, group, start, end, 1.0, WAIT);
    }
    JsonNode layers = Streaming.layers(bootstrap, run);
    REFERENCES.put(shape.name(), layers);
    return layers;
  }

  /** A first node that can be stopped one way. */
  @FunctionalInterface
  private interface Stoppable {
    void stop() throws Exception;
  }

  /** A node in this JVM, stopped as a drained stop does (last checkpoint, offsets committed). */
  private static Stoppable inJvm(String bootstrap, String group) {
    AnalysisNode node = Streaming.start(bootstrap, Streaming.nodeConfig(group, NODE));
    return node::close;
  }

  /**
   * A node process of the packaged jar ({@code fpk node}), stopped with SIGKILL: no drain, no last
   * checkpoint, a checkpoint write possibly cut short.
   */
  private Stoppable nodeProcess(String bootstrap, String group) throws Exception {
    assertTrue(
        Files.isRegularFile(JAR), JAR.toAbsolutePath() + " missing: the package phase builds it");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "-Djava.io.tmpdir=" + tmp,
                "-Dfpk.group=" + group));
    NODE.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-jar", JAR.toString(), "node", "--bootstrap", bootstrap));
    Path log = Files.createTempFile(tmp, "node", ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (Files.readAllLines(log).stream().noneMatch(l -> l.startsWith("node "))) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError("the node process did not come up: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return () -> {
      p.destroyForcibly(); // SIGKILL
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "killed node process gone");
      assertEquals(137, p.exitValue(), "killed by SIGKILL (128 + 9)");
    };
  }
}
