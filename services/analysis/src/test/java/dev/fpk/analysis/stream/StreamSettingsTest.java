package dev.fpk.analysis.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fpk.estimator.EstimatorSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The stream's settings from the analysis module's reference.conf, and the messages of bad values.
 */
class StreamSettingsTest {
  static final EstimatorSettings ESTIMATOR = new EstimatorSettings(8, 1000, 5, 30_000, 16);

  static StreamSettings from(String overrides) {
    Config config =
        ConfigFactory.parseString(overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    return StreamSettings.fromConfig(config, "broker:9092", 4, ESTIMATOR);
  }

  @Test
  void shouldReadTheReferenceDefaults() {
    StreamSettings s = from("");
    assertEquals("fpk-analysis", s.groupId());
    assertEquals(8, s.parallelism());
    assertEquals(Duration.ofSeconds(30), s.askTimeout());
    assertEquals(Duration.ofSeconds(1), s.checkpointInterval());
    assertEquals(768 << 10, s.checkpointChunkBytes());
    assertEquals(4, s.partitions());
    assertEquals("broker:9092", s.bootstrapServers());
  }

  @Test
  void shouldKeepKeysForTwoReplicaTimeoutsAndAnInterval() {
    assertEquals(
        Duration.ofMillis(60_000 + 300), from("fpk.checkpoint.interval = 300ms").keepKeys());
  }

  @Test
  void shouldNameTheKeyAndValueOfABadSetting() {
    assertEquals(
        "fpk.checkpoint.interval = PT0S: must be > 0",
        assertThrows(IllegalArgumentException.class, () -> from("fpk.checkpoint.interval = 0s"))
            .getMessage());
    assertEquals(
        "fpk.checkpoint.chunk-bytes = 1000: must be between 1KiB and 64MiB (and under Kafka's"
            + " message limit)",
        assertThrows(
                IllegalArgumentException.class, () -> from("fpk.checkpoint.chunk-bytes = 1000"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> from("fpk.checkpoint.chunk-bytes = 65MiB"));
    assertEquals(
        "fpk.parallelism = 0: must be >= 1",
        assertThrows(IllegalArgumentException.class, () -> from("fpk.parallelism = 0"))
            .getMessage());
  }
}
