package dev.fpk.dashboard.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.dashboard.store.SpectrumPoint;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
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
  void shouldExportTheSpectralViewPerLayerUnderItsPrometheusNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OutputMetrics metrics = new OutputMetrics();
    metrics.bindTo(registry);
    RunStore store = new RunStore(metrics);
    store.accept(Topics.SPECTRUM, Outputs.spectrum("r", "fc1", 20).toByteArray());
    store.accept(Topics.SPECTRUM, Outputs.spectrum("r", "fc1", 30).toByteArray());
    // a late older update (an analysis resumed from its checkpoints) does not replace the newest
    store.accept(Topics.SPECTRUM, Outputs.spectrum("r", "fc1", 10).toByteArray());
    String text = registry.scrape();
    String tags = "{layer=\"fc1\",run=\"r\"}";
    assertTrue(text.contains("fpk_spectrum_alpha" + tags + " 2.3"), text);
    assertTrue(text.contains("fpk_spectrum_mp_ks" + tags + " 0.125"), text);
    assertTrue(text.contains("fpk_spectrum_spacing_ks" + tags + " 0.25"), text);
    assertTrue(text.contains("fpk_spectrum_spikes" + tags + " 1.5"), text);
    assertTrue(text.contains("fpk_spectrum_temperature" + tags + " 0.03"), text);
    assertEquals(
        List.of(10L, 20L, 30L),
        store.spectrum("r", "fc1").orElseThrow().series().stream()
            .map(SpectrumPoint::step)
            .toList(),
        "the series has every step, in order");
    assertEquals(30, store.spectrum("r", "fc1").orElseThrow().latest().getStep());
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
