package dev.fpk.analysis.stream;

import dev.fpk.analysis.sharding.KafkaPartitionExtractor;
import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
import dev.fpk.protocol.Topics;
import dev.fpk.solver.SolverEntity;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The checkpoint topic's writer: the estimator and solver states of one (run, layer), taken at the
 * same barrier, as one record of {@link Topics#CHECKPOINTS} ({@link EntityCheckpoint}), on the
 * partition of the snapshot key and under the consumer group's key. A state too large to take is
 * not written: counted each time, warned once per entity. Thread-safe.
 */
final class CheckpointRecords {
  private final String groupId;
  private final int partitions;
  private final long maxBytes;
  private final PipelineMetrics metrics;
  private final Logger log;

  /** Entities already warned about an uncheckpointable state (warned once, counted always). */
  private final Set<String> tooLarge = ConcurrentHashMap.newKeySet();

  /**
   * @param partitions partitions of the checkpoint topic (= of the snapshot topic)
   * @param maxBytes the limit the estimator states were taken with, for the warning
   */
  CheckpointRecords(
      String groupId, int partitions, long maxBytes, PipelineMetrics metrics, Logger log) {
    this.groupId = groupId;
    this.partitions = partitions;
    this.maxBytes = maxBytes;
    this.metrics = metrics;
    this.log = log;
  }

  /**
   * The checkpoint record of one entity, or null (logged, counted) when its state was too large to
   * take.
   */
  @Nullable ProducerRecord<String, byte[]> of(
      String key, EstimatorEntity.Checkpoint est, SolverEntity.Checkpoint sol) {
    if (est.state() == null) {
      metrics.checkpointTooLarge();
      if (tooLarge.add(key)) {
        log.warn(
            "{}: estimator state of about {} bytes exceeds fpk.checkpoint.max-bytes = {}: not checkpointed;"
                + " a restart of this entity starts it afresh",
            key,
            est.sizeBytes(),
            maxBytes);
      }
      return null;
    }
    byte[] value = new EntityCheckpoint(est.state(), sol.state()).encode();
    metrics.checkpointed(value.length);
    return new ProducerRecord<>(
        Topics.CHECKPOINTS,
        KafkaPartitionExtractor.partitionOf(key, partitions),
        EntityCheckpoint.key(groupId, key),
        value);
  }
}
