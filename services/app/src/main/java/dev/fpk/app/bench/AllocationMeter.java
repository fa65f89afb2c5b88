package dev.fpk.app.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Bytes allocated on the heap by live threads ({@code com.sun.management.ThreadMXBean}), summed
 * over the threads whose name matches. Threads that end between two readings take their counts with
 * them, so figures are lower bounds; fpk's long-lived dispatcher threads are not affected.
 */
final class AllocationMeter {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Allocation of the calling thread since this object was made. */
  static final class CurrentThread {
    private final long start = THREADS.getCurrentThreadAllocatedBytes();

    long allocatedSinceStart() {
      return THREADS.getCurrentThreadAllocatedBytes() - start;
    }
  }

  /** Bytes allocated so far per live thread, with its name. */
  record Reading(Map<Long, String> names, Map<Long, Long> bytes) {
    /**
     * Bytes allocated since {@code earlier} by the threads whose name matches (new threads count
     * from 0).
     */
    long since(Reading earlier, Predicate<String> threadName) {
      long sum = 0;
      for (Map.Entry<Long, Long> e : bytes.entrySet()) {
        if (threadName.test(names.get(e.getKey()))) {
          sum += e.getValue() - earlier.bytes.getOrDefault(e.getKey(), 0L);
        }
      }
      return sum;
    }
  }

  private AllocationMeter() {}

  static CurrentThread currentThread() {
    return new CurrentThread();
  }

  static Reading read() {
    long[] ids = THREADS.getAllThreadIds();
    long[] allocated = THREADS.getThreadAllocatedBytes(ids);
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    Map<Long, String> names = new HashMap<>();
    Map<Long, Long> bytes = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null && allocated[i] >= 0) {
        names.put(ids[i], infos[i].getThreadName());
        bytes.put(ids[i], allocated[i]);
      }
    }
    return new Reading(names, bytes);
  }
}
