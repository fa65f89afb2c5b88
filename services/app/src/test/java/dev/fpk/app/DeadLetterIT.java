package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.app.node.Pipeline;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad records on the live topic go to the dead-letter topic with a reason; the stream goes on. */
@Timeout(120)
class DeadLetterIT {

  @Test
  void shouldSendBadRecordsToDeadLetterTopicAndKeepProcessingTheRest() throws Exception {
    String runId = "dl-" + UUID.randomUUID();
    String bootstrap = TestKafka.bootstrap();
    try (Pipeline pipeline =
            Pipeline.start(ConfigFactory.load(), bootstrap, "fpk-test-" + UUID.randomUUID());
        KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      OuEnsemble ou =
          new OuEnsemble(
              runId,
              "w",
              new int[] {1, 2},
              new double[] {0.02, 0.02},
              new double[] {0, 0},
              1e-4,
              8,
              0.1,
              0.02,
              7);
      String key = SnapshotKey.of(runId, "w");
      for (int step = 0; step < 20; step++) {
        for (WeightSnapshot s : ou.snapshots()) {
          producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, key, s.toByteArray()));
        }
        if (step == 10) {
          producer.send(
              new ProducerRecord<>(
                  Topics.SNAPSHOTS, key, "garbage".getBytes(StandardCharsets.UTF_8)));
          producer.send(
              new ProducerRecord<>(
                  Topics.SNAPSHOTS,
                  key,
                  ou.snapshots().get(0).toBuilder().setValues(1, Float.NaN).build().toByteArray()));
          producer.send(
              new ProducerRecord<>(
                  Topics.SNAPSHOTS,
                  key,
                  ou.snapshots().get(0).toBuilder()
                      .clearShape()
                      .addShape(2)
                      .build()
                      .toByteArray()));
          ProducerRecord<String, byte[]> future =
              new ProducerRecord<>(Topics.SNAPSHOTS, key, ou.snapshots().get(1).toByteArray());
          future
              .headers()
              .add(Topics.SCHEMA_HEADER, "fpk.v2.WeightSnapshot".getBytes(StandardCharsets.UTF_8));
          producer.send(future);
        }
        ou.advance();
      }
      producer.flush();
      pipeline.awaitCaughtUp(Duration.ofSeconds(60));

      String records =
          pipeline
              .collector()
              .toJson(new com.fasterxml.jackson.databind.ObjectMapper(), java.util.Set.of(runId))
              .get("records")
              .toString();
      assertTrue(records.contains("\"unparseable\":1"), records);
      assertTrue(records.contains("\"non_finite\":1"), records);
      assertTrue(records.contains("\"bad_shape\":1"), records);
      assertTrue(records.contains("\"unknown_version\":1"), records);
      AlignmentUpdate last =
          pipeline.collector().latestAlignment().stream()
              .filter(a -> a.getRunId().equals(runId))
              .findFirst()
              .orElseThrow();
      assertEquals(19, last.getStep(), "every step after the bad records was analysed");
      assertEquals(8, last.getSamples());
    }
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }
}
