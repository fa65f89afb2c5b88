package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.app.node.Pipeline;
import dev.fpk.protocol.Chunks;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A single run of a 2048x2048 matrix (16 MB a snapshot, past Kafka's 1 MB default message limit)
 * travels in chunks, is reassembled whole, and is analysed in pooled mode.
 */
@Timeout(240)
class LargeMatrixIT {
  private static final int SIDE = 2048;
  private static final int STEPS = 4;

  /** The last step's estimate is checked: curves (estimates, densities) published at every step. */
  private static final Config EVERY_STEPS_CURVES =
      ConfigFactory.parseString("fpk.solver.curves.every-steps = 1")
          .withFallback(ConfigFactory.load());

  @Test
  void shouldReassembleChunked2048x2048MatrixAndAnalyseTheSingleRunPooled() throws Exception {
    String runId = "big-" + UUID.randomUUID();
    String bootstrap = TestKafka.bootstrap();
    double[] rates = new double[SIDE * SIDE];
    Arrays.fill(rates, 0.02);
    OuEnsemble ou =
        new OuEnsemble(
            runId,
            "big",
            new int[] {SIDE, SIDE},
            rates,
            new double[SIDE * SIDE],
            1e-4,
            1,
            0.0,
            0.3,
            5);
    int chunks = 0;
    try (Pipeline pipeline =
            Pipeline.start(EVERY_STEPS_CURVES, bootstrap, "fpk-test-" + UUID.randomUUID());
        KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      for (int step = 0; step <= STEPS; step++) {
        WeightSnapshot whole = ou.snapshots().get(0).toBuilder().setEnsembleSize(1).build();
        List<WeightSnapshot> parts = Chunks.splitToBytes(whole, Chunks.DEFAULT_MAX_MESSAGE_BYTES);
        chunks += parts.size();
        for (WeightSnapshot part : parts) {
          byte[] bytes = part.toByteArray();
          assertTrue(
              bytes.length <= Chunks.DEFAULT_MAX_MESSAGE_BYTES,
              "every chunk under Kafka's default 1 MB");
          producer.send(
              new ProducerRecord<>(Topics.SNAPSHOTS, SnapshotKey.of(runId, "big"), bytes));
        }
        ou.advance();
      }
      producer.flush();
      pipeline.awaitCaughtUp(Duration.ofSeconds(180));

      assertTrue(chunks >= 5 * 18, "a 16 MB matrix needs at least 18 chunks; sent " + chunks);
      DriftDiffusionEstimate est =
          pipeline.collector().latestEstimates().stream()
              .filter(e -> e.getRunId().equals(runId))
              .findFirst()
              .orElseThrow();
      assertEquals("pooled", est.getMode());
      assertEquals(STEPS, est.getStep());
      double slope = est.getEntries(0).getDriftSlope();
      double expected = OuEnsemble.discreteSlope(0.02);
      assertTrue(
          Math.abs(slope - expected) <= 4 * est.getEntries(0).getDriftSlopeStderr(),
          "pooled slope "
              + slope
              + " +- "
              + est.getEntries(0).getDriftSlopeStderr()
              + ", truth "
              + expected);
      AlignmentUpdate last =
          pipeline.collector().latestAlignment().stream()
              .filter(a -> a.getRunId().equals(runId))
              .findFirst()
              .orElseThrow();
      assertEquals(SIDE * SIDE, last.getSamples(), "every entry of the whole matrix is a sample");
    }
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }
}
