package dev.fpk.app.report;

import dev.fpk.protocol.Topics;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Follows the output topics from their beginning into a {@link ReportCollector} or any other sink.
 */
public final class OutputFollower {
  private OutputFollower() {}

  public static Consumer.Control start(
      ActorSystem<?> system, String bootstrapServers, ReportCollector collector) {
    return start(system, bootstrapServers, collector::accept);
  }

  /**
   * Hands every record of the output topics, from their beginning, to {@code sink} (one at a time).
   */
  public static Consumer.Control start(
      ActorSystem<?> system,
      String bootstrapServers,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
    return start(system, bootstrapServers, sink, Topics.outputs().toArray(String[]::new));
  }

  /**
   * Hands every record of the given topics, from their beginning, to {@code sink} (one at a time).
   */
  public static Consumer.Control start(
      ActorSystem<?> system,
      String bootstrapServers,
      java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink,
      String... topics) {
    ConsumerSettings<String, byte[]> settings =
        ConsumerSettings.create(system, new StringDeserializer(), new ByteArrayDeserializer())
            .withBootstrapServers(bootstrapServers)
            .withGroupId("fpk-report-" + UUID.randomUUID())
            .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
            .withProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
            .withStopTimeout(Duration.ZERO);
    return Consumer.plainSource(settings, Subscriptions.topics(topics))
        .to(Sink.foreach(sink::accept))
        .run(system);
  }
}
