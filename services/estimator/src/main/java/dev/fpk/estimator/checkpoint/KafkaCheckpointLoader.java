package dev.fpk.estimator.checkpoint;

import dev.fpk.estimator.KafkaPartitionExtractor;
import dev.fpk.protocol.Topics;
import java.time.Duration;
import java.util.List;
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
 * key maps to, from the beginning to the end offset at the time of the call, keeping the last
 * value under its key (a tombstone clears it). Runs on the given executor (blocking Kafka calls);
 * one short-lived consumer per load, as entities start rarely.
 */
public final class KafkaCheckpointLoader implements CheckpointLoader {
  private final String bootstrapServers;
  private final String group;
  private final int partitions;
  private final Executor blocking;

  public KafkaCheckpointLoader(String bootstrapServers, String group, int partitions, Executor blocking) {
    this.bootstrapServers = bootstrapServers;
    this.group = group;
    this.partitions = partitions;
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<Optional<EntityCheckpoint>> load(String entityKey) {
    return CompletableFuture.supplyAsync(() -> read(entityKey), blocking);
  }

  private Optional<EntityCheckpoint> read(String entityKey) {
    String key = EntityCheckpoint.key(group, entityKey);
    TopicPartition tp = new TopicPartition(Topics.CHECKPOINTS, KafkaPartitionExtractor.partitionOf(entityKey, partitions));
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 << 20));
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      byte[] latest = null;
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(r.key())) {
            latest = r.value();
          }
        }
      }
      return latest == null ? Optional.empty() : Optional.of(EntityCheckpoint.decode(latest));
    }
  }
}
