package dev.fpk.estimator.checkpoint;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Finds the latest checkpoint of an entity when it starts (on whichever node it starts). */
@FunctionalInterface
public interface CheckpointLoader {
  /** No checkpoints: every entity starts empty (unit tests, tools). */
  CheckpointLoader NONE = key -> CompletableFuture.completedFuture(Optional.empty());

  CompletionStage<Optional<EntityCheckpoint>> load(String entityKey);
}
