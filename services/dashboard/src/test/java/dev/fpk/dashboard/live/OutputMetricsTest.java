package dev.fpk.dashboard.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutputMetricsTest {

  @Test
  void shouldExportDriftDiffusionAndFlowSharePerEntry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OutputMetrics metrics = new OutputMetrics(() -> 10_000);
    metrics.bindTo(registry);
    RunStore store = new RunStore(metrics);
    store.onEstimate(driftOnlyAndDiffusionOnly(Outputs.estimate("r", "bottleneck", 5, 2)));
    store.onDensity(Outputs.density("r", "bottleneck", 5, 2));
    Gauge slope =
        registry
            .find("fpk.drift.slope")
            .tags("run", "r", "layer", "bottleneck", "entry", "[0,1]")
            .gauge();
    assertNotNull(slope);
    assertEquals(-0.5, slope.value(), 1e-12);
    assertEquals(
        0.01, registry.get("fpk.diffusion.mean").tags("entry", "[0,0]").gauge().value(), 1e-12);
    assertEquals(
        9 * 50,
        registry.get("fpk.estimator.increments").tags("entry", "[0,0]").gauge().value(),
        1e-9);
    // entry [0,0] has no diffusion, so all of dp/dt is flow; entry [0,1] no drift, so none of it is
    assertEquals(1, registry.get("fpk.flow.share").tags("entry", "[0,0]").gauge().value(), 0);
    assertEquals(0, registry.get("fpk.flow.share").tags("entry", "[0,1]").gauge().value(), 0);
    for (Meter m : registry.getMeters()) {
      assertNotNull(m.getId().getDescription(), m.getId().getName() + " has a description");
      assertNotNull(m.getId().getBaseUnit(), m.getId().getName() + " has a base unit");
      assertTrue(
          m.getId().getTags().stream().allMatch(t -> t.getKey().matches("run|layer|entry")),
          m.getId().toString());
    }
  }

  /**
   * Entry [0,0] with its diffusion set to zero in every bin, entry [0,1] with its drift set to
   * zero.
   */
  private static DriftDiffusionEstimate driftOnlyAndDiffusionOnly(DriftDiffusionEstimate e) {
    DriftDiffusionEstimate.Builder b = e.toBuilder();
    EntryEstimate.Builder driftOnly = b.getEntriesBuilder(0);
    EntryEstimate.Builder diffusionOnly = b.getEntriesBuilder(1);
    for (int i = 0; i < driftOnly.getGridCount(); i++) {
      driftOnly.setDiffusion(i, 0);
      diffusionOnly.setDrift(i, 0);
    }
    return b.build();
  }

  @Test
  void shouldTimeFromSnapshotToAlignment() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OutputMetrics metrics = new OutputMetrics(() -> 10_000);
    metrics.bindTo(registry);
    new RunStore(metrics).onAlignment(Outputs.alignment("r", "l", 1, 1, 9_250));
    Timer latency = registry.get("fpk.analysis.latency").tags("run", "r", "layer", "l").timer();
    assertEquals(1, latency.count());
    assertEquals(750, latency.totalTime(TimeUnit.MILLISECONDS), 1e-9);
  }
}
