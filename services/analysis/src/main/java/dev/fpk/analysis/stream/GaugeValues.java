package dev.fpk.analysis.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Settable double gauges of one registry. The registry hands back the gauge of a name and tags
 * registered before, not the value behind it: this keeps the values by name and tags, so a gauge
 * asked for again (another stream, a layer's entries changing) is the same. A double travels as its
 * bit pattern in an AtomicLong (an atomic double without a library for it). Thread-safe.
 */
final class GaugeValues {
  private final MeterRegistry registry;
  private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();

  GaugeValues(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The value behind the gauge of this name and tags, registered on first use. */
  AtomicLong of(String name, String description, String baseUnit, Tags tags) {
    return values.computeIfAbsent(
        name + tags,
        k -> {
          AtomicLong bits = new AtomicLong();
          Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get()))
              .description(description)
              .baseUnit(baseUnit)
              .tags(tags)
              .register(registry);
          return bits;
        });
  }

  static void set(AtomicLong gauge, double value) {
    gauge.set(Double.doubleToLongBits(value));
  }
}
