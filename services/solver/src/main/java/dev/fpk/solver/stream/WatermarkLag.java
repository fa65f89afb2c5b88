package dev.fpk.solver.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * How far the analysis trails the data, per (run, layer): in steps, the newest snapshot step seen
 * minus the watermark (the newest step every live replica has reported and the solver has
 * scored); in time, the production time of that newest snapshot minus that of the watermark
 * step's newest snapshot (event time, so a paused trainer does not look like a slow analysis).
 * Zero when caught up; NaN until both are known (time: while snapshots carry no time). Gauges
 * {@code fpk.watermark.lag.steps} (steps) and {@code fpk.watermark.lag.time} (seconds). Thread-safe.
 */
final class WatermarkLag {
  private final Map<String, Layer> layers = new ConcurrentHashMap<>();
  private volatile @Nullable MeterRegistry registry;

  void bindTo(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A snapshot of the (run, layer) at {@code step}, produced at {@code timeMillis} (0 = unknown), entered the estimator. */
  void observed(String run, String layer, long step, long timeMillis) {
    Layer l = layer(run, layer);
    synchronized (l) {
      if (step > l.newestStep) {
        l.newestStep = step;
        l.newestMillis = timeMillis;
      }
    }
  }

  /** The solver scored {@code step}, whose newest snapshot was produced at {@code sourceMillis} (0 = unknown). */
  void aligned(String run, String layer, long step, long sourceMillis) {
    Layer l = layer(run, layer);
    synchronized (l) {
      if (step >= l.watermark) {
        l.watermark = step;
        l.watermarkMillis = sourceMillis;
      }
    }
  }

  private Layer layer(String run, String layer) {
    return layers.computeIfAbsent(run + "/" + layer, k -> {
      Layer l = new Layer();
      MeterRegistry r = registry;
      if (r != null) {
        Tags tags = Tags.of("run", run, "layer", layer);
        Gauge.builder("fpk.watermark.lag.steps", l, Layer::steps).tags(tags).baseUnit("steps")
            .description("newest snapshot step seen minus the step the solver has scored (the watermark)")
            .register(r);
        Gauge.builder("fpk.watermark.lag.time", l, Layer::seconds).tags(tags).baseUnit("seconds")
            .description("production time of the newest snapshot seen minus that of the watermark step's newest snapshot")
            .register(r);
      }
      return l;
    });
  }

  /** Guarded by itself. */
  private static final class Layer {
    long newestStep = -1;
    long newestMillis;
    long watermark = -1;
    long watermarkMillis;

    synchronized double steps() {
      return newestStep < 0 || watermark < 0 ? Double.NaN : Math.max(0, newestStep - watermark);
    }

    synchronized double seconds() {
      if (newestStep < 0 || watermark < 0 || newestMillis <= 0 || watermarkMillis <= 0) {
        return Double.NaN;
      }
      return Math.max(0, newestMillis - watermarkMillis) / 1000.0;
    }
  }
}
