package dev.fpk.analysis.stream;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records of each partition between the consumer and the producer, so that a revocation can wait
 * until those of its partitions have reached their entities. Counted up as a record enters the
 * stream, down once its outputs are written; a waiter is woken when a count reaches zero or the
 * counts are cleared (a failed stream abandons its records), not by polling. Thread-safe.
 */
final class InFlightRecords {
  private final Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final Object changed = new Object();

  /** A record of {@code partition} entered the stream. */
  void entered(int partition) {
    counts.computeIfAbsent(partition, p -> new AtomicInteger()).incrementAndGet();
  }

  /** A record of {@code partition} left the stream (its outputs written). */
  void left(int partition) {
    AtomicInteger n = counts.get(partition);
    if (n != null && n.decrementAndGet() == 0) {
      wake();
    }
  }

  /** Forgets every record in flight: they are abandoned, nobody waits for them any more. */
  void clear() {
    counts.clear();
    wake();
  }

  /** Records of {@code partition} in flight now. */
  int of(int partition) {
    AtomicInteger n = counts.get(partition);
    return n == null ? 0 : n.get();
  }

  /**
   * Blocks until no record of these partitions is in flight, at most {@code timeout}; false on
   * timeout. Interrupted: returns false at once, the thread's interrupt flag set again.
   */
  boolean awaitNone(Set<Integer> partitions, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (partitions.stream().anyMatch(p -> of(p) > 0)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          changed.wait(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private void wake() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }
}
