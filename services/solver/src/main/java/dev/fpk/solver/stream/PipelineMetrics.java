package dev.fpk.solver.stream;

import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.HorizonForecast;
import dev.fpk.protocol.v1.OutputComparison;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The analysis pipeline's meters: snapshots in, rejected (by reason), duplicate and late;
 * completed steps and solver time; the latest alignment figures per (run, layer, entry), the
 * forecast skill per baseline and horizon, and the output-distribution distances per (run, layer,
 * model). Tags are bounded to run, layer, entry, reject reason, baseline, forecast horizon (the
 * configured list) and theory model, never a step. Thread-safe.
 */
public final class PipelineMetrics implements MeterBinder {
  private volatile MeterRegistry registry;
  private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
  private final AtomicLong watermark = new AtomicLong(-1);
  private final WatermarkLag lag = new WatermarkLag();

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("fpk.watermark", watermark, AtomicLong::doubleValue).baseUnit("steps")
        .description("newest step the solver has scored (the step watermark), over every run and layer").register(registry);
    lag.bindTo(registry);
  }

  /** A snapshot at {@code step}, produced at {@code timeMillis} (0 = unknown), entered its estimator: for the watermark lag. */
  void observed(String run, String layer, long step, long timeMillis) {
    lag.observed(run, layer, step, timeMillis);
  }

  void accepted(String run, String layer) {
    counter("fpk.snapshots.in", "snapshots accepted into the estimators", Tags.of("run", run, "layer", layer));
  }

  void rejected(String reason) {
    counter("fpk.snapshots.rejected", "snapshots rejected to the dead-letter topic", Tags.of("reason", reason));
  }

  void duplicate(String run, String layer) {
    counter("fpk.snapshots.duplicate", "exact duplicate snapshots dropped", Tags.of("run", run, "layer", layer));
  }

  void late(String run, String layer) {
    counter("fpk.snapshots.late", "snapshots behind the step watermark", Tags.of("run", run, "layer", layer));
  }

  void replayed(String run, String layer) {
    counter("fpk.snapshots.replayed", "snapshots skipped as already held by a restored checkpoint",
        Tags.of("run", run, "layer", layer));
  }

  void replicasGone(String run, String layer, int replicas) {
    if (registry != null && replicas > 0) {
      Counter.builder("fpk.replicas.gone").description("replicas declared gone after the replica timeout")
          .baseUnit("replicas").tags(Tags.of("run", run, "layer", layer)).register(registry).increment(replicas);
    }
  }

  void checkpointed(long bytes) {
    if (registry != null) {
      io.micrometer.core.instrument.DistributionSummary.builder("fpk.checkpoint.size")
          .description("size of one entity checkpoint record").baseUnit("bytes").register(registry).record(bytes);
    }
  }

  void checkpointTooLarge() {
    if (registry != null) {
      Counter.builder("fpk.checkpoint.skipped").description("entity checkpoints not taken: state above fpk.checkpoint.max-bytes")
          .baseUnit("checkpoints").register(registry).increment();
    }
  }

  void solved(long nanos, int steps) {
    if (registry != null && steps > 0) {
      Timer.builder("fpk.solver.step.time").description("time to advance and score one (run, layer) step")
          .register(registry).record(nanos / steps, TimeUnit.NANOSECONDS);
    }
  }

  void aligned(AlignmentUpdate update) {
    watermark.accumulateAndGet(update.getStep(), Math::max);
    lag.aligned(update.getRunId(), update.getLayer(), update.getStep(), update.getSourceTimeUnixMillis());
    for (EntryAlignment e : update.getEntriesList()) {
      String entry = e.getIndexList().toString().replace(" ", "");
      Tags tags = Tags.of("run", update.getRunId(), "layer", update.getLayer(), "entry", entry);
      gauge("fpk.alignment.w1", "Wasserstein-1 between FP density and replicas", "weight.units", tags, e.getW1());
      gauge("fpk.alignment.js", "Jensen-Shannon divergence between FP density and replicas", "nats", tags, e.getJs());
      gauge("fpk.alignment.hellinger", "Hellinger distance between FP density and replicas, in [0, 1]", "ratio", tags,
          e.getHellinger());
      for (HorizonForecast f : e.getForecastsList()) {
        Tags horizon = tags.and("horizon", Integer.toString(f.getHorizon()));
        forecastSkill(horizon, "nothing_changes", f.getW1(), f.getStaticW1());
        forecastSkill(horizon, "gaussian_moments", f.getW1(), f.getGaussianW1());
      }
    }
    for (OutputComparison o : update.getOutputsList()) {
      Tags layer = Tags.of("run", update.getRunId(), "layer", update.getLayer());
      Tags model = layer.and("model", o.getModel());
      gauge("fpk.output.sliced.w1", "sliced Wasserstein-1 between the outputs y = W h on the probe inputs of "
          + "theory-drawn and of the replicas' matrices", "output.units", model, o.getSlicedW1());
      gauge("fpk.output.energy", "energy distance between the outputs y = W h of theory-drawn and of the replicas' "
          + "matrices", "output.units", model, o.getEnergy());
      gauge("fpk.output.sliced.w1.floor", "sliced Wasserstein-1 between the outputs of the two halves of the "
          + "replicas: the sampling floor", "output.units", layer, o.getSlicedW1Floor());
      gauge("fpk.output.energy.floor", "energy distance between the outputs of the two halves of the replicas: "
          + "the sampling floor", "output.units", layer, o.getEnergyFloor());
    }
  }

  /** Skill 1 - W1(forecast) / W1(baseline): 1 perfect, 0 no better than the baseline, negative worse. */
  private void forecastSkill(Tags tags, String baseline, double forecastW1, double baselineW1) {
    gauge("fpk.forecast.skill", "skill of the Fokker-Planck forecast over a baseline, 1 - W1(forecast)/W1(baseline)",
        "ratio", tags.and("baseline", baseline), 1 - forecastW1 / baselineW1);
  }

  private void counter(String name, String description, Tags tags) {
    if (registry != null) {
      Counter.builder(name).description(description).baseUnit("snapshots").tags(tags).register(registry).increment();
    }
  }

  private void gauge(String name, String description, String baseUnit, Tags tags, double value) {
    if (registry == null) {
      return;
    }
    // the value travels as its bit pattern: an atomic double without a library for it
    gauges.computeIfAbsent(name + tags, k -> {
      AtomicLong bits = new AtomicLong();
      Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get())).description(description).baseUnit(baseUnit)
          .tags(tags).register(registry);
      return bits;
    }).set(Double.doubleToLongBits(value));
  }
}
