package dev.fpk.analysis.sharding;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Shard id = the Kafka partition of the entity id used as a record key, computed as Kafka's default
 * partitioner does ({@code toPositive(murmur2(key)) % partitions}). Entities of one partition thus
 * form one shard, which lives where that partition is consumed.
 */
public final class KafkaPartitionExtractor<M>
    extends ShardingMessageExtractor<ShardingEnvelope<M>, M> {
  private final int partitions;

  public KafkaPartitionExtractor(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions = " + partitions + ": must be >= 1");
    }
    this.partitions = partitions;
  }

  /** The partition Kafka's default partitioner gives a record with this key. */
  public static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Override
  public String entityId(ShardingEnvelope<M> envelope) {
    return envelope.entityId();
  }

  @Override
  public String shardId(String entityId) {
    return Integer.toString(partitionOf(entityId, partitions));
  }

  @Override
  public M unwrapMessage(ShardingEnvelope<M> envelope) {
    return envelope.message();
  }
}
