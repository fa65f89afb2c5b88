package dev.fpk.app;

import dev.fpk.app.broker.EmbeddedKafka;

/**
 * The embedded broker of the test class that asks: one broker per test class, started on first use
 * and stopped when the next class asks for its own (Failsafe runs classes one after another in one
 * JVM) or when the JVM exits.
 *
 * <p>fpk's topic names are fixed, so a broker shared by the whole JVM would make every fresh
 * consumer group re-read every earlier test's snapshots; a broker per class gives each class fresh
 * topics for about half a second of start-up in a warm JVM.
 */
final class TestKafka {
  private static EmbeddedKafka broker;
  private static Class<?> owner;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(TestKafka::stop));
  }

  private TestKafka() {}

  static synchronized String bootstrap() {
    Class<?> caller = testClass();
    if (broker == null || caller != owner) {
      stop();
      broker = EmbeddedKafka.start();
      owner = caller;
    }
    return broker.bootstrapServers();
  }

  private static synchronized void stop() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  /**
   * The nearest fpk test class on the calling stack (a nested class resolves to its outer class).
   */
  private static Class<?> testClass() {
    return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .walk(
            frames ->
                frames
                    .map(StackWalker.StackFrame::getDeclaringClass)
                    .map(TestKafka::outermost)
                    .filter(
                        c ->
                            c.getName().startsWith("dev.fpk.")
                                && (c.getSimpleName().endsWith("IT")
                                    || c.getSimpleName().endsWith("Test")))
                    .findFirst()
                    .orElse(TestKafka.class));
  }

  private static Class<?> outermost(Class<?> c) {
    while (c.getEnclosingClass() != null) {
      c = c.getEnclosingClass();
    }
    return c;
  }
}
