package dev.fpk.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fpk.protocol.Limits;
import dev.fpk.protocol.RejectReason;
import dev.fpk.protocol.SnapshotValidator;
import dev.fpk.protocol.Validation;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestLimitsTest {
  private static Config with(Map<String, Object> keys) {
    return ConfigFactory.parseMap(keys).withFallback(ConfigFactory.load());
  }

  @Test
  void shouldDefaultToTheProtocolsLimits() {
    assertEquals(Limits.DEFAULT, IngestLimits.fromConfig(ConfigFactory.load()));
  }

  @Test
  void shouldRejectASnapshotAboveTheConfiguredMaximumOfValues() {
    Limits limits = IngestLimits.fromConfig(with(Map.of("fpk.ingest.max-values", 4)));
    WeightSnapshot s =
        WeightSnapshot.newBuilder()
            .setRunId("r")
            .setLayer("w")
            .addShape(1)
            .addShape(6)
            .addAllValues(java.util.List.of(1f, 2f, 3f, 4f, 5f, 6f))
            .build();
    Validation<WeightSnapshot> v = new SnapshotValidator(limits).parse(s.toByteArray());
    assertEquals(RejectReason.TOO_LARGE, ((Validation.Rejected<WeightSnapshot>) v).reason());
  }

  @Test
  void shouldNameTheKeyAndValueOutOfRange() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> IngestLimits.fromConfig(with(Map.of("fpk.ingest.max-record-bytes", "4GiB"))));
    assertTrue(
        e.getMessage().startsWith("fpk.ingest.max-record-bytes = 4294967296"), e.getMessage());
  }
}
