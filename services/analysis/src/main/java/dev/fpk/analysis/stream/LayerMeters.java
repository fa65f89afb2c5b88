package dev.fpk.analysis.stream;

import static dev.fpk.analysis.stream.GaugeValues.set;

import dev.fpk.estimator.EntrySelection;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.HorizonForecast;
import dev.fpk.protocol.v1.OutputComparison;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one (run, layer), looked up once and kept (see {@link PipelineMetrics}): the
 * snapshot counters (registered at zero with the layer, so a healthy run's dashboards show 0 rather
 * than no data), the watermark lag, and the alignment gauges, kept by the entry's position in the
 * update (the solver writes a layer's entries in the same order every step; an entry at a position
 * that changed index is looked up again). Without a registry it counts nothing. Thread-safe.
 */
final class LayerMeters {
  private final PipelineMetrics metrics;
  private final @Nullable MeterRegistry registry;
  private final @Nullable GaugeValues gauges;
  private final Tags tags;
  private final WatermarkLag.Layer lag;
  // registered at zero when the (run, layer) is first seen; null without a registry
  private final @Nullable Counter in;
  private final @Nullable Counter duplicate;
  private final @Nullable Counter late;
  private final @Nullable Counter replayed;
  private final @Nullable Counter gone;

  /** Guarded by this. */
  private final List<EntryGauges> entries = new ArrayList<>();

  /** Guarded by this. */
  private final Map<String, AtomicLong[]> models = new HashMap<>();

  /**
   * The watched entries' gauge and the selection it is tagged with (null before the first
   * alignment); guarded by this.
   */
  private @Nullable AtomicLong watched;

  private @Nullable String watchedSelection;

  private @Nullable AtomicLong matrixEntries;

  /** The two sampling floors of the output distances, per (run, layer); guarded by this. */
  private AtomicLong @Nullable [] floors;

  LayerMeters(
      PipelineMetrics metrics,
      @Nullable MeterRegistry registry,
      @Nullable GaugeValues gauges,
      String run,
      String layer,
      WatermarkLag.Layer lag) {
    this.metrics = metrics;
    this.registry = registry;
    this.gauges = gauges;
    this.tags = Tags.of("run", run, "layer", layer);
    this.lag = lag;
    this.in = counter("fpk.snapshots.in", "snapshots accepted into the estimators", "snapshots");
    this.duplicate =
        counter("fpk.snapshots.duplicate", "exact duplicate snapshots dropped", "snapshots");
    this.late = counter("fpk.snapshots.late", "snapshots behind the step watermark", "snapshots");
    this.replayed =
        counter(
            "fpk.snapshots.replayed",
            "snapshots skipped as already held by a restored checkpoint",
            "snapshots");
    this.gone =
        counter(
            "fpk.replicas.gone", "replicas declared gone after the replica timeout", "replicas");
  }

  /**
   * A snapshot at {@code step}, produced at {@code timeMillis} (0 = unknown), entered its
   * estimator.
   */
  void observed(long step, long timeMillis) {
    lag.observed(step, timeMillis);
  }

  void accepted() {
    count(in, 1);
  }

  void duplicate() {
    count(duplicate, 1);
  }

  void late() {
    count(late, 1);
  }

  void replayed() {
    count(replayed, 1);
  }

  void replicasGone(int replicas) {
    count(gone, replicas);
  }

  /** A counter of this (run, layer), registered at zero; null without a registry. */
  private @Nullable Counter counter(String name, String description, String unit) {
    return registry == null
        ? null
        : Counter.builder(name)
            .description(description)
            .baseUnit(unit)
            .tags(tags)
            .register(registry);
  }

  private static void count(@Nullable Counter c, double n) {
    if (c != null && n > 0) {
      c.increment(n);
    }
  }

