package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import dev.fpk.analysis.sharding.KafkaPartitionExtractor;
import dev.fpk.app.broker.EmbeddedKafka;
import dev.fpk.app.node.AnalysisNode;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two analysis nodes of one Pekko cluster on 127.0.0.1 consume an 8-partition snapshot topic: the
 * entities spread over both (each where its partition is consumed); one node is stopped mid-stream;
 * its entities come back on the survivor from their checkpoints, and the final report equals that
 * of a single node; likewise when a second node joins mid-stream (partitions and shards move under
 * the running stream). The run's second half is published only after the stop (or once the joining
 * node consumes), so the moving entities always have records left, however fast the machine: the
 * tests assert that they moved. A broker of its own: the topic names are fixed and the shared test
 * broker's snapshot topic has 4 partitions.
 */
@Timeout(300)
class TwoNodeFailoverIT {
  static final int PARTITIONS = 8;
  static final int REPLICAS = 16;
  static final int STEPS = 120;
  static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void
      shouldSpreadEntitiesOverTwoNodesAndMoveTheStoppedNodesEntitiesToTheSurvivorFromTheirCheckpoints()
          throws Exception {
    try (EmbeddedKafka broker = Streaming.brokerWithTopics(PARTITIONS)) {
      String bootstrap = broker.bootstrapServers();
      String id = UUID.randomUUID().toString();
      String run = "two-nodes-" + id;
      String single = "one-node-" + id;
      List<String> layers = layersOnEveryPartition(run);

      singleNode(bootstrap, single, layers);

      String group = "it-two-nodes-" + id;
      Streaming.startGroupAtEnd(bootstrap, group);
      int portA = Streaming.freePort();
      int portB = Streaming.freePort();
      long t0 = System.nanoTime();
      AnalysisNode a = Streaming.start(bootstrap, clusterConfig(group, portA, portA));
      AnalysisNode b = Streaming.start(bootstrap, clusterConfig(group, portB, portA));
      try {
        await("two members Up", () -> up(a.system()) == 2 && up(b.system()) == 2);
        await("both consumers assigned", () -> assignedMembers(bootstrap, group) == 2);
        double formSeconds = (System.nanoTime() - t0) / 1e9;

        // the first half of the steps before the stop, the second after it: B leaves with records
        // of its own to come
        Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
        List<WeightSnapshot> data = Streaming.ouRun(run, layers, REPLICAS, STEPS);
        Map<TopicPartition, Long> end = Streaming.endsAfter(start, data);
        Streaming.publish(bootstrap, firstHalf(data));
        Streaming.awaitCommitted(bootstrap, group, start, end, 0.25, WAIT);
        // the committed share is over all partitions: one node may be that far on its own while the
        // other still starts its shards (seen under a loaded CI), so wait for entities on both
        await(
            "entities on both nodes",
            () -> entitiesOrNone(a.system()) > 0 && entitiesOrNone(b.system()) > 0);
        int onA = entities(a.system());
        int onB = entities(b.system());

        long t1 = System.nanoTime();
        double stoppedAt = Streaming.committed(bootstrap, group, start, end);
        List<String> onBAtStop = entityIds(b.system());
        b.close();
        List<String> unfinished = unfinished(bootstrap, group, run, layers, end);
        double leaveSeconds = (System.nanoTime() - t1) / 1e9;
        assertEquals(
            end, Streaming.publish(bootstrap, secondHalf(data)), "published where expected");
        Streaming.awaitCommitted(bootstrap, group, start, end, 1.0, WAIT);
        double takeoverSeconds = (System.nanoTime() - t1) / 1e9;
        List<String> onAAtEnd = entityIds(a.system());
        for (String key : onBAtStop) {
          if (unfinished.contains(key)) {
            assertTrue(
                onAAtEnd.contains(key), key + " was on B with records left; now on A: " + onAAtEnd);
          }
        }
        long moved = onBAtStop.stream().filter(unfinished::contains).count();
        assertTrue(
            stoppedAt < 1.0,
            "B stopped mid-stream, not after the end (" + stoppedAt + " committed)");
        assertEquals(
            onBAtStop.size(),
            moved,
            "every entity of B had records left and moved to A: B had "
                + onBAtStop
                + ", unfinished "
                + unfinished);

        JsonNode expected = Streaming.layers(bootstrap, single);
        JsonNode actual = Streaming.layers(bootstrap, run);
        assertEquals(layers.size(), actual.size());
        for (JsonNode layer : actual) {
          for (JsonNode entry : layer.get("entries")) {
            assertEquals(
                STEPS + 1,
                entry.get("alignment").size(),
                "one alignment figure per step, none twice");
          }
        }
        double diff = Streaming.maxDifference(expected, actual, "layers");
        System.out.printf(
            "two nodes: cluster and group formed in %.1f s; entities %d on A, %d on B; B stopped at %.1f%%"
                + " committed, left in %.1f s, %d of its entities with records left moved to A, survivor done %.1f s after"
                + " the stop; max relative difference to one node %.3g%n",
            formSeconds, onA, onB, 100 * stoppedAt, leaveSeconds, moved, takeoverSeconds, diff);
        assertTrue(diff <= 1e-9, "reports differ by " + diff);
      } finally {
        b.close();
        a.close();
      }
    }
  }

