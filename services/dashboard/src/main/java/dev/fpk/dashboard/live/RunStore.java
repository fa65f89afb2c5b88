package dev.fpk.dashboard.live;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * What the live page shows, folded from the output topics (estimates, densities, alignment): per
 * run and layer the newest estimate and density, the alignment history and the flow share per
 * entry. Unparseable records are counted and skipped. Every change bumps a global
 * {@link #version()} and the layer's own, so readers poll cheaply. Thread-safe (one feeder, any
 * number of readers); readers get immutable {@link LayerView}s.
 */
public final class RunStore {
  /** Longest alignment history kept per layer; beyond it every other point is dropped. */
  public static final int MAX_HISTORY = 2000;
  /** Default of {@code fpk.dashboard.max-layers}: (run, layer) pairs kept. */
  public static final int DEFAULT_MAX_LAYERS = 1000;

  private final Map<String, Map<String, LayerState>> runs = new TreeMap<>();
  private final AtomicLong version = new AtomicLong();
  private final @Nullable OutputMetrics metrics;
  private final int maxLayers;
  private int layerCount;
  private long evicted;
  private long unparseable;

  public RunStore() {
    this(null);
  }

  /** A store that also feeds the given meters. */
  public RunStore(@Nullable OutputMetrics metrics) {
    this(metrics, DEFAULT_MAX_LAYERS);
  }

  /**
   * A store that keeps at most {@code maxLayers} (run, layer) pairs: a new one beyond evicts the
   * layer updated least recently (a run without layers goes with it), counted in {@link #evicted()}.
   */
  public RunStore(@Nullable OutputMetrics metrics, int maxLayers) {
    if (maxLayers < 1) {
      throw new IllegalArgumentException("fpk.dashboard.max-layers must be >= 1, got " + maxLayers);
    }
    this.metrics = metrics;
    this.maxLayers = maxLayers;
  }