  /**
   * The latest alignment figures: the watermark, the lag, and the gauges of every entry and model.
   */
  void aligned(AlignmentUpdate update) {
    metrics.watermark(update.getStep());
    lag.aligned(update.getStep(), update.getSourceTimeUnixMillis());
    if (gauges == null) {
      return;
    }
    synchronized (this) {
      watched(update);
      for (int i = 0; i < update.getEntriesCount(); i++) {
        EntryAlignment e = update.getEntries(i);
        EntryGauges g = entry(i, e);
        set(g.w1, e.getW1());
        set(g.js, e.getJs());
        set(g.hellinger, e.getHellinger());
        g.verdict(update.getStep(), e);
        for (int f = 0; f < e.getForecastsCount(); f++) {
          HorizonForecast h = e.getForecasts(f);
          AtomicLong[] skill = g.skill(h.getHorizon());
          // skill 1 - W1(forecast) / W1(baseline): 1 perfect, 0 no better than the baseline,
          // negative worse
          set(skill[0], 1 - h.getW1() / h.getStaticW1());
          set(skill[1], 1 - h.getW1() / h.getGaussianW1());
        }
      }
      for (int i = 0; i < update.getOutputsCount(); i++) {
        OutputComparison o = update.getOutputs(i);
        AtomicLong[] m = models.computeIfAbsent(o.getModel(), this::modelGauges);
        set(m[0], o.getSlicedW1());
        set(m[1], o.getEnergy());
        if (floors == null) {
          floors = floorGauges();
        }
        set(floors[0], o.getSlicedW1Floor());
        set(floors[1], o.getEnergyFloor());
      }
    }
  }

  /**
   * How many entries the layer's analysis watches, tagged with the kind of selection ({@code
   * fpk.entries}: all, stride, rows, cols or list; a bounded tag, where the whole text, a list of
   * any length, is in the report and on the page), and how many the whole matrix has.
   */
  private void watched(AlignmentUpdate update) {
    String text = update.getWatchedEntries(); // empty before v1.6: all
    if (!text.equals(watchedSelection)) { // parsed when it changes, not at every step
      String selection = EntrySelection.parse(text).kind().name().toLowerCase(Locale.ROOT);
      if (watched != null) {
        set(watched, Double.NaN); // the selection changed (a restart): the old series ends
      }
      watched =
          gauges.of(
              "fpk.layer.watched",
              "entries of the layer whose drift, diffusion, density and alignment are analysed"
                  + " (fpk.entries; tag selection: its kind)",
              "entries",
              tags.and("selection", selection));
      watchedSelection = text;
      matrixEntries =
          gauges.of("fpk.layer.matrix", "entries of the layer's whole matrix", "entries", tags);
    }
    set(watched, update.getEntriesCount());
    if (update.getShapeCount() > 0) {
      set(
          matrixEntries,
          update.getShapeList().stream()
              .mapToDouble(Integer::doubleValue)
              .reduce(1, (a, b) -> a * b));
    }
  }

  /**
   * The gauges of the entry at position {@code i}, found again only when its index is not the one
   * kept there.
   */
  private EntryGauges entry(int i, EntryAlignment e) {
    if (i < entries.size() && entries.get(i).index.equals(e.getIndexList())) {
      return entries.get(i);
    }
    EntryGauges g = new EntryGauges(List.copyOf(e.getIndexList()));
    if (i < entries.size()) {
      entries.set(i, g);
    } else {
      entries.add(g); // i == entries.size(): positions are visited in order
    }
    return g;
  }

  private AtomicLong[] modelGauges(String model) {
    Tags t = tags.and("model", model);
    return new AtomicLong[] {
      gauges.of(
          "fpk.output.sliced.w1",
          "sliced Wasserstein-1 between the outputs y = W h on the probe inputs of "
              + "theory-drawn and of the replicas' matrices",
          "output.units",
          t),
      gauges.of(
          "fpk.output.energy",
          "energy distance between the outputs y = W h of theory-drawn and of the replicas' "
              + "matrices",
          "output.units",
          t)
    };
  }