  @Test
  void shouldReportTheSameAsOneNodeWhenASecondNodeJoinsMidStream() throws Exception {
    try (EmbeddedKafka broker = Streaming.brokerWithTopics(PARTITIONS)) {
      String bootstrap = broker.bootstrapServers();
      String id = UUID.randomUUID().toString();
      String run = "joined-" + id;
      String single = "alone-" + id;
      List<String> layers = layersOnEveryPartition(run);
      singleNode(bootstrap, single, layers);

      String group = "it-join-" + id;
      Streaming.startGroupAtEnd(bootstrap, group);
      int portA = Streaming.freePort();
      int portB = Streaming.freePort();
      AnalysisNode a = Streaming.start(bootstrap, clusterConfig(group, portA, portA));
      AnalysisNode b = null;
      try {
        await("A consuming", () -> assignedMembers(bootstrap, group) == 1);
        // the first half of the steps before B joins, the second once B consumes: B must get
        // records of its own
        Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
        List<WeightSnapshot> data = Streaming.ouRun(run, layers, REPLICAS, STEPS);
        Map<TopicPartition, Long> end = Streaming.endsAfter(start, data);
        Streaming.publish(bootstrap, firstHalf(data));
        Streaming.awaitCommitted(bootstrap, group, start, end, 0.25, WAIT);
        double joinedAt = Streaming.committed(bootstrap, group, start, end);
        long t0 = System.nanoTime();
        b = Streaming.start(bootstrap, clusterConfig(group, portB, portA));
        AnalysisNode joined = b;
        await("two members Up", () -> up(a.system()) == 2 && up(joined.system()) == 2);
        await("both consumers assigned", () -> assignedMembers(bootstrap, group) == 2);
        assertEquals(
            end, Streaming.publish(bootstrap, secondHalf(data)), "published where expected");
        Streaming.awaitCommitted(bootstrap, group, start, end, 1.0, WAIT);
        double doneSeconds = (System.nanoTime() - t0) / 1e9;
        int onB = entities(b.system());
        assertTrue(
            joinedAt < 1.0, "B joined mid-stream, not after the end (" + joinedAt + " committed)");
        assertTrue(onB > 0, "B owned entities after joining (a one-node run otherwise)");

        JsonNode expected = Streaming.layers(bootstrap, single);
        JsonNode actual = Streaming.layers(bootstrap, run);
        for (JsonNode layer : actual) {
          for (JsonNode entry : layer.get("entries")) {
            assertEquals(STEPS + 1, entry.get("alignment").size(), "one alignment figure per step");
          }
        }
        double diff = Streaming.maxDifference(expected, actual, "layers");
        System.out.printf(
            "node joining: B joined at %.1f%% committed, %d entities on B at the end, done %.1f s after the"
                + " join; max relative difference to one node %.3g%n",
            100 * joinedAt, onB, doneSeconds, diff);
        assertTrue(diff <= 1e-9, "reports differ by " + diff);
      } finally {
        if (b != null) {
          b.close();
        }
        a.close();
      }
    }
  }

  /** The reference: one node analyses the same data (a run of its own) to the end. */
  private static void singleNode(String bootstrap, String run, List<String> layers)
      throws Exception {
    Clusters.analyseAlone(
        bootstrap, Streaming.ouRun(run, layers, REPLICAS, STEPS), PARTITIONS, WAIT);
  }

  /** The snapshots of steps 0 to STEPS / 2, in order. */
  private static List<WeightSnapshot> firstHalf(List<WeightSnapshot> data) {
    return data.stream().filter(s -> s.getStep() <= STEPS / 2).toList();
  }

  /** The snapshots of the steps after STEPS / 2, in order. */
  private static List<WeightSnapshot> secondHalf(List<WeightSnapshot> data) {
    return data.stream().filter(s -> s.getStep() > STEPS / 2).toList();
  }

  private static List<String> layersOnEveryPartition(String run) {
    return Clusters.layersOnEveryPartition(run, PARTITIONS);
  }

  private static Config clusterConfig(String group, int port, int seedPort) {
    return Clusters.nodeConfig(group, PARTITIONS, port, seedPort);
  }

  private static long up(ActorSystem<?> system) {
    return Clusters.up(system);
  }

  private static int assignedMembers(String bootstrap, String group) {
    return Clusters.assignedMembers(bootstrap, group);
  }

  /** Keys of the run whose partition the group has not committed to the end. */
  private static List<String> unfinished(
      String bootstrap,
      String group,
      String run,
      List<String> layers,
      Map<TopicPartition, Long> end)
      throws Exception {
    try (Admin admin = Streaming.admin(bootstrap)) {
      var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      List<String> out = new ArrayList<>();
      for (String layer : layers) {
        String key = SnapshotKey.of(run, layer);
        TopicPartition tp =
            new TopicPartition(
                dev.fpk.protocol.Topics.SNAPSHOTS,
                KafkaPartitionExtractor.partitionOf(key, PARTITIONS));
        var c = committed.get(tp);
        if (c == null || c.offset() < end.get(tp)) {
          out.add(key);
        }
      }
      return out;
    }
  }

  private static int entities(ActorSystem<?> system) throws Exception {
    return entityIds(system).size();
  }

  /** The node's entity count, or 0 while its sharding cannot answer yet. */
  private static int entitiesOrNone(ActorSystem<?> system) {
    try {
      return entities(system);
    } catch (Exception e) {
      return 0;
    }
  }

  private static List<String> entityIds(ActorSystem<?> system) throws Exception {
    return Clusters.entityIds(system);
  }

  private static void await(String what, BooleanSupplier condition) throws Exception {
    Clusters.await(what, condition, WAIT);
  }
}
