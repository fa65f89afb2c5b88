package dev.fpk.dashboard.store;

import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.SpectrumUpdate;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the output topics said of one (run, layer): the newest estimate, density and spectrum, the
 * spectral series, the alignment history in step order with one point per step (thinned by the
 * store's {@link HistoryBound}), and what the store's reader keeps of its own per layer ({@link
 * #extra()}). An output kept as bytes is parsed at its first reading; one that does not parse then
 * is dropped and counted in {@link OutputStore#unparseable()}. Not thread-safe: guarded as its
 * store is.
 *
 * @param <A> what the reader keeps per layer besides the outputs
 */
public final class LayerOutputs<A> {
  private final OutputStore<A> store;
  private final A extra;
  final Newest<DriftDiffusionEstimate> estimate = new Newest<>();
  final Newest<DensityUpdate> density = new Newest<>();
  final Newest<SpectrumUpdate> spectrum = new Newest<>();

  /**
   * The spectral series in step order, one point per step, halved beyond {@link
   * #MAX_SPECTRUM_POINTS} (first and last kept).
   */
  final List<SpectrumPoint> spectrumSeries = new ArrayList<>();

  /**
   * Most points of the spectral series kept: at the default of one spectrum per 10 steps, 20,000
   * steps before the first halving.
   */
  public static final int MAX_SPECTRUM_POINTS = 2000;

  /** In step order, one per step. */
  final List<StoredOutput<AlignmentUpdate>> alignment = new ArrayList<>();

  long version;

  LayerOutputs(OutputStore<A> store, A extra) {
    this.store = store;
    this.extra = extra;
  }

  /** The newest estimate, or null (none yet, or it did not parse). */
  public @Nullable DriftDiffusionEstimate estimate() {
    return estimate.read(store);
  }

  /** The newest density, or null (none yet, or it did not parse). */
  public @Nullable DensityUpdate density() {
    return density.read(store);
  }

  /** The newest spectral update, or null (none yet). */
  public @Nullable SpectrumUpdate spectrum() {
    return spectrum.read(store);
  }

  /** The spectral series, oldest first; immutable. */
  public List<SpectrumPoint> spectrumSeries() {
    return List.copyOf(spectrumSeries);
  }

  /** The newest alignment update that parses (newer ones that do not are dropped), or null. */
  public @Nullable AlignmentUpdate latestAlignment() {
    while (!alignment.isEmpty()) {
      AlignmentUpdate a = store.parsed(alignment.get(alignment.size() - 1));
      if (a != null) {
        return a;
      }
      alignment.remove(alignment.size() - 1);
    }
    return null;
  }

  /**
   * The alignment history, oldest first, parsed (an update that does not parse is dropped).
   * Immutable.
   */
  public List<AlignmentUpdate> alignment() {
    alignment.removeIf(a -> store.parsed(a) == null);
    return alignment.stream().map(store::parsed).toList();
  }

  /**
   * Grows every time anything of this layer changes; the store's {@link OutputStore#version()}
   * then.
   */
  public long version() {
    return version;
  }

  /** What the reader keeps of its own for this layer. */
  public A extra() {
    return extra;
  }

  /**
   * Puts {@code a} in its place by step: an update published again (an analysis resumed from its
   * checkpoints republishes what followed them) replaces its step's; one older than the newest is
   * put in its place. True if it is a new newest step.
   */
  /** Puts the point in its place by step (one published again replaces its step's); bounded. */
  void addSpectrumPoint(SpectrumPoint p) {
    int i = spectrumSeries.size();
    while (i > 0 && spectrumSeries.get(i - 1).step() > p.step()) {
      i--;
    }
    if (i > 0 && spectrumSeries.get(i - 1).step() == p.step()) {
      spectrumSeries.set(i - 1, p);
    } else {
      spectrumSeries.add(i, p);
    }
    if (spectrumSeries.size() > MAX_SPECTRUM_POINTS) {
      HistoryBound.halve(spectrumSeries);
    }
  }

  boolean addAlignment(StoredOutput<AlignmentUpdate> a) {
    int i = alignment.size();
    while (i > 0 && alignment.get(i - 1).step > a.step) {
      i--;
    }
    if (i > 0 && alignment.get(i - 1).step == a.step) {
      alignment.set(i - 1, a);
      return false;
    }
    alignment.add(i, a);
    return i == alignment.size() - 1;
  }
}
