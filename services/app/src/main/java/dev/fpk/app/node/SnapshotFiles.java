package dev.fpk.app.node;

import dev.fpk.app.config.FpkConfig;
import dev.fpk.protocol.Limits;
import dev.fpk.protocol.ReplayFiles;
import dev.fpk.protocol.ReplayFormat;
import dev.fpk.protocol.ReplayItem;
import dev.fpk.protocol.ReplayReader;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.Validation;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends a recorded snapshot file (the replay formats) to the snapshot topic of a live cluster. */
public final class SnapshotFiles {
  private SnapshotFiles() {}

  /**
   * What a publish did: valid snapshots sent, bad records reported, and the runs they belong to.
   */
  public record Published(long sent, long rejected, Set<String> runIds) {}

  /**
   * Publishes every valid snapshot of the file in file order, keyed by run and layer; bad records
   * go to {@code err}.
   */
  public static Published publish(
      Path input, ReplayFormat format, String bootstrapServers, PrintWriter err)
      throws IOException {
    long sent = 0;
    long rejected = 0;
    Set<String> runIds = new TreeSet<>();
    Properties p = FpkConfig.kafkaClient(bootstrapServers);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 * 1024 * 1024));
    try (ReplayReader reader = ReplayFiles.open(input, format, Limits.DEFAULT);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (ReplayItem item : reader) {
        if (item.snapshot() instanceof Validation.Accepted<WeightSnapshot> a) {
          WeightSnapshot s = a.value();
          runIds.add(s.getRunId());
          producer.send(
              new ProducerRecord<>(
                  Topics.SNAPSHOTS, SnapshotKey.of(s.getRunId(), s.getLayer()), s.toByteArray()));
          sent++;
        } else {
          err.println("publish: rejected " + item.describe());
          rejected++;
        }
      }
      producer.flush();
    }
    return new Published(sent, rejected, runIds);
  }
}
