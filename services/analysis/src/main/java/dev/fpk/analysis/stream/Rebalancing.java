package dev.fpk.analysis.stream;

import dev.fpk.analysis.sharding.EntityShards;
import dev.fpk.analysis.sharding.KafkaShardAlignment;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.RestrictedConsumer;
import org.apache.pekko.kafka.javadsl.PartitionAssignmentHandler;

/**
 * Synchronously in the consumer's rebalance callbacks: notes when partitions are revoked (before
 * another node can consume them; barriers then leave their entities and offsets alone) and lets the
 * records in flight of those partitions reach their entities before the shards can be handed off;
 * holds back the first fetch of newly assigned partitions until their shards are placed here
 * ({@link KafkaShardAlignment#awaitLocations}). Each wait lasts {@link #LOCATION_WAIT} at most. The
 * callbacks must block: Kafka hands the partitions on once they return.
 */
final class Rebalancing implements PartitionAssignmentHandler {
  /**
   * Longest hold of a revocation, or of a newly assigned partition's first fetch while its shards
   * move here.
   */
  static final Duration LOCATION_WAIT = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final Map<Integer, Long> revokedAt;
  private final InFlightRecords inFlight;

  /**
   * @param revokedAt where the revocation times (System.nanoTime) go, by partition
   */
  Rebalancing(ActorSystem<?> system, Map<Integer, Long> revokedAt, InFlightRecords inFlight) {
    this.system = system;
    this.revokedAt = revokedAt;
    this.inFlight = inFlight;
  }

  @Override
  public void onRevoke(Set<TopicPartition> revoked, RestrictedConsumer consumer) {
    long now = System.nanoTime();
    revoked.forEach(tp -> revokedAt.put(tp.partition(), now));
    inFlight.awaitNone(KafkaShardAlignment.partitions(revoked), LOCATION_WAIT);
  }

  @Override
  public void onAssign(Set<TopicPartition> assigned, RestrictedConsumer consumer) {
    Set<Integer> partitions = KafkaShardAlignment.partitions(assigned);
    if (!partitions.isEmpty()
        && !KafkaShardAlignment.awaitLocations(
            system, EntityShards.TYPES, partitions, LOCATION_WAIT)) {
      system
          .log()
          .warn(
              "shards of partitions {} not placed here within {}; entities may move under the stream",
              partitions,
              LOCATION_WAIT);
    }
  }

  @Override
  public void onLost(Set<TopicPartition> lost, RestrictedConsumer consumer) {
    onRevoke(lost, consumer);
  }

  @Override
  public void onStop(Set<TopicPartition> stopped, RestrictedConsumer consumer) {}
}
