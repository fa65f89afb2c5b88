package dev.fpk.analysis.stream;

import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How the estimator stage asks the estimator entity of a (run, layer): through cluster sharding in
 * a node ({@link ShardedEntities}), by hand in a unit test. Replies complete in ask order per key;
 * what follows a reply runs on the thread that completes it.
 */
interface EstimatorAsk {
  /** {@link EstimatorEntity.Observe} of these snapshots, read at {@code offsets}. */
  CompletableFuture<EstimatorEntity.Observed> observe(
      String key, List<WeightSnapshot> snapshots, long[] offsets, long previous);

  /** {@link EstimatorEntity.TakeCheckpoint}: the state if it changed. */
  CompletableFuture<EstimatorEntity.Checkpoint> checkpointEstimator(String key, long previous);
}
