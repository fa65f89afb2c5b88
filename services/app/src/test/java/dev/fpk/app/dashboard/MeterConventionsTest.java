package dev.fpk.app.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.analysis.sharding.Passivation;
import dev.fpk.analysis.stream.PipelineMetrics;
import dev.fpk.analysis.stream.PipelineMetricsExerciser;
import dev.fpk.dashboard.live.OutputMetrics;
import dev.fpk.dashboard.live.RunStore;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.SpectrumUpdate;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every meter fpk's own binders register (pipeline, outputs, consumer lag) follows the metric
 * conventions: a dot-separated lower-case name under fpk, a description, a base unit, and tags only
 * from a small bounded set (never a step).
 */
class MeterConventionsTest {
  // "baseline" takes two values: nothing_changes, gaussian_moments; "horizon" the configured
  // forecast horizons (fpk.solver.forecast-horizons-steps); "model" entrywise or joint; "type" the
  // entity type, estimator or solver; "selection" the kind of entry selection (all, stride, rows,
  // cols, list), never its text
  private static final Set<String> BOUNDED_TAGS =
      Set.of(
          "run",
          "layer",
          "entry",
          "reason",
          "group",
          "topic",
          "baseline",
          "horizon",
          "model",
          "type",
          "selection");

  @Test
  void shouldNameDescribeAndUnitEveryMeterWithBoundedTags() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PipelineMetrics pipeline = new PipelineMetrics();
    pipeline.bindTo(registry);
    PipelineMetricsExerciser.exercise(pipeline);
    Passivation.counter(registry, "estimator").increment();
    OutputMetrics outputs = new OutputMetrics();
    outputs.bindTo(registry);
    RunStore store = new RunStore(outputs);
    store.bindTo(registry);
    EntryEstimate.Builder est =
        EntryEstimate.newBuilder().addIndex(1).addIndex(2).setDriftSlope(-1).setDiffusionMean(1);
    EntryDensity.Builder d = EntryDensity.newBuilder().addIndex(1).addIndex(2).addEdges(0);
    for (int i = 0; i < 4; i++) {
      est.addGrid(i + 0.5).addDrift(-i).addDiffusion(1).addCount(3);
      d.addEdges(i + 1).addTheory(0.25).addEmpirical(0.25);
    }
    store.onEstimate(
        DriftDiffusionEstimate.newBuilder().setRunId("r").setLayer("l").addEntries(est).build());
    store.onDensity(DensityUpdate.newBuilder().setRunId("r").setLayer("l").addEntries(d).build());
    store.onAlignment(
        AlignmentUpdate.newBuilder()
            .setRunId("r")
            .setLayer("l")
            .setSourceTimeUnixMillis(1)
            .addEntries(EntryAlignment.newBuilder().addIndex(1).addIndex(2))
            .build());
    store.onSpectrum(
        SpectrumUpdate.newBuilder().setRunId("r").setLayer("l").setStep(1).setAlpha(3).build());
    try (ConsumerLagMetrics lag = ConsumerLagMetrics.polledByHand("g", "t", topic -> 0)) {
      lag.bindTo(registry);
    }
    List<String> problems = new ArrayList<>();
    for (Meter m : registry.getMeters()) {
      Meter.Id id = m.getId();
      if (!id.getName().matches("fpk(\\.[a-z0-9]+)+")) {
        problems.add(id.getName() + ": not a dot-separated lower-case fpk name");
      }
      if (id.getDescription() == null || id.getDescription().isBlank()) {
        problems.add(id.getName() + ": no description");
      }
      if (id.getBaseUnit() == null || id.getBaseUnit().isBlank()) {
        problems.add(id.getName() + ": no base unit");
      }
      id.getTags().stream()
          .filter(t -> !BOUNDED_TAGS.contains(t.getKey()))
          .forEach(t -> problems.add(id.getName() + ": unbounded tag " + t.getKey()));
    }
    assertTrue(
        registry.getMeters().size() >= 20,
        "the binders registered their meters: " + registry.getMeters().size());
    assertEquals(List.of(), problems);
  }
}
