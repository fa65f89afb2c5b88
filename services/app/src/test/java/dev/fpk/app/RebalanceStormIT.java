package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fpk.app.broker.EmbeddedKafka;
import dev.fpk.app.node.AnalysisNode;
import dev.fpk.protocol.v1.WeightSnapshot;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rebalance storm: during a replay, while one node keeps the cluster's seed, other nodes join and
 * leave again and again (partitions and shards move under the running stream each time). At the end
 * nothing is lost and nothing counted twice: the report equals the single-node report, no snapshot
 * was counted as a duplicate or late, and each entry has one alignment figure per step.
 *
 * <p>{@code FPK_STORM_CYCLES} (default 3) sets how many join-and-leave cycles run; the CI run takes
 * one to two minutes, {@code services/app/src/test/scripts/rebalance-storm.sh} runs a long one.
 */
@Timeout(600)
class RebalanceStormIT {
  static final int PARTITIONS = 8;
  static final int REPLICAS = 16;
  static final Duration WAIT = Duration.ofSeconds(120);
  static final int CYCLES = Integer.parseInt(System.getenv().getOrDefault("FPK_STORM_CYCLES", "3"));
  // enough steps that the stream still runs when the last cycle ends
  static final int STEPS = 100 * Math.max(2, CYCLES);
  // a cycle lasts 5-10 s (joins, a stay of 1-4 s, drained leaves): the run is published over about
  // 10 s a cycle, so every cycle falls inside it
  static final Duration STEP_EVERY = Duration.ofMillis(100);

