package dev.fpk.app;

import dev.fpk.app.broker.EmbeddedKafka;

/** One embedded broker per test JVM, started on first use and stopped when the JVM exits. */
final class TestKafka {
  private static EmbeddedKafka broker;

  private TestKafka() {}

  static synchronized String bootstrap() {
    if (broker == null) {
      broker = EmbeddedKafka.start();
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
    }
    return broker.bootstrapServers();
  }
}