  /** Exports the evictions as {@code fpk.dashboard.layers.evicted}. */
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("fpk.dashboard.layers.evicted", this, RunStore::evicted).baseUnit("layers")
        .description("(run, layer) pairs the page dropped, least recently updated first, beyond fpk.dashboard.max-layers")
        .register(registry);
  }

  /** (run, layer) pairs dropped so far to stay within the limit. */
  public synchronized long evicted() {
    return evicted;
  }

  /** Takes one record value of an output topic; other topics are ignored. */
  public void accept(String topic, byte[] value) {
    accept(topic, value, 0);
  }

  /**
   * As {@link #accept(String, byte[])}, with the record's Kafka timestamp (ms since the epoch,
   * 0 = unknown): the page tells from it how long after the analysis published it drew.
   */
  public void accept(String topic, byte[] value, long timestampMillis) {
    try {
      switch (topic) {
        case Topics.ESTIMATES -> onEstimate(DriftDiffusionEstimate.parseFrom(value));
        case Topics.DENSITIES -> onDensity(DensityUpdate.parseFrom(value));
        case Topics.ALIGNMENT -> onAlignment(AlignmentUpdate.parseFrom(value), timestampMillis);
        default -> { }
      }
    } catch (InvalidProtocolBufferException e) {
      synchronized (this) {
        unparseable++;
      }
    }
  }

  public void onEstimate(DriftDiffusionEstimate e) {
    synchronized (this) {
      LayerState s = state(e.getRunId(), e.getLayer());
      if (s.estimate != null && e.getStep() < s.estimate.getStep()) {
        return; // a late older estimate does not replace a newer one
      }
      s.estimate = e;
      s.updateFlowShare();
      s.version = version.incrementAndGet();
    }
    if (metrics != null) {
      metrics.estimated(e);
    }
  }

  public void onDensity(DensityUpdate d) {
    double[] shares;
    synchronized (this) {
      LayerState s = state(d.getRunId(), d.getLayer());
      if (s.density != null && d.getStep() < s.density.getStep()) {
        return;
      }
      s.density = d;
      s.updateFlowShare();
      shares = s.flowShare.clone();
      s.version = version.incrementAndGet();
    }
    if (metrics != null) {
      metrics.flowShares(d, shares);
    }
  }

  public void onAlignment(AlignmentUpdate a) {
    onAlignment(a, 0);
  }

  /** An alignment update the analysis published at {@code publishedMillis} (0 = unknown). */
  public void onAlignment(AlignmentUpdate a, long publishedMillis) {
    boolean newest;
    synchronized (this) {
      LayerState s = state(a.getRunId(), a.getLayer());
      newest = s.addAlignment(a);
      if (newest) {
        s.alignmentPublishedMillis = publishedMillis;
      }
      if (s.alignment.size() > MAX_HISTORY) {
        thin(s.alignment);
      }
      s.version = version.incrementAndGet();
    }
    // a step published again after a restore is not a new step: it says nothing of today's latency
    if (metrics != null && newest) {
      metrics.aligned(a);
    }
  }

  /** Grows with every change of any layer. */
  public long version() {
    return version.get();
  }

  public synchronized long unparseable() {
    return unparseable;
  }

  /** Run ids seen, sorted. */
  public synchronized List<String> runIds() {
    return List.copyOf(runs.keySet());
  }

  /** Summaries of every layer of every run, by run and layer name: no histories copied. */
  public synchronized List<LayerSummary> summaries() {
    List<LayerSummary> out = new ArrayList<>();
    runs.forEach((run, layers) -> layers.forEach((name, s) -> out.add(s.summary(run, name))));
    return out;
  }

  /** Summaries of every layer of the run, by name; empty if the run is unknown. */
  public synchronized List<LayerSummary> summaries(String run) {
    Map<String, LayerState> layers = runs.get(run);
    List<LayerSummary> out = new ArrayList<>();
    if (layers != null) {
      layers.forEach((name, s) -> out.add(s.summary(run, name)));
    }
    return out;
  }

  /** Every layer of the run, by name; empty if the run is unknown. */
  public synchronized List<LayerView> layers(String run) {
    Map<String, LayerState> layers = runs.get(run);
    List<LayerView> out = new ArrayList<>();
    if (layers != null) {
      layers.forEach((name, s) -> out.add(s.view(run, name)));
    }
    return out;
  }

  public synchronized Optional<LayerView> layer(String run, String layer) {
    Map<String, LayerState> layers = runs.get(run);
    LayerState s = layers == null ? null : layers.get(layer);
    return s == null ? Optional.empty() : Optional.of(s.view(run, layer));
  }

  /** The layer's version, -1 if unknown: cheaper than a view when only change matters. */
  public synchronized long layerVersion(String run, String layer) {
    Map<String, LayerState> layers = runs.get(run);
    LayerState s = layers == null ? null : layers.get(layer);
    return s == null ? -1 : s.version;
  }

  private LayerState state(String run, String layer) {
    Map<String, LayerState> layers = runs.get(run);
    LayerState s = layers == null ? null : layers.get(layer);
    if (s != null) {
      return s;
    }
    if (layerCount >= maxLayers) {
      evictLeastRecentlyUpdated();
    }
    layerCount++;
    return runs.computeIfAbsent(run, r -> new TreeMap<>()).computeIfAbsent(layer, l -> new LayerState());
  }

  /** Drops the layer whose last change is oldest (smallest version); a scan, as it happens only when full. */
  private void evictLeastRecentlyUpdated() {
    String oldestRun = null;
    String oldestLayer = null;
    long oldest = Long.MAX_VALUE;
    for (Map.Entry<String, Map<String, LayerState>> run : runs.entrySet()) {
      for (Map.Entry<String, LayerState> layer : run.getValue().entrySet()) {
        if (layer.getValue().version < oldest) {
          oldest = layer.getValue().version;
          oldestRun = run.getKey();
          oldestLayer = layer.getKey();
        }
      }
    }
    Map<String, LayerState> layers = runs.get(oldestRun);
    layers.remove(oldestLayer);
    if (layers.isEmpty()) {
      runs.remove(oldestRun);
    }
    layerCount--;
    evicted++;
    version.incrementAndGet(); // the runs list changed
  }

  /** Keeps the first, every other point, and the last: history stays bounded, its span whole. */
  private static void thin(List<AlignmentUpdate> history) {
    AlignmentUpdate last = history.get(history.size() - 1);
    List<AlignmentUpdate> kept = new ArrayList<>(history.size() / 2 + 1);
    for (int i = 0; i < history.size() - 1; i += 2) {
      kept.add(history.get(i));
    }
    kept.add(last);
    history.clear();
    history.addAll(kept);
  }

  /** Mutable state of one (run, layer), guarded by the store's lock. */
  private static final class LayerState {
    @Nullable DriftDiffusionEstimate estimate;
    @Nullable DensityUpdate density;
    final List<AlignmentUpdate> alignment = new ArrayList<>();
    double[] flowShare = new double[0];
    long alignmentPublishedMillis;
    long version;

    /**
     * Keeps the history ordered with one point per step: a step published again (an analysis
     * resumed from its checkpoints republishes what followed them) replaces its point; a step
     * older than the newest is put in its place. True if it is a new newest step.
     */
    boolean addAlignment(AlignmentUpdate a) {
      int n = alignment.size();
      if (n == 0 || a.getStep() > alignment.get(n - 1).getStep()) {
        alignment.add(a);
        return true;
      }
      int i = n - 1;
      while (i >= 0 && alignment.get(i).getStep() > a.getStep()) {
        i--;
      }
      if (i >= 0 && alignment.get(i).getStep() == a.getStep()) {
        alignment.set(i, a);
      } else {
        alignment.add(i + 1, a);
      }
      return false;
    }

    void updateFlowShare() {
      if (estimate == null || density == null || estimate.getEntriesCount() != density.getEntriesCount()) {
        return;
      }
      double[] shares = new double[density.getEntriesCount()];
      Arrays.fill(shares, Double.NaN);
      for (int e = 0; e < shares.length; e++) {
        shares[e] = FlowShares.of(estimate.getEntries(e), density.getEntries(e));
      }
      flowShare = shares;
    }

    LayerSummary summary(String run, String layer) {
      return LayerView.summaryOf(run, layer, version, estimate, density,
          alignment.isEmpty() ? null : alignment.get(alignment.size() - 1));
    }

    LayerView view(String run, String layer) {
      return new LayerView(run, layer, version, estimate, density, List.copyOf(alignment), flowShare.clone(),
          alignmentPublishedMillis);
    }
  }
}
