package dev.fpk.analysis.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fpk.protocol.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The event counters exist at zero before their first event (Prometheus' advice "avoid missing
 * metrics"): every reject reason and the skipped checkpoints as soon as the meters are bound, the
 * snapshot and replica counters of a (run, layer) as soon as it is first seen, so no dashboard
 * panel says "no data" on a healthy run. Then each counts its own events only.
 */
class CountersAtZeroTest {
  static final String[] LAYER_COUNTERS = {
    "fpk.snapshots.in",
    "fpk.snapshots.duplicate",
    "fpk.snapshots.late",
    "fpk.snapshots.replayed",
    "fpk.replicas.gone"
  };

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final PipelineMetrics metrics = new PipelineMetrics();

  double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void shouldRegisterEveryRejectReasonAndTheUnrestorableCheckpointsAtZeroWhenBound() {
    metrics.bindTo(registry);
    for (RejectReason reason : RejectReason.values()) {
      assertEquals(0, count("fpk.snapshots.rejected", "reason", reason.wireName()), reason.name());
    }
    assertEquals(0, count("fpk.checkpoint.unrestorable"));
    metrics.rejected(RejectReason.NON_FINITE);
    metrics.rejected(RejectReason.NON_FINITE);
    metrics.checkpointUnrestorable();
    assertEquals(2, count("fpk.snapshots.rejected", "reason", "non_finite"));
    assertEquals(0, count("fpk.snapshots.rejected", "reason", "bad_shape"));
    assertEquals(1, count("fpk.checkpoint.unrestorable"));
  }

  @Test
  void shouldRegisterALayersCountersAtZeroWhenTheLayerIsFirstSeen() {
    metrics.bindTo(registry);
    for (String name : LAYER_COUNTERS) {
      assertNull(registry.find(name).counter(), name + " before any (run, layer) was seen");
    }
    // the first snapshot of (r, fc1) is observed before it is accepted, duplicate or late
    metrics.observed("r", "fc1", 0, 0);
    for (String name : LAYER_COUNTERS) {
      assertEquals(0, count(name, "run", "r", "layer", "fc1"), name);
    }
    metrics.accepted("r", "fc1");
    metrics.late("r", "fc1");
    metrics.replicasGone("r", "fc1", 3);
    metrics.replicasGone("r", "fc1", 0);
    assertEquals(1, count("fpk.snapshots.in", "run", "r", "layer", "fc1"));
    assertEquals(1, count("fpk.snapshots.late", "run", "r", "layer", "fc1"));
    assertEquals(3, count("fpk.replicas.gone", "run", "r", "layer", "fc1"));
    assertEquals(0, count("fpk.snapshots.duplicate", "run", "r", "layer", "fc1"));
    assertEquals(0, count("fpk.snapshots.replayed", "run", "r", "layer", "fc1"));
    Counter other = registry.find("fpk.snapshots.in").tags("run", "r", "layer", "fc2").counter();
    assertNull(other, "a layer not seen has no counters");
  }
}
