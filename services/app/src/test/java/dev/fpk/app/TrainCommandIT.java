package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code fpk train --bootstrap ...} publishes every snapshot it promises, and only those. */
@Timeout(120)
class TrainCommandIT {
  private static final int REPLICAS = 3;
  private static final int STEPS = 20;
  private static final int EVERY = 5;
  private static final List<String> LAYERS = List.of("bottleneck", "enc2");

  @Test
  void shouldPublishOneSnapshotPerReplicaLayerAndPublishedStep() throws Exception {
    String runId = "train-it-" + UUID.randomUUID();
    String bootstrap = TestKafka.bootstrap();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit =
          Fpk.commandLine()
              .execute(
                  "train",
                  "--bootstrap",
                  bootstrap,
                  "--replicas",
                  "" + REPLICAS,
                  "--steps",
                  "" + STEPS,
                  "--every",
                  "" + EVERY,
                  "--layers",
                  String.join(",", LAYERS),
                  "--run-id",
                  runId,
                  "--seed",
                  "7",
                  "--lr",
                  "0.05",
                  "--batch",
                  "16",
                  "--optimizer",
                  "momentum",
                  "--quiet");
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.println(out);
    assertEquals(0, exit, out);

    int expected = (STEPS / EVERY + 1) * REPLICAS * LAYERS.size();
    assertTrue(
        out.contains(
            "done: step " + STEPS + "/" + STEPS + "  " + expected + " snapshots published"),
        out);
    List<WeightSnapshot> received = snapshotsOf(bootstrap, runId, expected);
    assertEquals(expected, received.size(), "(T/N + 1) x R x layers snapshots");

    Set<String> distinct = new TreeSet<>();
    for (WeightSnapshot s : received) {
      distinct.add(s.getReplica() + "/" + s.getStep() + "/" + s.getLayer());
      assertEquals(
          0, s.getStep() % EVERY, "published only every " + EVERY + " steps: " + s.getStep());
      assertEquals(0.05, s.getLearningRate());
      assertEquals(16, s.getBatchSize());
      assertEquals("momentum", s.getOptimizer());
      assertEquals(7 + s.getReplica(), s.getSeed());
      assertEquals(REPLICAS, s.getEnsembleSize());
    }
    assertEquals(expected, distinct.size(), "no duplicates: " + distinct);
    assertTrue(received.stream().anyMatch(s -> s.getStep() == STEPS), "the last step is published");
  }

  @Test
  void shouldResumeARestartedRunWhereItStoppedWithTheSnapshotsAnUninterruptedRunPublishes()
      throws Exception {
    String bootstrap = TestKafka.bootstrap();
    String resumed = "resume-it-" + UUID.randomUUID();
    String whole = "whole-it-" + UUID.randomUUID();
    assertEquals(0, train(bootstrap, resumed, 10, "7"), "first part");
    String second = captureTrain(bootstrap, resumed, STEPS, "7");
    assertTrue(
        second.contains("is published to step 10") && second.contains("resuming there"), second);
    assertEquals(0, train(bootstrap, whole, STEPS, "7"), "uninterrupted");

    int perStep = REPLICAS * LAYERS.size();
    List<WeightSnapshot> a = snapshotsOf(bootstrap, resumed, (STEPS / EVERY + 2) * perStep);
    List<WeightSnapshot> b = snapshotsOf(bootstrap, whole, (STEPS / EVERY + 1) * perStep);
    assertEquals(
        (STEPS / EVERY + 2) * perStep,
        a.size(),
        "step 10 published again after the restart, the rest once");
    for (WeightSnapshot s : b) {
      WeightSnapshot twin =
          a.stream()
              .filter(
                  x ->
                      x.getStep() == s.getStep()
                          && x.getReplica() == s.getReplica()
                          && x.getLayer().equals(s.getLayer()))
              .findFirst()
              .orElseThrow();
      assertEquals(
          s.getValuesList(), twin.getValuesList(), "bit-identical weights at step " + s.getStep());
    }
    String refused = captureTrain(bootstrap, resumed, STEPS + 10, "8");
    assertTrue(refused.contains("cannot be resumed") && refused.contains("new --run-id"), refused);
  }

  private static int train(String bootstrap, String runId, int steps, String seed) {
    return Fpk.commandLine().execute(args(bootstrap, runId, steps, seed));
  }

  private static String captureTrain(String bootstrap, String runId, int steps, String seed) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    try {
      Fpk.commandLine()
          .setErr(new java.io.PrintWriter(capture, true))
          .execute(args(bootstrap, runId, steps, seed));
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private static String[] args(String bootstrap, String runId, int steps, String seed) {
    return new String[] {
      "train",
      "--bootstrap",
      bootstrap,
      "--replicas",
      "" + REPLICAS,
      "--steps",
      "" + steps,
      "--every",
      "" + EVERY,
      "--layers",
      String.join(",", LAYERS),
      "--run-id",
      runId,
      "--seed",
      seed,
      "--quiet"
    };
  }

  /**
   * Reads the snapshot topic from the start until {@code expected} of the run's snapshots arrived,
   * then 2 s more.
   */
  private static List<WeightSnapshot> snapshotsOf(String bootstrap, String runId, int expected)
      throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "train-it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<WeightSnapshot> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.SNAPSHOTS));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (SnapshotKey.parse(r.key()).runId().equals(runId)) {
            out.add(WeightSnapshot.parseFrom(r.value()));
          }
        }
        if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    }
    return out;
  }
}
