package dev.fpk.analysis.stream;

import dev.fpk.analysis.checkpoint.RestoreMeters;
import dev.fpk.protocol.RejectReason;
import dev.fpk.protocol.v1.AlignmentUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The analysis pipeline's meters: snapshots in, rejected (by reason), duplicate and late; completed
 * steps and solver time; the latest alignment figures per (run, layer, entry), the forecast skill
 * per baseline and horizon, and the output-distribution distances per (run, layer, model). Tags are
 * bounded to run, layer, entry, reject reason, baseline, forecast horizon (the configured list) and
 * theory model, never a step. Thread-safe.
 *
 * <p>The meters of one (run, layer) are found once, in its {@link LayerMeters} ({@link #layer}),
 * which the stream keeps: one alignment update sets about 3 gauges per entry, and looking each up
 * by name and tags cost 4% of the analysis's CPU (a key string built per gauge and update).
 */
public final class PipelineMetrics implements MeterBinder, RestoreMeters {
  private volatile MeterRegistry registry;
  private volatile GaugeValues gauges;
  private final Map<String, Map<String, LayerMeters>> layers = new ConcurrentHashMap<>();
  private final AtomicLong watermark = new AtomicLong(-1);
  private final WatermarkLag lag = new WatermarkLag();
  private volatile Timer solverTime;

  /** One per {@link RejectReason}, registered at zero when bound. */
  private volatile Map<RejectReason, Counter> rejected = Map.of();

  private volatile Counter checkpointsUnrestorable;

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    this.gauges = new GaugeValues(registry);
    Gauge.builder("fpk.watermark", watermark, AtomicLong::doubleValue)
        .baseUnit("steps")
        .description(
            "newest step the solver has scored (the step watermark), over every run and layer")
        .register(registry);
    solverTime =
        Timer.builder("fpk.solver.step.time")
            .description("time to advance and score one (run, layer) step")
            .register(registry);
    lag.bindTo(registry);
    // every counter whose tags are known in advance exists at zero from the start, so a dashboard
    // shows 0 rather than no data on a healthy run (Prometheus: avoid missing metrics)
    Map<RejectReason, Counter> byReason = new EnumMap<>(RejectReason.class);
    for (RejectReason reason : RejectReason.values()) {
      byReason.put(
          reason,
          Counter.builder("fpk.snapshots.rejected")
              .description("snapshots rejected to the dead-letter topic")
              .baseUnit("snapshots")
              .tags(Tags.of("reason", reason.wireName()))
              .register(registry));
    }
    rejected = byReason; // not changed after this
    checkpointsUnrestorable =
        Counter.builder("fpk.checkpoint.unrestorable")
            .description(
                "entity checkpoints found incomplete or corrupt at a restore: started afresh")
            .baseUnit("checkpoints")
            .register(registry);
  }

  /** The meters of one (run, layer), registered on first use (none while no registry is bound). */
  LayerMeters layer(String run, String layer) {
    Map<String, LayerMeters> ofRun = layers.computeIfAbsent(run, r -> new ConcurrentHashMap<>());
    LayerMeters m = ofRun.get(layer);
    if (m != null) {
      return m;
    }
    MeterRegistry r = registry;
    if (r == null) {
      return new LayerMeters(
          this, null, null, run, layer, lag.layer(run, layer)); // not kept: a registry may come
    }
    GaugeValues g = gauges;
    return ofRun.computeIfAbsent(
        layer, l -> new LayerMeters(this, r, g, run, l, lag.layer(run, l)));
  }

  /**
   * A snapshot at {@code step}, produced at {@code timeMillis} (0 = unknown), entered its
   * estimator: for the watermark lag.
   */
  void observed(String run, String layer, long step, long timeMillis) {
    layer(run, layer).observed(step, timeMillis);
  }

  void accepted(String run, String layer) {
    layer(run, layer).accepted();
  }

  /** A dead letter for {@code reason}. */
  void rejected(RejectReason reason) {
    Counter c = rejected.get(reason);
    if (c != null) {
      c.increment();
    }
  }

  void duplicate(String run, String layer) {
    layer(run, layer).duplicate();
  }

  void late(String run, String layer) {
    layer(run, layer).late();
  }

  void replayed(String run, String layer) {
    layer(run, layer).replayed();
  }

  void replicasGone(String run, String layer, int replicas) {
    layer(run, layer).replicasGone(replicas);
  }

  /** One entity checkpoint written: its state's bytes, in this many records. */
  void checkpointed(long bytes, int records) {
    MeterRegistry r = registry;
    if (r != null) {
      DistributionSummary.builder("fpk.checkpoint.size")
          .description("size of one entity checkpoint (estimator and solver state)")
          .baseUnit("bytes")
          .register(r)
          .record(bytes);
      DistributionSummary.builder("fpk.checkpoint.records")
          .description("records one entity checkpoint takes: its chunks with the manifest")
          .baseUnit("records")
          .register(r)
          .record(records);
    }
  }

  @Override
  public void checkpointRestored(int records, long bytes) {
    MeterRegistry r = registry;
    if (r != null) {
      DistributionSummary.builder("fpk.checkpoint.restored")
          .description("records an entity checkpoint was restored from (chunks and manifest)")
          .baseUnit("records")
          .register(r)
          .record(records);
    }
  }

  /**
   * An entity checkpoint found incomplete or corrupt when its entity started: it started from
   * scratch (the checkpoint loader logs which and why).
   */
  @Override
  public void checkpointUnrestorable() {
    Counter c = checkpointsUnrestorable;
    if (c != null) {
      c.increment();
    }
  }

  void solved(long nanos, int steps) {
    Timer t = solverTime;
    if (t != null && steps > 0) {
      t.record(nanos / steps, TimeUnit.NANOSECONDS);
    }
  }

  /** One spectrum computed, in {@code cpuNanos} of its thread's CPU time. */
  void spectrumComputed(long cpuNanos) {
    MeterRegistry r = registry;
    if (r != null) {
      Timer.builder("fpk.spectrum.compute.time")
          .description(
              "thread CPU time of one spectral update (eigenvalues of every replica and the fits)")
          .register(r)
          .record(cpuNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** A step due for a spectrum was replaced by a newer one of its layer before its turn. */
  void spectrumSkipped(String run, String layer) {
    MeterRegistry r = registry;
    if (r != null) {
      Counter.builder("fpk.spectrum.skipped")
          .description("windows without a spectrum: the spectral stage was busy with others")
          .baseUnit("steps")
          .tags("run", run, "layer", layer)
          .register(r)
          .increment();
    }
  }

  void aligned(AlignmentUpdate update) {
    layer(update.getRunId(), update.getLayer()).aligned(update);
  }

  /** The solver scored {@code step}: the watermark over every run and layer. */
  void watermark(long step) {
    watermark.accumulateAndGet(step, Math::max);
  }
}
