package dev.fpk.analysis.stream;

import dev.fpk.analysis.checkpoint.StoredChunks;
import dev.fpk.analysis.sharding.KafkaPartitionExtractor;
import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.checkpoint.CheckpointChunks;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
import dev.fpk.protocol.Topics;
import dev.fpk.solver.SolverEntity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The checkpoint topic's writer: the estimator and solver states of one (run, layer), taken at the
 * same barrier, as one {@link EntityCheckpoint} of any size, in as many records of {@link
 * Topics#CHECKPOINTS} as it needs ({@link CheckpointChunks}: chunks, then the manifest), then
 * tombstones for the chunks the new manifest supersedes ({@link StoredChunks}). All on the
 * partition of the snapshot key, under the consumer group's key, in the order the producer must
 * write them. Thread-safe.
 */
final class CheckpointRecords {
  private final String groupId;
  private final int partitions;
  private final int chunkBytes;
  private final StoredChunks stored;
  private final LongSupplier epochs;
  private final PipelineMetrics metrics;

  /**
   * @param partitions partitions of the checkpoint topic (= of the snapshot topic)
   * @param chunkBytes most state bytes per record
   * @param epochs a new id per checkpoint (random: unique across nodes and restarts)
   */
  CheckpointRecords(
      String groupId,
      int partitions,
      int chunkBytes,
      StoredChunks stored,
      LongSupplier epochs,
      PipelineMetrics metrics) {
    this.groupId = groupId;
    this.partitions = partitions;
    this.chunkBytes = chunkBytes;
    this.stored = stored;
    this.epochs = epochs;
    this.metrics = metrics;
  }

  /** The records of one entity's checkpoint, in the order to write them. */
  List<ProducerRecord<String, byte[]>> of(
      String key, EstimatorEntity.Checkpoint est, SolverEntity.Checkpoint sol) {
    EntityCheckpoint state = new EntityCheckpoint(est.state(), sol.state());
    String recordKey = EntityCheckpoint.key(groupId, key);
    // cut from the two parts: the state is copied once, into its records
    List<CheckpointChunks.Record> records =
        CheckpointChunks.write(recordKey, epochs.getAsLong(), state, chunkBytes);
    Set<String> written = new HashSet<>();
    for (CheckpointChunks.Record r : records) {
      if (CheckpointChunks.isChunk(r.key())) {
        written.add(r.key());
      }
    }
    int partition = KafkaPartitionExtractor.partitionOf(key, partitions);
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    for (CheckpointChunks.Record r : records) {
      out.add(new ProducerRecord<>(Topics.CHECKPOINTS, partition, r.key(), r.value()));
    }
    for (String garbage : stored.replace(recordKey, written).stream().sorted().toList()) {
      out.add(new ProducerRecord<>(Topics.CHECKPOINTS, partition, garbage, null));
    }
    metrics.checkpointed(state.size(), records.size());
    return out;
  }
}
