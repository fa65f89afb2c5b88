package dev.fpk.app.cli;

import dev.fpk.app.broker.EmbeddedKafka;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** Runs the embedded broker alone, for local setups with several fpk processes. */
@Command(name = "broker", mixinStandardHelpOptions = true,
    description = "Run the embedded single-node Kafka broker (KRaft, 127.0.0.1) until Ctrl-C; prints its bootstrap address.")
public final class BrokerCommand implements Runnable {
  @Override
  public void run() {
    EmbeddedKafka broker = EmbeddedKafka.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }));
    System.out.println("bootstrap " + broker.bootstrapServers());
    System.out.println("export FPK_BOOTSTRAP=" + broker.bootstrapServers());
    System.out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
