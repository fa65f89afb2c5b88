package dev.fpk.analysis.checkpoint;

import dev.fpk.analysis.sharding.KafkaPartitionExtractor;
import dev.fpk.estimator.checkpoint.CheckpointChunks;
import dev.fpk.estimator.checkpoint.CheckpointLoader;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
import dev.fpk.protocol.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an entity's latest checkpoint from the compacted checkpoint topic: the one partition its
 * key maps to, from the beginning to the end offset at the time of the read, keeping the last value
 * under each key of the entity's records (a tombstone clears it), and reassembles the checkpoint
 * from its manifest and chunks ({@link CheckpointChunks}). A checkpoint found incomplete or corrupt
 * is not used: the entity starts from scratch, logged as an error and counted (a write cut short
 * before its manifest is not such a case: the previous manifest is then the latest, and its chunks
 * are all there). The chunks found are noted in {@link StoredChunks}, for the writer to delete
 * after the entity's next manifest. Runs on the given executor (blocking Kafka calls). Entities
 * that start together (a shard moving, a node restarting) share one read of their partition: loads
 * asked for before a read of that partition begins are all answered by it, so no load is answered
 * from a read older than itself.
 */
public final class KafkaCheckpointLoader implements CheckpointLoader {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCheckpointLoader.class);
  private final Properties client;
  private final String group;
  private final int partitions;
  private final Executor blocking;
  private final StoredChunks stored;
  private final RestoreMeters meters;

  /** Loads waiting for the next read of their partition, by partition; guarded by itself. */
  private final Map<Integer, Map<String, CompletableFuture<Optional<EntityCheckpoint>>>> waiting =
      new HashMap<>();

  /**
   * @param client Kafka client properties: bootstrap servers and any security settings
   * @param stored where the chunks found are noted (the node's, shared with its streams)
   * @param meters counts restores and checkpoints found incomplete or corrupt
   */
  public KafkaCheckpointLoader(
      Properties client,
      String group,
      int partitions,
      Executor blocking,
      StoredChunks stored,
      RestoreMeters meters) {
    this.client = (Properties) client.clone();
    this.group = group;
    this.partitions = partitions;
    this.blocking = blocking;
    this.stored = stored;
    this.meters = meters;
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
      Map<String, Map<String, byte[]>> latest = readPartition(partition, loads.keySet());
      loads.forEach((key, load) -> load.complete(restore(key, latest.getOrDefault(key, Map.of()))));
    } catch (RuntimeException e) {
      loads.values().forEach(load -> load.completeExceptionally(e));
    }
  }

  /** The checkpoint of one entity from the latest values of its records, if whole. */
  private Optional<EntityCheckpoint> restore(String recordKey, Map<String, byte[]> records) {
    Set<String> chunks = new HashSet<>(records.keySet());
    chunks.remove(recordKey);
    stored.found(recordKey, chunks);
    CheckpointChunks.Restored restored = CheckpointChunks.read(recordKey, records);
    if (restored instanceof CheckpointChunks.Restored.Whole whole) {
      meters.checkpointRestored(whole.chunks(), whole.checkpoint().size());
      LOG.info(
          "{}: checkpoint {} read whole from {} records ({} chunk records of older or cut-short"
              + " checkpoints left, deleted after the next one)",
          recordKey,
          Long.toHexString(whole.epoch()),
          whole.chunks(),
          chunks.size() - (whole.chunks() - 1));
      return Optional.of(whole.checkpoint());
    }
    if (restored instanceof CheckpointChunks.Restored.Broken broken) {
      meters.checkpointUnrestorable();
      LOG.error(
          "{}: checkpoint {} is unusable ({}): the entity starts from scratch and its figures will"
              + " differ from an uninterrupted run's",
          recordKey,
          Long.toHexString(broken.epoch()),
          broken.reason());
    }
    return Optional.empty();
  }

  /**
   * The latest value of every record key of the wanted entities, by entity record key (chunks under
   * their owner; tombstoned keys absent).
   */
  private Map<String, Map<String, byte[]>> readPartition(int partition, Set<String> keys) {
    TopicPartition tp = new TopicPartition(Topics.CHECKPOINTS, partition);
    Properties p = (Properties) client.clone();
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 << 20));
    Map<String, Map<String, byte[]>> latest = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          String owner = r.key() == null ? null : CheckpointChunks.owner(r.key());
          if (owner != null && keys.contains(owner)) {
            Map<String, byte[]> records = latest.computeIfAbsent(owner, k -> new HashMap<>());
            if (r.value() == null) {
              records.remove(r.key()); // a tombstone clears it
            } else {
              records.put(r.key(), r.value());
            }
          }
        }
      }
    }
    return latest;
  }
}
