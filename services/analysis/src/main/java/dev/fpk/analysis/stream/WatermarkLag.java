package dev.fpk.analysis.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * How far the analysis trails the data, per (run, layer): in steps, the newest snapshot step seen
 * minus the watermark (the newest step every live replica has reported and the solver has scored);
 * in time, the production time of that newest snapshot minus that of the watermark step's newest
 * snapshot (event time, so a paused trainer does not look like a slow analysis). Zero when caught
 * up; NaN until both are known (time: while snapshots carry no time). Gauges {@code
 * fpk.watermark.lag.steps} (steps) and {@code fpk.watermark.lag.time} (seconds). Thread-safe.
 */
final class WatermarkLag {
  private final Map<String, Layer> layers = new ConcurrentHashMap<>();
  private volatile @Nullable MeterRegistry registry;

  void bindTo(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * The lag of one (run, layer), its gauges registered on first use: to keep, rather than look up
   * per record.
   */
  Layer layer(String run, String layer) {
    return layers.computeIfAbsent(
        run + "/" + layer,
        k -> {
          Layer l = new Layer();
          MeterRegistry r = registry;
          if (r != null) {
            Tags tags = Tags.of("run", run, "layer", layer);
            Gauge.builder("fpk.watermark.lag.steps", l, Layer::steps)
                .tags(tags)
                .baseUnit("steps")
                .description(
                    "newest snapshot step seen minus the step the solver has scored (the watermark)")
                .register(r);
            Gauge.builder("fpk.watermark.lag.time", l, Layer::seconds)
                .tags(tags)
                .baseUnit("seconds")
                .description(
                    "production time of the newest snapshot seen minus that of the watermark step's newest snapshot")
                .register(r);
          }
          return l;
        });
  }

  /** One (run, layer)'s lag. Guarded by itself. */
  static final class Layer {
    private long newestStep = -1;
    private long newestMillis;
    private long watermark = -1;
    private long watermarkMillis;

    /**
     * A snapshot at {@code step}, produced at {@code timeMillis} (0 = unknown), entered the
     * estimator.
     */
    synchronized void observed(long step, long timeMillis) {
      if (step > newestStep) {
        newestStep = step;
        newestMillis = timeMillis;
      }
    }

    /**
     * The solver scored {@code step}, whose newest snapshot was produced at {@code sourceMillis} (0
     * = unknown).
     */
    synchronized void aligned(long step, long sourceMillis) {
      if (step >= watermark) {
        watermark = step;
        watermarkMillis = sourceMillis;
      }
    }

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
