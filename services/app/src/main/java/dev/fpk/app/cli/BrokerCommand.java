package dev.fpk.app.cli;

import dev.fpk.app.broker.EmbeddedKafka;
import picocli.CommandLine.Command;

/** Runs the embedded broker alone, for local setups with several fpk processes. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description =
        "Run the embedded single-node Kafka broker (KRaft, 127.0.0.1) until Ctrl-C; prints its bootstrap address.")
public final class BrokerCommand implements Runnable {
  @Override
  public void run() {
    try (EmbeddedKafka broker = EmbeddedKafka.start()) {
      System.out.println("bootstrap " + broker.bootstrapServers());
      System.out.println("export FPK_BOOTSTRAP=" + broker.bootstrapServers());
      System.out.flush();
      SignalStop.awaitSignal(); // then the broker stops and its log directory goes
    }
  }
}
