package dev.fpk.analysis.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fpk.estimator.checkpoint.CheckpointChunks;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.kafka.ProducerSettings;
import org.junit.jupiter.api.Test;

/**
 * The analysis producer's batch holds a whole checkpoint chunk of the default size, so chunks go
 * into Kafka's pooled buffers; a batch size or buffer memory set in the configuration is kept.
 */
class LargeRecordsProducerTest {
  private static ProducerSettings<String, byte[]> settings(Config config) {
    return ProducerSettings.create(
        config.getConfig("pekko.kafka.producer"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  @Test
  void shouldFitTheDefaultChunkInOneBatch() {
    Config config = ConfigFactory.load();
    ProducerSettings<String, byte[]> p = AnalysisStream.largeRecords(settings(config));
    long chunk = config.getBytes("fpk.checkpoint.chunk-bytes");
    // a chunk record: its value's header, the key, the record's and the batch's overhead
    long record = chunk + CheckpointChunks.MIN_CHUNK_BYTES;
    int batch = Integer.parseInt(p.getProperty(ProducerConfig.BATCH_SIZE_CONFIG));
    long buffer = Long.parseLong(p.getProperty(ProducerConfig.BUFFER_MEMORY_CONFIG));
    assertTrue(batch >= record, "batch.size " + batch + " below a chunk's record " + record);
    assertTrue(buffer >= 32L * batch, "buffer.memory " + buffer + " holds few batches");
  }

  @Test
  void shouldKeepWhatTheConfigurationSets() {
    Config config =
        ConfigFactory.parseString(
                "pekko.kafka.producer.kafka-clients { batch.size = 32768, buffer.memory = 1000000 }")
            .withFallback(ConfigFactory.load());
    ProducerSettings<String, byte[]> p = AnalysisStream.largeRecords(settings(config));
    assertEquals("32768", p.getProperty(ProducerConfig.BATCH_SIZE_CONFIG));
    assertEquals("1000000", p.getProperty(ProducerConfig.BUFFER_MEMORY_CONFIG));
  }
}
