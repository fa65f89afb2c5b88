package dev.fpk.app.node;

import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.report.ReportCollector;
import dev.fpk.protocol.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what the analysis has published so far (estimates, densities, alignment, spectra, dead
 * letters), from the beginning of each output topic to its end at the time of the call, into a
 * report: the current state of every run the cluster tracks, in the replay report's shape.
 */
public final class OutputTopics {
  static final List<String> TOPICS = Topics.outputs();

  private OutputTopics() {}

  /** Feeds every output record present now to the collector; returns the number of records read. */
  public static long readInto(String bootstrapServers, ReportCollector collector) {
    Properties p = FpkConfig.kafkaClient(bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
    long n = 0;
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (String topic : TOPICS) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos != null) {
          infos.forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
        }
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
            collector.accept(r);
            n++;
          }
        }
      }
    }
    return n;
  }
}
