package dev.fpk.app.dashboard;

import dev.fpk.app.node.KafkaAdmin;
import dev.fpk.protocol.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka consumer lag of the analysis: snapshots on {@code fpk.snapshots.v1} that its consumer group
 * has not committed yet (end offsets minus committed offsets, summed over partitions), read through
 * the admin API on a background thread every {@code interval}, so a scrape never waits on Kafka.
 * Gauge {@code fpk.kafka.consumer.lag} tagged group and topic (both fixed by configuration). Until
 * the first successful read the gauge is NaN; a failed read keeps the last value and is logged.
 */
public final class ConsumerLagMetrics implements MeterBinder, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLagMetrics.class);

  private final String group;
  private final String topic;
  private final ToLongFunction<String> lagOfTopic;
  private final AtomicLong lag = new AtomicLong(Long.MIN_VALUE);
  private final @Nullable ScheduledExecutorService poller;
  private final Duration interval;
  private final AutoCloseable resource;
  // only the poller thread touches it
  private @Nullable String lastFailure;

  private ConsumerLagMetrics(
      String group,
      String topic,
      ToLongFunction<String> lagOfTopic,
      Duration interval,
      AutoCloseable resource,
      boolean background) {
    this.group = group;
    this.topic = topic;
    this.lagOfTopic = lagOfTopic;
    this.interval = interval;
    this.resource = resource;
    this.poller =
        !background
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "fpk-consumer-lag");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** Lag of {@code group} on the snapshot topic, read every {@code interval} from the cluster. */
  public static ConsumerLagMetrics of(String bootstrapServers, String group, Duration interval) {
    KafkaAdmin admin = new KafkaAdmin(bootstrapServers);
    return new ConsumerLagMetrics(
        group, Topics.SNAPSHOTS, t -> admin.lag(group, t), interval, admin, true);
  }

  /** With a given lag source and no background thread (tests call {@link #poll()}). */
  static ConsumerLagMetrics polledByHand(
      String group, String topic, ToLongFunction<String> lagOfTopic) {
    return new ConsumerLagMetrics(group, topic, lagOfTopic, Duration.ZERO, () -> {}, false);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder(
            "fpk.kafka.consumer.lag", lag, l -> l.get() == Long.MIN_VALUE ? Double.NaN : l.get())
        .description("records of the topic the analysis' consumer group has not committed yet")
        .baseUnit("records")
        .tags("group", group, "topic", topic)
        .strongReference(true)
        .register(registry);
    if (poller != null) {
      poller.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  void poll() {
    try {
      lag.set(lagOfTopic.applyAsLong(topic));
      lastFailure = null;
    } catch (RuntimeException e) {
      // said once per kind of failure, not every interval while it lasts
      if (!String.valueOf(e.getMessage()).equals(lastFailure)) {
        LOG.warn(
            "could not read the consumer lag of group {} on {} (retrying every {}): {}",
            group,
            topic,
            interval,
            e.getMessage());
      }
      lastFailure = String.valueOf(e.getMessage());
    }
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
    try {
      resource.close();
    } catch (Exception e) {
      LOG.warn("closing the lag reader: {}", e.toString());
    }
  }
}
