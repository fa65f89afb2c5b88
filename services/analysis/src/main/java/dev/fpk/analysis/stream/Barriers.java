package dev.fpk.analysis.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntToLongFunction;

/**
 * Decides where checkpoint barriers go in the record stream (the Flink idea, on one stream): at
 * most one per {@code interval}, after a record or a tick, once records came since the last or
 * entities are still recent. A barrier names the entity keys to checkpoint (every key seen within
 * {@code keep}: besides those with new records, entities whose timer may have completed steps) and
 * carries the offsets of the last records before it, committed once the checkpoints are written.
 * Everything before a barrier is in its checkpoints; nothing after it is.
 *
 * <p>Not thread-safe: one instance per stream materialisation; time is passed in.
 *
 * @param <O> a record's committable offset
 */
final class Barriers<O> {
  /**
   * A checkpoint barrier: entity keys to checkpoint and the offsets (the last per partition) that
   * become safe to commit.
   */
  record Barrier<O>(List<String> keys, List<O> offsets) {}

  private final long intervalNanos;
  private final long keepNanos;
  private final Map<Integer, O> uncommitted = new LinkedHashMap<>();
  private final Map<Integer, Long> uncommittedSince = new HashMap<>();
  private final Map<String, Long> recentKeys = new LinkedHashMap<>();
  private final Map<String, Integer> partitionOfKey = new HashMap<>();
  private final IntToLongFunction revokedAt;
  private long lastBarrierNanos;

  /**
   * {@code revokedAt}: when this node's consumer last lost a partition (nanos, Long.MIN_VALUE:
   * never); an entity whose partition was revoked after its last record here is the new owner's.
   */
  Barriers(long intervalNanos, long keepNanos, long nowNanos, IntToLongFunction revokedAt) {
    this.revokedAt = revokedAt;
    this.intervalNanos = intervalNanos;
    this.keepNanos = keepNanos;
    this.lastBarrierNanos = nowNanos;
  }

  /**
   * A record at {@code partition} passed (key null: it touched no entity); the barrier due after
   * it, if any.
   */
  Optional<Barrier<O>> record(int partition, O offset, String key, long nowNanos) {
    uncommitted.put(partition, offset);
    uncommittedSince.putIfAbsent(partition, nowNanos);
    if (key != null) {
      recentKeys.remove(key);
      recentKeys.put(key, nowNanos);
      partitionOfKey.put(key, partition);
    }
    return tick(nowNanos);
  }

  /** Time passed; the barrier due now, if any. */
  Optional<Barrier<O>> tick(long nowNanos) {
    if (nowNanos - lastBarrierNanos < intervalNanos) {
      return Optional.empty();
    }
    return barrier(nowNanos);
  }

  /** The stream ends: a last barrier if anything is unsaved. */
  Optional<Barrier<O>> finish(long nowNanos) {
    return barrier(nowNanos);
  }

  private Optional<Barrier<O>> barrier(long nowNanos) {
    // an entity whose partition moved to another node is that node's to checkpoint; one not seen
    // within keep is forgotten, unless its last record is not yet committed: a stream held up for
    // longer than keep (no barrier in between) would otherwise commit that record's offset without
    // the entity's checkpoint, and a restart would lose the record
    recentKeys
        .entrySet()
        .removeIf(
            e -> {
              int p = partitionOfKey.get(e.getKey());
              Long since = uncommittedSince.get(p);
              return revokedAt.applyAsLong(p) > e.getValue()
                  || nowNanos - e.getValue() > keepNanos && (since == null || since > e.getValue());
            });
    partitionOfKey.keySet().retainAll(recentKeys.keySet());
    // nor are offsets of a partition revoked since its first uncheckpointed record ours to commit
    uncommitted.keySet().removeIf(p -> revokedAt.applyAsLong(p) > uncommittedSince.get(p));
    if (uncommitted.isEmpty() && recentKeys.isEmpty()) {
      return Optional.empty();
    }
    lastBarrierNanos = nowNanos;
    List<O> offsets = new ArrayList<>(uncommitted.values());
    uncommitted.clear();
    uncommittedSince.clear();
    return Optional.of(new Barrier<>(List.copyOf(recentKeys.keySet()), offsets));
  }
}
