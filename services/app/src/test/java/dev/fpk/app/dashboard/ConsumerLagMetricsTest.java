package dev.fpk.app.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsumerLagMetricsTest {

  @Test
  void shouldExportTheLagReadAndKeepTheLastValueWhenAReadFails() {
    AtomicLong lag = new AtomicLong(42);
    AtomicLong calls = new AtomicLong();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ConsumerLagMetrics metrics =
        ConsumerLagMetrics.polledByHand(
            "fpk-analysis",
            "fpk.snapshots.v1",
            topic -> {
              if (calls.incrementAndGet() == 3) {
                throw new IllegalStateException("broker away");
              }
              return lag.get();
            })) {
      Gauge gauge = registry.find("fpk.kafka.consumer.lag").gauge();
      assertEquals(null, gauge, "not registered before binding");
      metrics.bindTo(registry);
      gauge =
          registry
              .get("fpk.kafka.consumer.lag")
              .tags("group", "fpk-analysis", "topic", "fpk.snapshots.v1")
              .gauge();
      metrics.poll();
      assertEquals(42, gauge.value());
      lag.set(7);
      metrics.poll();
      assertEquals(7, gauge.value());
      metrics.poll();
      assertEquals(7, gauge.value(), "a failed read keeps the last value");
      assertEquals("records", gauge.getId().getBaseUnit());
      assertTrue(gauge.getId().getDescription().contains("not committed"));
    }
  }
}
