package dev.fpk.protocol;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Heap bytes an action allocates on the calling thread ({@code com.sun.management.ThreadMXBean}),
 * measured on its second run so that class loading and first-call set-up are not counted: a bound
 * on allocation, unlike a bound on wall-clock time, does not depend on how busy the machine is.
 */
final class AllocatedBytes {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private AllocatedBytes() {}

  /** Runs {@code action} twice; returns what the second run allocated on this thread. */
  static long ofSecondRun(Executable action) throws Throwable {
    action.execute();
    long before = THREADS.getCurrentThreadAllocatedBytes();
    action.execute();
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }
}
