package dev.fpk.analysis.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BarriersTest {
  static final long MS = 1_000_000;
  final Map<Integer, Long> revokedAt = new HashMap<>();
  final Barriers<Long> barriers =
      new Barriers<>(100 * MS, 1000 * MS, 0, p -> revokedAt.getOrDefault(p, Long.MIN_VALUE));

  @Test
  void shouldPlaceOneBarrierPerIntervalWithTheLastOffsetOfEachPartition() {
    assertTrue(barriers.record(0, 10L, "a", 10 * MS).isEmpty());
    assertTrue(barriers.record(1, 20L, "b", 20 * MS).isEmpty());
    assertTrue(barriers.record(0, 11L, "a", 30 * MS).isEmpty());
    Barriers.Barrier<Long> b = barriers.record(1, 21L, "c", 100 * MS).orElseThrow();
    assertEquals(List.of("b", "a", "c"), b.keys(), "in order of their last record");
    assertEquals(List.of(11L, 21L), b.offsets());
    assertTrue(barriers.record(0, 12L, "a", 150 * MS).isEmpty(), "not again within the interval");
  }

  @Test
  void shouldKeepAskingRecentEntitiesOnTicksAndForgetThemAfterKeep() {
    barriers.record(0, 10L, "a", 0);
    Barriers.Barrier<Long> first = barriers.tick(100 * MS).orElseThrow();
    assertEquals(List.of(10L), first.offsets());
    Barriers.Barrier<Long> idle = barriers.tick(200 * MS).orElseThrow();
    assertEquals(List.of("a"), idle.keys(), "its timer may still complete steps");
    assertTrue(idle.offsets().isEmpty(), "nothing new to commit");
    assertTrue(barriers.tick(1200 * MS).isEmpty(), "forgotten after keep, nothing left");
  }

  @Test
  void shouldLeaveEntitiesAndOffsetsOfARevokedPartitionToTheirNewOwner() {
    barriers.record(0, 10L, "a", 10 * MS);
    barriers.record(1, 20L, "b", 20 * MS);
    revokedAt.put(1, 50 * MS);
    Barriers.Barrier<Long> b = barriers.tick(100 * MS).orElseThrow();
    assertEquals(List.of("a"), b.keys());
    assertEquals(
        List.of(10L),
        b.offsets(),
        "the revoked partition's offsets are not committed without its checkpoints");
  }

  @Test
  void shouldWriteALastBarrierWhenTheStreamEnds() {
    barriers.record(0, 10L, "a", 10 * MS);
    assertEquals(List.of(10L), barriers.finish(20 * MS).orElseThrow().offsets());
  }

  /**
   * On random records (6 partitions, keys bound to partitions, pauses longer than keep), every
   * offset is committed with a barrier that checkpoints every entity of its partition that took a
   * record since that partition's previous barrier, each offset once, in order; the last barrier
   * takes the rest. (Failed before: a key idle for longer than keep was forgotten even when its
   * last record was not yet committed, so its partition was committed without its checkpoint.)
   */
  @Test
  void shouldCommitAPartitionOnlyWithTheCheckpointsOfEveryEntityThatTookItsRecords() {
    java.util.Random random = new java.util.Random(3);
    Barriers<long[]> staggered = new Barriers<>(100 * MS, 300 * MS, 0, p -> Long.MIN_VALUE);
    Map<Integer, java.util.Set<String>> unsaved = new HashMap<>();
    Map<Integer, Long> lastOffset = new HashMap<>();
    Map<Integer, Long> committed = new HashMap<>();
    long now = 0;
    int barriers = 0;
    for (int i = 0; i < 5000; i++) {
      now += random.nextInt(10) == 0 ? random.nextInt(400) * MS : random.nextInt(3 * (int) MS);
      java.util.Optional<Barriers.Barrier<long[]>> b;
      if (random.nextInt(5) == 0) {
        b = staggered.tick(now);
      } else {
        int p = random.nextInt(6);
        String key =
            "p" + p + "-k" + random.nextInt(3); // a key's records all come from one partition
        long offset = lastOffset.merge(p, 1L, Long::sum);
        unsaved.computeIfAbsent(p, x -> new java.util.HashSet<>()).add(key);
        b = staggered.record(p, new long[] {p, offset}, key, now);
      }
      if (b.isPresent()) {
        barriers++;
        check(b.get(), unsaved, committed);
      }
    }
    staggered.finish(now).ifPresent(b -> check(b, unsaved, committed));
    assertEquals(lastOffset, committed, "every partition committed to its last record at the end");
    assertTrue(barriers > 100, "barriers: " + barriers);
  }

  private static void check(
      Barriers.Barrier<long[]> b,
      Map<Integer, java.util.Set<String>> unsaved,
      Map<Integer, Long> committed) {
    for (long[] o : b.offsets()) {
      int p = (int) o[0];
      assertTrue(
          b.keys().containsAll(unsaved.get(p)),
          "partition " + p + " committed without " + unsaved.get(p));
      unsaved.get(p).clear();
      Long before = committed.put(p, o[1]);
      assertTrue(before == null || before < o[1], "offsets of a partition move forward");
    }
  }
}
