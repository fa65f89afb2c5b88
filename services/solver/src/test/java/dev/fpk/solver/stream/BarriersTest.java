package dev.fpk.solver.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BarriersTest {
  static final long MS = 1_000_000;
  final Map<Integer, Long> revokedAt = new HashMap<>();
  final Barriers<Long> barriers = new Barriers<>(100 * MS, 1000 * MS, 0, p -> revokedAt.getOrDefault(p, Long.MIN_VALUE));

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
    assertEquals(List.of(10L), b.offsets(), "the revoked partition's offsets are not committed without its checkpoints");
  }

  @Test
  void shouldWriteALastBarrierWhenTheStreamEnds() {
    barriers.record(0, 10L, "a", 10 * MS);
    assertEquals(List.of(10L), barriers.finish(20 * MS).orElseThrow().offsets());
  }
}
