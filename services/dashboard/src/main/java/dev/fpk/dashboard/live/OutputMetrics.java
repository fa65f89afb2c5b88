package dev.fpk.dashboard.live;

import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.SpectrumUpdate;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Meters of the theory as the outputs describe it, per (run, layer, entry): the Ornstein-Uhlenbeck
 * drift slope (per step), the mean diffusion D (weight units^2 per step, dW = mu dt + sqrt(2D) dB),
 * the Pawula ratio, the estimator's effective sample count and memory (half-life in steps, and
 * whether its drift has a term linear in time), the flow-versus-diffusion share of dp/dt; per (run,
 * layer) the time from a step's newest snapshot to its alignment reaching the dashboard, and the
 * spectral view (tail exponent, Marchenko-Pastur and Wigner KS distances, spikes, Dyson
 * temperature). Tags: run, layer, entry (never a step). Meters appear with the first output that
 * carries them. Thread-safe.
 */
public final class OutputMetrics implements MeterBinder {
  private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
  private final LongSupplier clockMillis;
  private volatile @Nullable MeterRegistry registry;

  public OutputMetrics() {
    this(System::currentTimeMillis);
  }

  /** With a given wall clock (milliseconds since the epoch), for tests. */
  public OutputMetrics(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
  }

  void estimated(DriftDiffusionEstimate e) {
    for (EntryEstimate entry : e.getEntriesList()) {
      Tags tags = tags(e.getRunId(), e.getLayer(), entry.getIndexList());
      gauge(
          "fpk.drift.slope",
          "Ornstein-Uhlenbeck slope of the drift mu(w) = slope*w + intercept; negative = restoring",
          "per.step",
          tags,
          entry.getDriftSlope());
      gauge(
          "fpk.diffusion.mean",
          "increment-weighted mean diffusion D, dW = mu dt + sqrt(2D) dB",
          "weight2.per.step",
          tags,
          entry.getDiffusionMean());
      gauge(
          "fpk.pawula.ratio",
          "Pawula ratio K4/(D^2 dt); large values flag jumps, where a diffusion is the wrong model",
          "ratio",
          tags,
          entry.getPawulaRatio());
      gauge(
          "fpk.estimator.increments",
          "effective (forgetting-weighted) increments behind the estimate, summed over bins",
          "increments",
          tags,
          entry.getCountList().stream().mapToDouble(Double::doubleValue).sum());
      gauge(
          "fpk.estimator.memory",
          "half-life of the memory the estimate comes from (chosen online unless fixed)",
          "steps",
          tags,
          entry.getMemoryHalfLifeSteps());
      gauge(
          "fpk.estimator.drift.time.term",
          "1 when the drift is the memory's line in time per bin, 0 when constant",
          "ratio",
          tags,
          entry.getDriftTimeTerm() ? 1 : 0);
    }
  }

  void flowShares(DensityUpdate d, double[] shares) {
    for (int e = 0; e < shares.length && e < d.getEntriesCount(); e++) {
      gauge(
          "fpk.flow.share",
          "flow share of dp/dt: |drift part| / (|drift part| + |diffusion part|), 1 = drift-dominated",
          "ratio",
          tags(d.getRunId(), d.getLayer(), d.getEntries(e).getIndexList()),
          shares[e]);
    }
  }

  /**
   * The spectral view of a (run, layer) at its newest update. Each base unit is the name's last
   * word, so that the Prometheus names are fpk_spectrum_alpha, fpk_spectrum_mp_ks, ... (Micrometer
   * appends a base unit the name does not end with); the descriptions give the real units.
   */
  void spectrum(SpectrumUpdate u) {
    Tags tags = Tags.of("run", u.getRunId(), "layer", u.getLayer());
    gauge(
        "fpk.spectrum.alpha",
        "power-law tail exponent of the eigenvalues of W W^T, rho(x) ~ x^-alpha (dimensionless;"
            + " heavy-tailed self-regularisation below 4)",
        "alpha",
        tags,
        u.getAlpha());
    gauge(
        "fpk.spectrum.mp.ks",
        "KS distance (0..1) of the eigenvalues to the fitted Marchenko-Pastur law: 0 = random bulk",
        "ks",
        tags,
        u.getMp().getKs());
    gauge(
        "fpk.spectrum.spacing.ks",
        "KS distance (0..1) of the unfolded level spacings to the Wigner surmise: 0 = level repulsion",
        "ks",
        tags,
        u.getSpacingKs());
    gauge(
        "fpk.spectrum.spikes",
        "eigenvalues above the Marchenko-Pastur bulk edge, per replica: learned structure",
        "spikes",
        tags,
        u.getSpikes());
    gauge(
        "fpk.spectrum.temperature",
        "Dyson temperature of the eigenvalue motion since the previous update, weight units^4 per"
            + " unit of eta t (NaN for the first)",
        "temperature",
        tags,
        u.getTemperature());
  }

  void aligned(AlignmentUpdate a) {
    MeterRegistry r = registry;
    if (r == null || a.getSourceTimeUnixMillis() <= 0) {
      return;
    }
    long latency = Math.max(0, clockMillis.getAsLong() - a.getSourceTimeUnixMillis());
    Timer.builder("fpk.analysis.latency")
        .description(
            "from a step's newest snapshot being produced to its alignment reaching the dashboard")
        .tags("run", a.getRunId(), "layer", a.getLayer())
        .register(r)
        .record(Duration.ofMillis(latency));
  }

  /** Entry tag as published: "[i,j]", "[]" in pooled mode. */
  static String entryTag(List<Integer> index) {
    return index.toString().replace(" ", "");
  }

  private static Tags tags(String run, String layer, List<Integer> index) {
    return Tags.of("run", run, "layer", layer, "entry", entryTag(index));
  }

  private void gauge(String name, String description, String baseUnit, Tags tags, double value) {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    // the value travels as its bit pattern: an atomic double without a library for it
    gauges
        .computeIfAbsent(
            name + tags,
            k -> {
              AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
              Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get()))
                  .description(description)
                  .baseUnit(baseUnit)
                  .tags(tags)
                  .strongReference(true)
                  .register(r);
              return bits;
            })
        .set(Double.doubleToLongBits(value));
  }
}
