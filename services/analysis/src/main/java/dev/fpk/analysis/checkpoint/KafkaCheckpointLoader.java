package dev.fpk.analysis.checkpoint;

import dev.fpk.analysis.sharding.KafkaPartitionExtractor;
import dev.fpk.estimator.checkpoint.CheckpointLoader;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
import dev.fpk.protocol.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads an entity's latest checkpoint from the compacted checkpoint topic: the one partition its
 * key maps to, from the beginning to the end offset at the time of the read, keeping the last value
 * under its key (a tombstone clears it). Runs on the given executor (blocking Kafka calls).
 * Entities that start together (a shard moving, a node restarting) share one read of their
 * partition: loads asked for before a read of that partition begins are all answered by it, so no
 * load is answered from a read older than itself.
 */
public final class KafkaCheckpointLoader implements CheckpointLoader {
  private final Properties client;
  private final String group;
  private final int partitions;
  private final Executor blocking;

  /** Loads waiting for the next read of their partition, by partition; guarded by itself. */
  private final Map<Integer, Map<String, CompletableFuture<Optional<EntityCheckpoint>>>> waiting =
      new HashMap<>();

  /**
   * @param client Kafka client properties: bootstrap servers and any security settings
   */
  public KafkaCheckpointLoader(Properties client, String group, int partitions, Executor blocking) {
    this.client = (Properties) client.clone();
    this.group = group;
    this.partitions = partitions;
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<Optional<EntityCheckpoint>> load(String entityKey) {
    int partition = KafkaPartitionExtractor.partitionOf(entityKey, partitions);
    String key = EntityCheckpoint.key(group, entityKey);
    synchronized (waiting) {
      Map<String, CompletableFuture<Optional<EntityCheckpoint>>> loads = waiting.get(partition);
      if (loads != null) {
        return loads.computeIfAbsent(key, k -> new CompletableFuture<>());
      }
      loads = new HashMap<>();
      CompletableFuture<Optional<EntityCheckpoint>> load = new CompletableFuture<>();
      loads.put(key, load);
      waiting.put(partition, loads);
      blocking.execute(() -> read(partition));
      return load;
    }
  }

  /** Takes every load waiting for this partition, then reads it once for all of them. */
  private void read(int partition) {
    Map<String, CompletableFuture<Optional<EntityCheckpoint>>> loads;
    synchronized (waiting) {
      loads = waiting.remove(partition);
    }
    try {
      Map<String, byte[]> latest = readPartition(partition, loads.keySet());
      loads.forEach(
          (key, load) ->
              load.complete(Optional.ofNullable(latest.get(key)).map(EntityCheckpoint::decode)));
    } catch (RuntimeException e) {
      loads.values().forEach(load -> load.completeExceptionally(e));
    }
  }

  private Map<String, byte[]> readPartition(int partition, java.util.Set<String> keys) {
    TopicPartition tp = new TopicPartition(Topics.CHECKPOINTS, partition);
    Properties p = (Properties) client.clone();
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 << 20));
    Map<String, byte[]> latest = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (keys.contains(r.key())) {
            latest.put(r.key(), r.value()); // a tombstone (null) clears it
          }
        }
      }
    }
    return latest;
  }
}
