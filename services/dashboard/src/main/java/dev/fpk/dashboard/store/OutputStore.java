package dev.fpk.dashboard.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.SpectrumUpdate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The output topics (estimates, densities, alignment, spectra) folded per run and layer into {@link
 * LayerOutputs}: the newest estimate and density, and the alignment history bounded by a {@link
 * HistoryBound}. One store, two readers: the run report (app's ReportCollector) and the live page
 * ({@code RunStore}). Units as on the wire: steps, weight units, drift per step, D per step in dW =
 * mu dt + sqrt(2D) dB.
 *
 * <p>Idempotent by step: outputs published again after an analysis resumed from its checkpoints
 * (same values) replace their step's, and a late older estimate or density does not replace a newer
 * one. Records taken as bytes ({@link #accept}) are read only for their run, layer and step on
 * arrival and parsed when first read (see {@link StoredOutput}); one that does not parse, on
 * arrival or then, is counted in {@link #unparseable()} and dropped.
 *
 * <p>At most {@code maxLayers} (run, layer) pairs are kept: a new one beyond evicts the layer
 * updated least recently (a run without layers goes with it), counted in {@link #evicted()}. Every
 * change bumps {@link #version()} and sets the layer's version to it, so readers poll cheaply.
 *
 * <p>Not thread-safe: its owner guards it with one lock, except {@link #version()}, which any
 * thread may read. Runs and layers are iterated in name order.
 *
 * @param <A> what the reader keeps per layer besides the outputs ({@link LayerOutputs#extra()})
 */
public final class OutputStore<A> {
  private final Map<String, Map<String, LayerOutputs<A>>> runs = new TreeMap<>();
  private final AtomicLong version = new AtomicLong();
  private final HistoryBound history;
  private final int maxLayers;
  private final Supplier<A> extra;
  private int layerCount;
  private long evicted;
  private long unparseable;

  /**
   * @param history which alignment steps a layer keeps
   * @param maxLayers (run, layer) pairs kept, at least 1
   * @param extra what the reader keeps for a new layer
   */
  public OutputStore(HistoryBound history, int maxLayers, Supplier<A> extra) {
    if (maxLayers < 1) {
      throw new IllegalArgumentException("maxLayers must be >= 1, got " + maxLayers);
    }
    this.history = history;
    this.maxLayers = maxLayers;
    this.extra = extra;
  }

  /**
   * Takes one record value of an output topic as its bytes, parsed when first read; other topics
   * are ignored.
   */
  public void accept(String topic, byte[] value) {
    try {
      switch (topic) {
        case Topics.ESTIMATES ->
            newest(StoredOutput.of(value, DriftDiffusionEstimate.parser()), l -> l.estimate);
        case Topics.DENSITIES ->
            newest(StoredOutput.of(value, DensityUpdate.parser()), l -> l.density);
        case Topics.ALIGNMENT -> alignment(StoredOutput.of(value, AlignmentUpdate.parser()));
        // parsed on arrival: one per window of steps, and its series point is needed at once
        case Topics.SPECTRUM -> spectrum(SpectrumUpdate.parseFrom(value));
        default -> {}
      }
    } catch (InvalidProtocolBufferException e) {
      unparseable++;
    }
  }

  /** Takes an estimate; false if the layer keeps a newer one. */
  public boolean estimate(DriftDiffusionEstimate e) {
    return newest(StoredOutput.parsed(e.getRunId(), e.getLayer(), e.getStep(), e), l -> l.estimate);
  }

  /** Takes a density; false if the layer keeps a newer one. */
  public boolean density(DensityUpdate d) {
    return newest(StoredOutput.parsed(d.getRunId(), d.getLayer(), d.getStep(), d), l -> l.density);
  }

  /** Takes an alignment update; true if its step is the layer's new newest. */
  public boolean alignment(AlignmentUpdate a) {
    return alignment(StoredOutput.parsed(a.getRunId(), a.getLayer(), a.getStep(), a));
  }

  /**
   * Takes a spectral update: its step's point of the series (one published again replaces it), and
   * the layer's newest spectrum unless it keeps a newer one; true if it is the newest.
   */
  public boolean spectrum(SpectrumUpdate u) {
    StoredOutput<SpectrumUpdate> o =
        StoredOutput.parsed(u.getRunId(), u.getLayer(), u.getStep(), u);
    LayerOutputs<A> l = layerOf(o);
    l.addSpectrumPoint(SpectrumPoint.of(u));
    boolean newest = l.spectrum.offer(o);
    changed(l);
    return newest;
  }

  /** Grows with every change of any layer, and when a layer is evicted. Any thread. */
  public long version() {
    return version.get();
  }

  /** (run, layer) pairs dropped so far to stay within maxLayers. */
  public long evicted() {
    return evicted;
  }

  /** Outputs dropped as they did not parse, on arrival or when first read. */
  public long unparseable() {
    return unparseable;
  }

  /** Run ids seen, sorted. */
  public List<String> runIds() {
    return List.copyOf(runs.keySet());
  }

  /**
   * The run's layers by name, empty if the run is unknown. A view: do not keep it past the lock.
   */
  public Map<String, LayerOutputs<A>> layers(String run) {
    Map<String, LayerOutputs<A>> layers = runs.get(run);
    return layers == null ? Map.of() : Collections.unmodifiableMap(layers);
  }

  public @Nullable LayerOutputs<A> layer(String run, String layer) {
    Map<String, LayerOutputs<A>> layers = runs.get(run);
    return layers == null ? null : layers.get(layer);
  }

  /**
   * Offers {@code o} to the layer's newest of its kind ({@code kind}: estimate or density); true if
   * kept.
   */
  private <T> boolean newest(StoredOutput<T> o, Function<LayerOutputs<A>, Newest<T>> kind) {
    LayerOutputs<A> l = layerOf(o);
    if (!kind.apply(l).offer(o)) {
      return false;
    }
    changed(l);
    return true;
  }

  private boolean alignment(StoredOutput<AlignmentUpdate> a) {
    LayerOutputs<A> l = layerOf(a);
    boolean newest = l.addAlignment(a);
    history.thin(l.alignment);
    changed(l);
    return newest;
  }

  private void changed(LayerOutputs<A> l) {
    l.version = version.incrementAndGet();
  }

  /**
   * The whole message of a kept output, or null when it does not parse (only its run, layer and
   * step were read on arrival): counted then, and dropped by the caller.
   */
  <T> @Nullable T parsed(@Nullable StoredOutput<T> o) {
    try {
      return o == null ? null : o.message();
    } catch (InvalidProtocolBufferException e) {
      unparseable++;
      return null;
    }
  }

  /** The output's layer, made (evicting the least recently updated one when full) if new. */
  private LayerOutputs<A> layerOf(StoredOutput<?> o) {
    LayerOutputs<A> l = layer(o.runId, o.layer);
    if (l != null) {
      return l;
    }
    if (layerCount >= maxLayers) {
      evictLeastRecentlyUpdated();
    }
    layerCount++;
    l = new LayerOutputs<>(this, extra.get());
    runs.computeIfAbsent(o.runId, r -> new TreeMap<>()).put(o.layer, l);
    return l;
  }

  /**
   * Drops the layer whose last change is oldest (smallest version); a scan, as it happens only when
   * full.
   */
  private void evictLeastRecentlyUpdated() {
    String oldestRun = null;
    String oldestLayer = null;
    long oldest = Long.MAX_VALUE;
    for (Map.Entry<String, Map<String, LayerOutputs<A>>> run : runs.entrySet()) {
      for (Map.Entry<String, LayerOutputs<A>> layer : run.getValue().entrySet()) {
        if (layer.getValue().version < oldest) {
          oldest = layer.getValue().version;
          oldestRun = run.getKey();
          oldestLayer = layer.getKey();
        }
      }
    }
    Map<String, LayerOutputs<A>> layers = runs.get(oldestRun);
    layers.remove(oldestLayer);
    if (layers.isEmpty()) {
      runs.remove(oldestRun);
    }
    layerCount--;
    evicted++;
    version.incrementAndGet(); // the runs list changed
  }
}
