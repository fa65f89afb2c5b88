package dev.fpk.app.bench;

import dev.fpk.app.config.FpkConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Kafka's own limit for fpk's input: a plain consumer that reads a range of records and does
 * nothing with them (it only counts records and bytes), on a thread of its own so that its
 * allocation can be told apart.
 */
final class RawConsumer {
  /** Records and bytes read, in how many seconds, and the bytes the reading thread allocated. */
  record Result(long records, long bytes, double seconds, long allocatedBytes) {}

  private RawConsumer() {}

  /** Reads every record from {@code from} (inclusive) to {@code to} (exclusive) per partition. */
  static Result read(String bootstrap, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to)
      throws InterruptedException {
    AtomicReference<Result> result = new AtomicReference<>();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.set(readHere(bootstrap, from, to));
              } catch (RuntimeException e) {
                failure.set(e);
              }
            },
            "e2e-raw-consumer");
    t.start();
    t.join();
    if (failure.get() != null) {
      throw failure.get();
    }
    return result.get();
  }

  private static Result readHere(
      String bootstrap, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
    Properties p = FpkConfig.kafkaClient(bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "e2e-raw-consumer");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Kafka's best for a reader that keeps nothing: large fetches and polls (fpk's analysis
    // consumer
    // takes 1 MiB per partition and 4000 records per poll, application.conf)
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "8388608");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "4000");
    Map<TopicPartition, Long> remaining = new HashMap<>();
    to.forEach(
        (tp, end) -> {
          if (end > from.getOrDefault(tp, 0L)) {
            remaining.put(tp, end);
          }
        });
    long records = 0;
    long bytes = 0;
    AllocationMeter.CurrentThread allocation = AllocationMeter.currentThread();
    long start =
        0; // the clock starts at the first record: connecting and fetching metadata are not reading
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(remaining.keySet());
      remaining.keySet().forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (!remaining.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "raw consumer: records still missing after 5 minutes: " + remaining);
        }
        var polled = consumer.poll(Duration.ofMillis(200));
        if (start == 0 && !polled.isEmpty()) {
          start = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> r : polled) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          Long end = remaining.get(tp);
          if (end != null && r.offset() < end) {
            records++;
            bytes += r.serializedValueSize();
          }
        }
        remaining.keySet().removeIf(tp -> consumer.position(tp) >= remaining.get(tp));
      }
    }
    double seconds = start == 0 ? 0 : Math.max(1e-3, (System.nanoTime() - start) / 1e9);
    return new Result(records, bytes, seconds, allocation.allocatedSinceStart());
  }
}
