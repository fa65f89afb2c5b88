package dev.fpk.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An fpk command (e.g. {@code demo --linger PT90S}) running in a thread of the test's JVM, its
 * stdout and stderr captured together, for tests that look at what it serves while it runs. {@link
 * #stop()} interrupts it (which ends a demo's linger, not its run) and waits for its exit code.
 */
final class BackgroundCommand {
  private final StringWriter output = new StringWriter();
  private final AtomicInteger exit = new AtomicInteger(-1);
  private final Thread thread;

  private BackgroundCommand(String... args) {
    thread =
        new Thread(
            () ->
                exit.set(
                    Fpk.commandLine()
                        .setOut(new PrintWriter(output, true))
                        .setErr(new PrintWriter(output, true))
                        .execute(args)),
            args[0]);
  }

  static BackgroundCommand start(String... args) {
    BackgroundCommand c = new BackgroundCommand(args);
    c.thread.start();
    return c;
  }

  /** What it printed so far. */
  String output() {
    return output.toString();
  }

  /** Interrupts it and waits up to 30 s; its exit code (-1 if still running). */
  int stop() throws InterruptedException {
    thread.interrupt();
    thread.join(30_000);
    return exit.get();
  }

  /** A check that answers null until what it waits for is there. */
  interface Probe<T> {
    T get() throws Exception;
  }

  /** The first non-null answer of {@code probe}, asked every 100 ms; fails after the timeout. */
  static <T> T await(Probe<T> probe, Duration timeout, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }
}