  private AtomicLong[] floorGauges() {
    return new AtomicLong[] {
      gauges.of(
          "fpk.output.sliced.w1.floor",
          "sliced Wasserstein-1 between the outputs of the two halves of the "
              + "replicas: the sampling floor",
          "output.units",
          tags),
      gauges.of(
          "fpk.output.energy.floor",
          "energy distance between the outputs of the two halves of the replicas: "
              + "the sampling floor",
          "output.units",
          tags)
    };
  }

  /**
   * One entry's gauges: three distances, the bootstrap verdict (floor, p-value and the run of
   * consecutive rejected steps), and the forecast skill per horizon over the two baselines.
   */
  private final class EntryGauges {
    /** The verdict's level: a step whose p-value is below it rejects the theory. */
    static final double LEVEL = 0.05;

    final List<Integer> index;
    final Tags entryTags;
    final AtomicLong w1;
    final AtomicLong js;
    final AtomicLong hellinger;
    final AtomicLong floor;
    final AtomicLong pValue;
    final AtomicLong rejectedStreak;
    long streak;
    long lastStep = Long.MIN_VALUE;

    /**
     * Horizons seen so far (a handful, configured) and their skills {nothing_changes,
     * gaussian_moments}.
     */
    int[] horizons = new int[0];

    AtomicLong[][] skills = new AtomicLong[0][];

    EntryGauges(List<Integer> index) {
      this.index = index;
      this.entryTags = tags.and("entry", index.toString().replace(" ", ""));
      this.w1 =
          gauges.of(
              "fpk.alignment.w1",
              "Wasserstein-1 between FP density and replicas",
              "weight.units",
              entryTags);
      this.js =
          gauges.of(
              "fpk.alignment.js",
              "Jensen-Shannon divergence between FP density and replicas",
              "nats",
              entryTags);
      this.hellinger =
          gauges.of(
              "fpk.alignment.hellinger",
              "Hellinger distance between FP density and replicas, in [0, 1]",
              "ratio",
              entryTags);
      this.floor =
          gauges.of(
              "fpk.alignment.bootstrap.floor.w1",
              "mean Wasserstein-1 between the FP density and as many draws from it as there are replicas",
              "weight.units",
              entryTags);
      this.pValue =
          gauges.of(
              "fpk.alignment.p.value",
              "share of the bootstrap's draws at least as far from the FP density as the replicas are",
              "ratio",
              entryTags);
      this.rejectedStreak =
          gauges.of(
              "fpk.theory.rejected.streak",
              "consecutive analysed steps at which the replicas rejected the FP density (p-value below 0.05)",
              "steps",
              entryTags);
    }

    /**
     * The verdict of a step: a p-value below {@link #LEVEL} lengthens the streak, one at or above
     * it ends it, none (NaN) leaves it; a step seen again (a resumed stream republishes) counts
     * once.
     */
    void verdict(long step, EntryAlignment e) {
      set(floor, e.getBootstrapFloorW1());
      set(pValue, e.getPValue());
      if (step <= lastStep) {
        return;
      }
      lastStep = step;
      if (e.getPValue() < LEVEL) {
        streak++;
      } else if (e.getPValue() >= LEVEL) {
        streak = 0;
      }
      set(rejectedStreak, streak);
    }

    AtomicLong[] skill(int horizon) {
      for (int i = 0; i < horizons.length; i++) {
        if (horizons[i] == horizon) {
          return skills[i];
        }
      }
      Tags h = entryTags.and("horizon", Integer.toString(horizon));
      AtomicLong[] skill = {skillGauge(h, "nothing_changes"), skillGauge(h, "gaussian_moments")};
      horizons = java.util.Arrays.copyOf(horizons, horizons.length + 1);
      horizons[horizons.length - 1] = horizon;
      skills = java.util.Arrays.copyOf(skills, skills.length + 1);
      skills[skills.length - 1] = skill;
      return skill;
    }

    private AtomicLong skillGauge(Tags horizon, String baseline) {
      return gauges.of(
          "fpk.forecast.skill",
          "skill of the Fokker-Planck forecast over a baseline, 1 - W1(forecast)/W1(baseline)",
          "ratio",
          horizon.and("baseline", baseline));
    }
  }
}
