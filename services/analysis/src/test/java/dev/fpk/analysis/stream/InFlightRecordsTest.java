package dev.fpk.analysis.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The count a revocation waits on: per partition, woken when it drains or is abandoned. */
class InFlightRecordsTest {
  final InFlightRecords inFlight = new InFlightRecords();

  @Test
  void shouldCountRecordsPerPartition() {
    inFlight.entered(1);
    inFlight.entered(1);
    inFlight.entered(2);
    inFlight.left(1);
    inFlight.left(3); // never entered: nothing to count down
    assertEquals(1, inFlight.of(1));
    assertEquals(1, inFlight.of(2));
    assertEquals(0, inFlight.of(3));
  }

  @Test
  void shouldNotWaitForPartitionsWithNothingInFlight() {
    inFlight.entered(2);
    assertTrue(inFlight.awaitNone(Set.of(0, 1), Duration.ZERO), "partition 2 is not revoked");
  }

  @Test
  void shouldGiveUpWhenRecordsStayInFlightPastTheTimeout() {
    inFlight.entered(0);
    assertFalse(inFlight.awaitNone(Set.of(0), Duration.ZERO));
  }

  @Test
  void shouldWakeTheWaiterWhenTheLastRecordOfItsPartitionsLeaves() throws Exception {
    inFlight.entered(0);
    inFlight.entered(1);
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<Boolean> drained =
        CompletableFuture.supplyAsync(
            () -> {
              waiting.countDown();
              return inFlight.awaitNone(Set.of(0, 1), Duration.ofMinutes(1));
            });
    waiting.await();
    inFlight.left(0);
    inFlight.left(1);
    assertTrue(drained.get(), "woken by the last record leaving, long before the timeout");
  }

  @Test
  void shouldWakeTheWaiterWhenTheRecordsAreAbandoned() throws Exception {
    inFlight.entered(0);
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<Boolean> drained =
        CompletableFuture.supplyAsync(
            () -> {
              waiting.countDown();
              return inFlight.awaitNone(Set.of(0), Duration.ofMinutes(1));
            });
    waiting.await();
    inFlight.clear();
    assertTrue(drained.get());
    assertEquals(0, inFlight.of(0));
  }
}
