package dev.fpk.analysis.stream;

import com.typesafe.config.Config;
import dev.fpk.estimator.EstimatorSettings;
import dev.fpk.estimator.checkpoint.CheckpointChunks;
import java.time.Duration;

/**
 * Where the analysis stream reads and how hard it pushes, built once from the {@code fpk} config
 * section (the analysis module's reference.conf documents every key).
 *
 * @param groupId consumer group ({@code fpk.group}); checkpoints are kept per group
 * @param parallelism asks in flight at once per stage ({@code fpk.parallelism})
 * @param askTimeout longest wait for an entity's reply ({@code fpk.ask-timeout})
 * @param partitions partitions of the snapshot topic (= of the checkpoint topic)
 * @param checkpointInterval at most one checkpoint barrier per interval, also the commit cadence
 *     ({@code fpk.checkpoint.interval})
 * @param checkpointChunkBytes most state bytes per record of the checkpoint topic; a larger state
 *     takes several ({@code fpk.checkpoint.chunk-bytes})
 * @param keepKeys how long after its last record an entity is still asked at barriers
 */
public record StreamSettings(
    String bootstrapServers,
    String groupId,
    int parallelism,
    Duration askTimeout,
    int partitions,
    Duration checkpointInterval,
    int checkpointChunkBytes,
    Duration keepKeys) {

  /** Largest chunk accepted: past it a record would exceed any sensible Kafka message limit. */
  static final int MAX_CHUNK_BYTES = 64 << 20;

  public StreamSettings {
    if (parallelism < 1) {
      throw new IllegalArgumentException("fpk.parallelism = " + parallelism + ": must be >= 1");
    }
    if (checkpointInterval.isZero() || checkpointInterval.isNegative()) {
      throw new IllegalArgumentException(
          "fpk.checkpoint.interval = " + checkpointInterval + ": must be > 0");
    }
    if (checkpointChunkBytes < CheckpointChunks.MIN_CHUNK_BYTES
        || checkpointChunkBytes > MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException(
          "fpk.checkpoint.chunk-bytes = "
              + checkpointChunkBytes
              + ": must be between 1KiB and 64MiB (and under Kafka's message limit)");
    }
  }

  /**
   * The settings of a stream from {@code bootstrapServers}, whose snapshot topic has {@code
   * partitions}, feeding estimators with these settings.
   */
  public static StreamSettings fromConfig(
      Config root, String bootstrapServers, int partitions, EstimatorSettings estimator) {
    Duration interval = root.getDuration("fpk.checkpoint.interval");
    long chunkBytes = root.getBytes("fpk.checkpoint.chunk-bytes");
    // an entity is asked at barriers while its timer may still complete steps: twice the replica
    // timeout
    Duration keep = Duration.ofMillis(2 * estimator.replicaTimeoutMillis()).plus(interval);
    return new StreamSettings(
        bootstrapServers,
        root.getString("fpk.group"),
        root.getInt("fpk.parallelism"),
        root.getDuration("fpk.ask-timeout"),
        partitions,
        interval,
        (int) Math.min(Integer.MAX_VALUE, chunkBytes),
        keep);
  }
}
