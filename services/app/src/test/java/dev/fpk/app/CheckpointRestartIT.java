package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fpk.app.node.AnalysisNode;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing lost, nothing counted twice: a replay whose analysis node is stopped at a random point
 * (drained, or aborted as a killed process would be) and replaced by a new one (restoring the
 * entities from their checkpoints, resuming at the committed offsets) reports what an uninterrupted
 * replay of the same data reports. After a crash the outputs since the last checkpoint are
 * published again, with the same values; the report counts each step once.
 */
@Timeout(240)
class CheckpointRestartIT {
  static final int REPLICAS = 64;
  static final int STEPS = 200;

  private static String cut(String id) {
    return "ckpt-cut-" + id;
  }

  @Test
  void shouldReportTheSameAsAnUninterruptedRunWhenTheNodeIsStoppedAndReplacedMidStream()
      throws Exception {
    interruptedRunReportsTheSame(false);
  }

  @Test
  void shouldReportTheSameAsAnUninterruptedRunWhenTheNodeCrashesMidStream() throws Exception {
    interruptedRunReportsTheSame(true);
  }

  /**
   * Replays the same data twice, once uninterrupted and once with the analysis node stopped
   * (drained, or aborted as in a crash) at a random point and a new one started in its place.
   */
  private static void interruptedRunReportsTheSame(boolean crash) throws Exception {
    String bootstrap = TestKafka.bootstrap();
    String id = UUID.randomUUID().toString();
    long seed = System.nanoTime();
    double stopAt = 0.2 + 0.6 * new Random(seed).nextDouble();
    Duration wait = Duration.ofSeconds(120);
    String cut = cut(id);
    // layers on one partition, so that both are in the middle of their records when the node stops
    List<String> layers = Streaming.layersOnOnePartition(cut, 2, 4);

    String reference = "ckpt-ref-" + id;
    String groupRef = "it-ckpt-ref-" + id;
    Streaming.startGroupAtEnd(bootstrap, groupRef);
    Map<TopicPartition, Long> startRef = Streaming.snapshotEnds(bootstrap);
    Map<TopicPartition, Long> endRef =
        Streaming.publish(bootstrap, Streaming.ouRun(reference, layers, REPLICAS, STEPS));
    long t0 = System.nanoTime();
    try (AnalysisNode node = Streaming.start(bootstrap, Streaming.nodeConfig(groupRef, Map.of()))) {
      Streaming.awaitCommitted(bootstrap, groupRef, startRef, endRef, 1.0, wait);
    }
    double uninterruptedSeconds = (System.nanoTime() - t0) / 1e9;

    String groupCut = "it-ckpt-cut-" + id;
    Streaming.startGroupAtEnd(bootstrap, groupCut);
    Map<TopicPartition, Long> startCut = Streaming.snapshotEnds(bootstrap);
    List<WeightSnapshot> data = Streaming.ouRun(cut, layers, REPLICAS, STEPS);
    Map<TopicPartition, Long> endCut = Streaming.endsAfter(startCut, data);
    AnalysisNode first = Streaming.start(bootstrap, Streaming.nodeConfig(groupCut, Map.of()));
    // published while the node runs, over a few seconds: data published up front can be analysed
    // (and drained) to the end before the node is stopped
    CompletableFuture<Map<TopicPartition, Long>> publishing =
        Streaming.publishingPaced(bootstrap, data, STEPS, Duration.ofMillis(20));
    try {
      Streaming.awaitCommitted(bootstrap, groupCut, startCut, endCut, stopAt, wait);
    } finally {
      if (crash) {
        first.abort();
      } else {
        first.close();
      }
    }
    double stoppedAt = Streaming.committed(bootstrap, groupCut, startCut, endCut);
    assertEquals(endCut, publishing.get(), "published where expected");
    assertTrue(
        stoppedAt < 1.0, "the first node finished before it could be stopped (" + stoppedAt + ")");
    long t1 = System.nanoTime();
    try (AnalysisNode second =
        Streaming.start(bootstrap, Streaming.nodeConfig(groupCut, Map.of()))) {
      Streaming.awaitCommitted(bootstrap, groupCut, startCut, endCut, 1.0, wait);
    }
    double resumeSeconds = (System.nanoTime() - t1) / 1e9;

    JsonNode expected = Streaming.layers(bootstrap, reference);
    JsonNode actual = Streaming.layers(bootstrap, cut);
    assertEquals(layers.size(), expected.size(), "layers in the reference report");
    for (JsonNode layer : actual) {
      for (JsonNode entry : layer.get("entries")) {
        assertEquals(
            STEPS + 1, entry.get("alignment").size(), "one alignment figure per step, none twice");
      }
      // the runs carry probe inputs: the seeded output comparisons must come out the same too
      assertEquals(
          STEPS + 1, layer.get("outputs").size(), "one output comparison per step, none twice");
    }
    double diff = Streaming.maxDifference(expected, actual, "layers");
    System.out.printf(
        "checkpoint restart after a %s (seed %d): stopped at %.1f%% committed (aimed %.1f%%), uninterrupted"
            + " run %.1f s, second node %.1f s; max relative difference of the reports %.3g%n",
        crash ? "crash" : "drained stop",
        seed,
        100 * stoppedAt,
        100 * stopAt,
        uninterruptedSeconds,
        resumeSeconds,
        diff);
    assertTrue(diff <= 1e-9, "reports differ by " + diff);
  }
}
