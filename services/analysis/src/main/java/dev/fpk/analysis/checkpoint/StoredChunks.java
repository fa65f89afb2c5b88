package dev.fpk.analysis.checkpoint;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunk records of the checkpoint topic that an entity's next manifest makes garbage, per
 * entity record key, on this node: the chunks of the checkpoint it wrote last, and those the
 * checkpoint loader found when the entity started here (the live checkpoint's, and any left by a
 * write cut short or a tombstone never sent). The writer deletes them right after the next manifest
 * ({@link dev.fpk.estimator.checkpoint.CheckpointChunks}: never before it, so the live checkpoint
 * stays whole until it is replaced).
 *
 * <p>What the loader finds is added, never replaces: a load that read the topic before the newest
 * write of this node reached it must not make the writer forget that write's chunks. Deleting a key
 * twice costs one tombstone. One instance per node, shared by the loader and every stream;
 * thread-safe.
 */
public final class StoredChunks {
  private final ConcurrentHashMap<String, Set<String>> byEntity = new ConcurrentHashMap<>();

  /** Chunk keys of {@code recordKey}'s records found in the topic (by the loader). */
  public void found(String recordKey, Set<String> chunkKeys) {
    if (!chunkKeys.isEmpty()) {
      byEntity.merge(
          recordKey,
          Set.copyOf(chunkKeys),
          (had, more) -> {
            Set<String> all = new HashSet<>(had);
            all.addAll(more);
            return Set.copyOf(all);
          });
    }
  }

  /**
   * Notes the chunks of the checkpoint just written for {@code recordKey} (its manifest after them)
   * and returns the chunk keys it supersedes, to delete after that manifest.
   */
  public Set<String> replace(String recordKey, Set<String> written) {
    Set<String> before = byEntity.put(recordKey, Set.copyOf(written));
    if (before == null) {
      return Set.of();
    }
    Set<String> superseded = new HashSet<>(before);
    superseded.removeAll(written);
    return superseded;
  }
}
