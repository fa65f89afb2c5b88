package dev.fpk.analysis.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class WatermarkLagTest {

  private static AlignmentUpdate aligned(long step, long sourceMillis) {
    return AlignmentUpdate.newBuilder()
        .setRunId("r")
        .setLayer("l")
        .setStep(step)
        .setSourceTimeUnixMillis(sourceMillis)
        .addEntries(EntryAlignment.newBuilder().addIndex(0).addIndex(1).setW1(0.1))
        .build();
  }

  @Test
  void shouldMeasureHowFarTheWatermarkTrailsTheNewestSnapshotInStepsAndSeconds() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PipelineMetrics metrics = new PipelineMetrics();
    metrics.bindTo(registry);
    metrics.observed("r", "l", 10, 50_000);
    Gauge steps = registry.get("fpk.watermark.lag.steps").tags("run", "r", "layer", "l").gauge();
    Gauge seconds = registry.get("fpk.watermark.lag.time").tags("run", "r", "layer", "l").gauge();
    assertTrue(Double.isNaN(steps.value()), "no watermark yet");
    metrics.aligned(aligned(7, 47_500));
    assertEquals(3, steps.value());
    assertEquals(2.5, seconds.value(), 1e-12);
    metrics.observed("r", "l", 9, 49_000); // older than the newest: changes nothing
    assertEquals(3, steps.value());
    metrics.aligned(aligned(10, 50_000));
    assertEquals(0, steps.value());
    assertEquals(0, seconds.value());
    assertEquals("steps", steps.getId().getBaseUnit());
    assertEquals("seconds", seconds.getId().getBaseUnit());
  }

  @Test
  void shouldLeaveTheTimeLagUnknownWhenSnapshotsCarryNoTime() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PipelineMetrics metrics = new PipelineMetrics();
    metrics.bindTo(registry);
    metrics.observed("r", "l", 4, 0);
    metrics.aligned(aligned(2, 0));
    assertEquals(2, registry.get("fpk.watermark.lag.steps").gauge().value());
    assertTrue(Double.isNaN(registry.get("fpk.watermark.lag.time").gauge().value()));
  }
}