  @Test
  void shouldReportTheSameAsOneNodeWhileNodesJoinAndLeaveRepeatedly() throws Exception {
    try (EmbeddedKafka broker = Streaming.brokerWithTopics(PARTITIONS)) {
      String bootstrap = broker.bootstrapServers();
      String id = UUID.randomUUID().toString();
      String run = "storm-" + id;
      String single = "calm-" + id;
      List<String> layers = Clusters.layersOnEveryPartition(run, PARTITIONS);
      long seed = System.nanoTime();
      SplittableRandom random = new SplittableRandom(seed);

      String calmGroup = "it-calm-" + id;
      Streaming.startGroupAtEnd(bootstrap, calmGroup);
      Map<TopicPartition, Long> calmStart = Streaming.snapshotEnds(bootstrap);
      Map<TopicPartition, Long> calmEnd =
          Streaming.publish(bootstrap, Streaming.ouRun(single, layers, REPLICAS, STEPS));
      try (AnalysisNode node =
          Streaming.start(
              bootstrap, Streaming.nodeConfig(calmGroup, Map.of("fpk.partitions", PARTITIONS)))) {
        Streaming.awaitCommitted(bootstrap, calmGroup, calmStart, calmEnd, 1.0, WAIT);
      }

      String group = "it-storm-" + id;
      Streaming.startGroupAtEnd(bootstrap, group);
      int seedPort = Streaming.freePort();
      List<AnalysisNode> nodes = new ArrayList<>();
      AnalysisNode anchor =
          Streaming.start(bootstrap, Clusters.nodeConfig(group, PARTITIONS, seedPort, seedPort));
      nodes.add(anchor);
      try {
        Clusters.await(
            "the anchor consuming", () -> Clusters.assignedMembers(bootstrap, group) == 1, WAIT);
        Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
        List<WeightSnapshot> data = Streaming.ouRun(run, layers, REPLICAS, STEPS);
        Map<TopicPartition, Long> end = Streaming.endsAfter(start, data);
        // published step by step while the nodes come and go: a run published up front can be
        // analysed to its end within the first cycle
        CompletableFuture<Map<TopicPartition, Long>> publishing =
            Streaming.publishingPaced(bootstrap, data, STEPS + 1, STEP_EVERY);
        List<String> cycles = new ArrayList<>();
        for (int c = 0; c < CYCLES; c++) {
          double at = Streaming.committed(bootstrap, group, start, end);
          if (at >= 1.0) {
            break;
          }
          // one or two nodes join, stay a random while, and leave (drained) again
          int joining = 1 + random.nextInt(2);
          List<AnalysisNode> guests = new ArrayList<>();
          for (int g = 0; g < joining; g++) {
            AnalysisNode guest =
                Streaming.start(
                    bootstrap,
                    Clusters.nodeConfig(group, PARTITIONS, Streaming.freePort(), seedPort));
            nodes.add(guest);
            guests.add(guest);
          }
          Clusters.await(
              joining + " guests Up", () -> Clusters.up(anchor.system()) == 1 + joining, WAIT);
          long stay = 1_000 + random.nextInt(3_000);
          Thread.sleep(stay);
          for (AnalysisNode guest : guests) {
            guest.close();
          }
          Clusters.await("guests gone", () -> Clusters.up(anchor.system()) == 1, WAIT);
          cycles.add(
              String.format(
                  "%d joined at %.0f%%, stayed %d ms, left at %.0f%%",
                  joining,
                  100 * at,
                  stay,
                  100 * Streaming.committed(bootstrap, group, start, end)));
        }
        assertEquals(end, publishing.get(), "published where expected");
        Streaming.awaitCommitted(bootstrap, group, start, end, 1.0, WAIT);

        JsonNode expected = Streaming.layers(bootstrap, single);
        JsonNode actual = Streaming.layers(bootstrap, run);
        assertEquals(layers.size(), actual.size(), "layers in the report");
        // the report thins long histories (ReportCollector.MAX_HISTORY): steps rising to the last,
        // none twice
        for (JsonNode layer : actual) {
          for (JsonNode entry : layer.get("entries")) {
            long previous = -1;
            for (JsonNode point : entry.get("alignment")) {
              assertTrue(
                  point.get("step").asLong() > previous,
                  "alignment steps rise, none twice: " + entry.get("alignment"));
              previous = point.get("step").asLong();
            }
            assertEquals(STEPS, previous, "the last step analysed");
          }
        }
        printOutputDifferences(expected, actual);
        double duplicates = count(nodes, "fpk.snapshots.duplicate", run);
        double late = count(nodes, "fpk.snapshots.late", run);
        System.out.printf(
            "rebalance storm (seed %d): %d cycles [%s]; %d nodes started; duplicates %.0f, late %.0f,"
                + " replayed after hand-offs %.0f%n",
            seed,
            cycles.size(),
            String.join("; ", cycles),
            nodes.size(),
            duplicates,
            late,
            count(nodes, "fpk.snapshots.replayed", run));
        assertTrue(
            cycles.size() >= Math.min(CYCLES, 2), "the storm ran while the replay did: " + cycles);
        // the counters first: a late or duplicate snapshot is the cause of any report difference,
        // and says so
        assertEquals(0, duplicates, "no snapshot was fed twice to an estimator");
        assertEquals(0, late, "no snapshot arrived behind its step's watermark");
        double diff = Streaming.maxDifference(expected, actual, "layers");
        System.out.printf("rebalance storm: max relative difference to one node %.3g%n", diff);
        assertTrue(diff <= 1e-9, "reports differ by " + diff);
      } finally {
        for (AnalysisNode n : nodes) {
          n.close();
        }
      }
    }
  }

  /**
   * Where a layer's output comparisons differ from one node's: the steps each has (for a failure's
   * diagnosis).
   */
  private static void printOutputDifferences(JsonNode expected, JsonNode actual) {
    for (int l = 0; l < Math.min(expected.size(), actual.size()); l++) {
      List<String> one = expected.get(l).path("outputs").findValuesAsText("step");
      List<String> storm = actual.get(l).path("outputs").findValuesAsText("step");
      if (!one.equals(storm)) {
        System.out.printf(
            "rebalance storm: layer %s output comparisons at steps %s (one node) vs %s (storm)%n",
            actual.get(l).path("layer").asText(), one, storm);
      }
    }
  }

  /** A counter of the run summed over every node that ran (a node's registry outlives it). */
  private static double count(List<AnalysisNode> nodes, String name, String run) {
    return nodes.stream()
        .flatMap(n -> n.registry().find(name).tag("run", run).counters().stream())
        .mapToDouble(Counter::count)
        .sum();
  }
}
