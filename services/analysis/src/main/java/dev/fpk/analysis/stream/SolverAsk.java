package dev.fpk.analysis.stream;

import dev.fpk.estimator.StepEstimate;
import dev.fpk.solver.SolverEntity;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How the solver stage asks the solver entity of a (run, layer): through cluster sharding in a node
 * ({@link ShardedEntities}), by hand in a unit test. Replies complete in ask order per key.
 */
interface SolverAsk {
  /** {@link SolverEntity.Advance} through these completed steps, oldest first. */
  CompletableFuture<SolverEntity.Advanced> advance(
      String key, List<StepEstimate> steps, long previous);

  /** {@link SolverEntity.TakeCheckpoint}: the whole state. */
  CompletableFuture<SolverEntity.Checkpoint> checkpoint(String key, long previous);
}
