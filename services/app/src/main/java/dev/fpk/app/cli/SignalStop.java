package dev.fpk.app.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP stop a command in order instead of halting the JVM under it.
 * The first signal prints one line and interrupts the command's thread, which then stops its
 * trainers, drains the analysis (last checkpoint, offsets committed), closes its Kafka clients and
 * the embedded broker and writes no partial file; fpk exits with 128 + the signal's number (130,
 * 143, 129). A second signal, or a command still running after the grace period, halts the JVM.
 *
 * <p>The JVM's own handling (run the shutdown hooks, then exit) would terminate the actor system
 * from Pekko's hook while the command still uses it: streams failed and restarted, the broker's log
 * directory stayed behind, and the exit took 10 s or more.
 */
public final class SignalStop {
  /** Signals handled, with their POSIX numbers (exit code = 128 + number). */
  private static final Map<String, Integer> SIGNALS = Map.of("INT", 2, "TERM", 15, "HUP", 1);

  /** How long an interrupted command may take to shut down before the JVM is halted. */
  static final Duration GRACE = Duration.ofSeconds(20);

  private static volatile String received;

  private SignalStop() {}

  /**
   * Handles the signals from now on: they stop {@code command} (the thread running it) in order.
   */
  public static void install(String commandName, Thread command, PrintStream err) {
    for (String name : SIGNALS.keySet()) {
      try {
        Signal.handle(new Signal(name), s -> onSignal(s.getName(), commandName, command, err));
      } catch (IllegalArgumentException unsupported) {
        // not a signal of this platform (or one the JVM reserves): its default handling stays
      }
    }
  }

  /**
   * Blocks until a signal interrupts this thread (commands that run until Ctrl-C). The interrupt is
   * consumed: it means "stop", and the cleanup after it must run whole.
   */
  public static void awaitSignal() {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException stop) {
      // consumed on purpose, see above
    }
  }

  /** The exit code a signal asked for (128 + its number), empty when none came. */
  public static OptionalInt exitCode() {
    String s = received;
    return s == null ? OptionalInt.empty() : OptionalInt.of(128 + SIGNALS.get(s));
  }

  /** True once a signal has asked the command to stop. */
  public static boolean stopping() {
    return received != null;
  }

  private static synchronized void onSignal(
      String name, String commandName, Thread command, PrintStream err) {
    if (received != null) {
      err.printf("fpk %s: SIG%s again, halting without cleaning up%n", commandName, name);
      err.flush();
      Runtime.getRuntime().halt(exitCode().orElse(1));
    }
    received = name;
    err.printf(
        "fpk %s: SIG%s, stopping (exit %d; SIG%s again halts at once)%n",
        commandName, name, exitCode().orElse(1), name);
    err.flush();
    command.interrupt();
    Thread watchdog = new Thread(() -> haltAfterGrace(commandName, err), "fpk-signal-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private static void haltAfterGrace(String commandName, PrintStream err) {
    try {
      Thread.sleep(GRACE.toMillis());
    } catch (InterruptedException e) {
      return;
    }
    err.printf("fpk %s: still stopping after %d s, halting%n", commandName, GRACE.toSeconds());
    err.flush();
    Runtime.getRuntime().halt(exitCode().orElse(1));
  }
}
