package dev.fpk.app;

import com.typesafe.config.Config;
import dev.fpk.analysis.sharding.KafkaPartitionExtractor;
import dev.fpk.app.node.AnalysisNode;
import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * What the tests of several analysis nodes in one JVM share: their config, membership, assignment,
 * entities.
 */
final class Clusters {
  private Clusters() {}

  /**
   * Config of a node of a Pekko cluster on 127.0.0.1 (seed at seedPort) in the given consumer
   * group.
   */
  static Config nodeConfig(String group, int partitions, int port, int seedPort) {
    // small fetches, so that the partitions advance together and a node stopped holds work on each
    return Streaming.nodeConfig(
        group,
        Map.of(
            "fpk.partitions",
            partitions,
            "pekko.remote.artery.canonical.port",
            port,
            "fpk.seed-nodes",
            "127.0.0.1:" + seedPort,
            "pekko.kafka.consumer.kafka-clients.max.partition.fetch.bytes",
            16384));
  }

  /**
   * The reference an interrupted run is compared with: one node in this JVM, in a group of its own,
   * analyses these snapshots (published now, a run of their own) to the end.
   */
  static void analyseAlone(
      String bootstrap, List<WeightSnapshot> data, int partitions, Duration timeout)
      throws Exception {
    String group = "it-alone-" + UUID.randomUUID();
    Streaming.startGroupAtEnd(bootstrap, group);
    Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
    Map<TopicPartition, Long> end = Streaming.publish(bootstrap, data);
    try (AnalysisNode node =
        Streaming.start(
            bootstrap, Streaming.nodeConfig(group, Map.of("fpk.partitions", partitions)))) {
      Streaming.awaitCommitted(bootstrap, group, start, end, 1.0, timeout);
    }
  }

  /** One layer name per partition for this run's keys. */
  static List<String> layersOnEveryPartition(String run, int partitions) {
    String[] byPartition = new String[partitions];
    int found = 0;
    for (int i = 0; found < partitions; i++) {
      int p = KafkaPartitionExtractor.partitionOf(SnapshotKey.of(run, "w" + i), partitions);
      if (byPartition[p] == null) {
        byPartition[p] = "w" + i;
        found++;
      }
    }
    return new ArrayList<>(List.of(byPartition));
  }

  /** Members this node sees Up. */
  static long up(ActorSystem<?> system) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  /**
   * Members of the consumer group with partitions assigned (0 if the group cannot be described
   * now).
   */
  static int assignedMembers(String bootstrap, String group) {
    try (Admin admin = Streaming.admin(bootstrap)) {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      return (int)
          d.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
    } catch (Exception e) {
      return 0;
    }
  }

  /** Each member of the consumer group (by member id) with the partitions assigned to it. */
  static Map<String, Set<TopicPartition>> assignment(String bootstrap, String group)
      throws Exception {
    try (Admin admin = Streaming.admin(bootstrap)) {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      Map<String, Set<TopicPartition>> out = new TreeMap<>();
      d.members().forEach(m -> out.put(m.consumerId(), m.assignment().topicPartitions()));
      return out;
    }
  }

  /** Whether the group has committed every one of these partitions up to its offset. */
  static boolean committedTo(String bootstrap, String group, Map<TopicPartition, Long> ends)
      throws Exception {
    try (Admin admin = Streaming.admin(bootstrap)) {
      Map<TopicPartition, OffsetAndMetadata> c =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return ends.entrySet().stream()
          .allMatch(e -> c.get(e.getKey()) != null && c.get(e.getKey()).offset() >= e.getValue());
    }
  }

  /** Estimator entities this node hosts now. */
  static List<String> entityIds(ActorSystem<?> system) throws Exception {
    ShardRegion.CurrentShardRegionState state =
        AskPattern
            .<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
                ShardRegion.CurrentShardRegionState>
                ask(
                    ClusterSharding.get(system).shardState(),
                    replyTo -> new GetShardRegionState(EstimatorEntity.TYPE_KEY, replyTo),
                    Duration.ofSeconds(5),
                    system.scheduler())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return state.getShards().stream().flatMap(s -> s.getEntityIds().stream()).sorted().toList();
  }

  static void await(String what, BooleanSupplier condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
