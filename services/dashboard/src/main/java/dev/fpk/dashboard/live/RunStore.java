package dev.fpk.dashboard.live;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.fpk.dashboard.store.HistoryBound;
import dev.fpk.dashboard.store.LayerOutputs;
import dev.fpk.dashboard.store.OutputStore;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.SpectrumUpdate;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the live page shows: the output topics (estimates, densities, alignment, spectra) folded per
 * run and layer by an {@link OutputStore} (the newest estimate and density, the alignment history),
 * and the flow share per entry. Unparseable records are counted and skipped. Every change bumps a
 * global {@link #version()} and the layer's own, so readers poll cheaply. Thread-safe (one feeder,
 * any number of readers); readers get immutable {@link LayerView}s.
 */
public final class RunStore {
  /** Longest alignment history kept per layer; beyond it every other point is dropped. */
  public static final int MAX_HISTORY = 2000;

  /** Default of {@code fpk.dashboard.max-layers}: (run, layer) pairs kept. */
  public static final int DEFAULT_MAX_LAYERS = 1000;

  /** Guarded by this store's lock. */
  private final OutputStore<PageState> outputs;

  private final @Nullable OutputMetrics metrics;
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
   * layer updated least recently (a run without layers goes with it), counted in {@link
   * #evicted()}.
   */
  public RunStore(@Nullable OutputMetrics metrics, int maxLayers) {
    if (maxLayers < 1) {
      throw new IllegalArgumentException("fpk.dashboard.max-layers must be >= 1, got " + maxLayers);
    }
    this.metrics = metrics;
    this.outputs = new OutputStore<>(HistoryBound.halving(MAX_HISTORY), maxLayers, PageState::new);
  }

  /** Exports the evictions as {@code fpk.dashboard.layers.evicted}. */
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("fpk.dashboard.layers.evicted", this, RunStore::evicted)
        .baseUnit("layers")
        .description(
            "(run, layer) pairs the page dropped, least recently updated first, beyond fpk.dashboard.max-layers")
        .register(registry);
  }

  /** (run, layer) pairs dropped so far to stay within the limit. */
  public synchronized long evicted() {
    return outputs.evicted();
  }

  /** Takes one record value of an output topic; other topics are ignored. */
  public void accept(String topic, byte[] value) {
    accept(topic, value, 0);
  }

  /**
   * As {@link #accept(String, byte[])}, with the record's Kafka timestamp (ms since the epoch, 0 =
   * unknown): the page tells from it how long after the analysis published it drew.
   */
  public void accept(String topic, byte[] value, long timestampMillis) {
    try {
      switch (topic) {
        case Topics.ESTIMATES -> onEstimate(DriftDiffusionEstimate.parseFrom(value));
        case Topics.DENSITIES -> onDensity(DensityUpdate.parseFrom(value));
        case Topics.ALIGNMENT -> onAlignment(AlignmentUpdate.parseFrom(value), timestampMillis);
        case Topics.SPECTRUM -> onSpectrum(SpectrumUpdate.parseFrom(value));
        default -> {}
      }
    } catch (InvalidProtocolBufferException e) {
      synchronized (this) {
        unparseable++;
      }
    }
  }

  public void onEstimate(DriftDiffusionEstimate e) {
    synchronized (this) {
      if (!outputs.estimate(e)) {
        return; // a late older estimate does not replace a newer one
      }
      LayerOutputs<PageState> l = outputs.layer(e.getRunId(), e.getLayer());
      updateFlowShare(l);
      l.extra().curves.estimate(e);
    }
    if (metrics != null) {
      metrics.estimated(e);
    }
  }

  public void onDensity(DensityUpdate d) {
    double[] shares;
    synchronized (this) {
      if (!outputs.density(d)) {
        return;
      }
      LayerOutputs<PageState> l = outputs.layer(d.getRunId(), d.getLayer());
      l.extra().curves.density(d);
      shares = updateFlowShare(l).clone();
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
      newest = outputs.alignment(a);
      if (newest) {
        outputs.layer(a.getRunId(), a.getLayer()).extra().alignmentPublishedMillis =
            publishedMillis;
      }
    }
    // a step published again after a restore is not a new step: it says nothing of today's latency
    if (metrics != null && newest) {
      metrics.aligned(a);
    }
  }

