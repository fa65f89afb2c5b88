package dev.fpk.app.train;

import dev.fpk.analysis.sharding.KafkaPartitionExtractor;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a run has already published for a layer: the snapshot of the highest step under its key. The
 * key's partition is read backwards in growing windows from its end, since a run's latest snapshots
 * are among the partition's latest records; an empty partition answers at once.
 */
public final class PublishedSteps {
  private static final int FIRST_WINDOW = 4_096;

  private PublishedSteps() {}

  /** The published snapshot of the highest step of (run, layer), if any. */
  public static Optional<WeightSnapshot> latest(
      String bootstrapServers, String runId, String layer, int partitions) {
    String key = SnapshotKey.of(runId, layer);
    TopicPartition tp =
        new TopicPartition(Topics.SNAPSHOTS, KafkaPartitionExtractor.partitionOf(key, partitions));
    Properties p = FpkConfig.kafkaClient(bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
      for (long window = FIRST_WINDOW, to = end;
          to > begin;
          to = Math.max(begin, to - window), window *= 4) {
        long from = Math.max(begin, to - window);
        Optional<WeightSnapshot> found = highestStep(consumer, tp, key, from, to);
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }
  }

  private static Optional<WeightSnapshot> highestStep(
      KafkaConsumer<String, byte[]> consumer, TopicPartition tp, String key, long from, long to) {
    consumer.seek(tp, from);
    WeightSnapshot best = null;
    while (consumer.position(tp) < to) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() < to && key.equals(r.key())) {
          WeightSnapshot s = parse(r.value());
          if (s != null && (best == null || s.getStep() > best.getStep())) {
            best = s;
          }
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static WeightSnapshot parse(byte[] value) {
    try {
      return WeightSnapshot.parseFrom(value);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return null; // not ours to judge here: the analysis sends it to the dead letters
    }
  }
}