  public void onSpectrum(SpectrumUpdate u) {
    boolean newest;
    synchronized (this) {
      newest = outputs.spectrum(u);
    }
    if (metrics != null && newest) {
      metrics.spectrum(u);
    }
  }

  /** The layer's spectral view (newest spectrum and series), empty if the layer is unknown. */
  public synchronized Optional<LayerSpectrum> spectrum(String run, String layer) {
    LayerOutputs<PageState> l = outputs.layer(run, layer);
    return l == null
        ? Optional.empty()
        : Optional.of(new LayerSpectrum(l.version(), l.spectrum(), l.spectrumSeries()));
  }

  /** Grows with every change of any layer. */
  public long version() {
    return outputs.version();
  }

  public synchronized long unparseable() {
    return unparseable;
  }

  /** Run ids seen, sorted. */
  public synchronized List<String> runIds() {
    return outputs.runIds();
  }

  /** Summaries of every layer of every run, by run and layer name: no histories copied. */
  public synchronized List<LayerSummary> summaries() {
    List<LayerSummary> out = new ArrayList<>();
    outputs.runIds().forEach(run -> out.addAll(summaries(run)));
    return out;
  }

  /** Summaries of every layer of the run, by name; empty if the run is unknown. */
  public synchronized List<LayerSummary> summaries(String run) {
    List<LayerSummary> out = new ArrayList<>();
    outputs
        .layers(run)
        .forEach(
            (name, l) ->
                out.add(
                    LayerView.summaryOf(
                        run, name, l.version(), l.estimate(), l.density(), l.latestAlignment())));
    return out;
  }

  /** Every layer of the run, by name; empty if the run is unknown. */
  public synchronized List<LayerView> layers(String run) {
    List<LayerView> out = new ArrayList<>();
    outputs.layers(run).forEach((name, l) -> out.add(view(run, name, l)));
    return out;
  }

  public synchronized Optional<LayerView> layer(String run, String layer) {
    LayerOutputs<PageState> l = outputs.layer(run, layer);
    return l == null ? Optional.empty() : Optional.of(view(run, layer, l));
  }

  /** The layer's version, -1 if unknown: cheaper than a view when only change matters. */
  public synchronized long layerVersion(String run, String layer) {
    LayerOutputs<PageState> l = outputs.layer(run, layer);
    return l == null ? -1 : l.version();
  }

  private static LayerView view(String run, String layer, LayerOutputs<PageState> l) {
    return new LayerView(
        run,
        layer,
        l.version(),
        l.estimate(),
        l.density(),
        l.alignment(),
        l.extra().flowShare.clone(),
        l.extra().alignmentPublishedMillis,
        l.extra().curves.view());
  }

  /**
   * Recomputes the layer's flow shares when its estimate and density have the same entries; the
   * shares.
   */
  private static double[] updateFlowShare(LayerOutputs<PageState> l) {
    DriftDiffusionEstimate estimate = l.estimate();
    DensityUpdate density = l.density();
    if (estimate != null
        && density != null
        && estimate.getEntriesCount() == density.getEntriesCount()) {
      double[] shares = new double[density.getEntriesCount()];
      Arrays.fill(shares, Double.NaN);
      for (int e = 0; e < shares.length; e++) {
        shares[e] = FlowShares.of(estimate.getEntries(e), density.getEntries(e));
      }
      l.extra().flowShare = shares;
    }
    return l.extra().flowShare;
  }

  /** What the page keeps per (run, layer) besides the outputs, guarded by the store's lock. */
  private static final class PageState {
    double[] flowShare = new double[0];

    /** Kafka timestamp of the newest alignment step's first publication, 0 = unknown. */
    long alignmentPublishedMillis;

    /** Quantile bands and update size over the steps, from each density and estimate. */
    final LayerCurves curves = new LayerCurves(MAX_HISTORY);
  }
}
