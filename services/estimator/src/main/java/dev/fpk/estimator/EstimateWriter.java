package dev.fpk.estimator;

import com.google.protobuf.Internal;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.km.KramersMoyalBins;
import dev.fpk.physics.km.OuFit;
import dev.fpk.physics.km.PrequentialKramersMoyal;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the {@link DriftDiffusionEstimate} of an estimator's variables, every step, with as few
 * intermediate objects as the protobuf API allows: this was most of the estimator's time and
 * allocation (32 bins x 6 fields per entry, appended value by value into lists that grew 10, 15,
 * 22, 33, from seven fresh arrays of the Kramers-Moyal result and six more copies of them).
 *
 * <ul>
 *   <li>the per-bin results go into one reused {@link KramersMoyalBins};
 *   <li>each field is copied into one reused protobuf list and handed to {@code addAll*}, which
 *       protobuf copies with one {@code arraycopy} into an array of the exact size (a {@code
 *       List<Double>} would be unboxed value by value);
 *   <li>the fields that change only with the grid, the index and the bin centres, come from a
 *       prototype entry per variable, built again when its grid moves, whose immutable lists every
 *       step's message shares ({@code newBuilder(prototype)} does not copy them).
 * </ul>
 *
 * <p>The message equals, bit for bit, the one built value by value from {@link
 * PrequentialKramersMoyal#result()} (EnsembleEstimatorReferenceTest), with the memory it comes from
 * (v1.4). Not thread-safe: one per estimator.
 */
final class EstimateWriter {
  private final int minBinCount;
  private final KramersMoyalBins bins = new KramersMoyalBins();
  private final Internal.DoubleList scratch = newDoubleList();
  private final List<EntryEstimate> entries = new ArrayList<>();
  private EntryEstimate[] prototypes = new EntryEstimate[0];

  /** The grid each prototype's bin centres are of. */
  private Grid1D[] prototypeGrids = new Grid1D[0];

  EstimateWriter(int minBinCount) {
    this.minBinCount = minBinCount;
  }

  /** The estimate of {@code variables} as of {@code step}. */
  DriftDiffusionEstimate write(
      EnsembleStep step, WatchedEntries watched, PrequentialKramersMoyal[] variables) {
    if (prototypes.length != variables.length) {
      prototypes = new EntryEstimate[variables.length];
      prototypeGrids = new Grid1D[variables.length];
    }
    for (int v = 0; v < variables.length; v++) {
      entries.add(entry(step, watched, v, variables[v]));
    }
    DriftDiffusionEstimate out =
        DriftDiffusionEstimate.newBuilder()
            .setRunId(step.runId())
            .setLayer(step.layer())
            .setStep(step.step())
            .setMode(watched.mode().wireName())
            .setWatchedEntries(watched.selection().toString())
            .addAllShape(java.util.Arrays.stream(step.shape()).boxed().toList())
            .addAllEntries(entries)
            .build();
    entries.clear();
    return out;
  }

  private EntryEstimate entry(
      EnsembleStep step, WatchedEntries watched, int v, PrequentialKramersMoyal km) {
    km.resultInto(bins);
    bins.smooth(minBinCount);
    int n = bins.bins();
    OuFit fit = bins.ouFit();
    return EntryEstimate.newBuilder(prototype(step, watched, v, bins.grid()))
        .addAllDrift(scratch(bins.drift(), n))
        .addAllDiffusion(scratch(bins.diffusion(), n))
        .addAllDriftStderr(scratch(bins.driftStdErr(), n))
        .addAllDiffusionStderr(scratch(bins.diffusionStdErr(), n))
        .addAllCount(scratch(bins.counts(), n))
        .setDriftSlope(fit.slope())
        .setDriftIntercept(fit.intercept())
        .setDiffusionMean(fit.diffusion())
        .setPawulaRatio(bins.pawulaRatio())
        .setDriftSlopeStderr(fit.slopeStdErr())
        .setDiffusionMeanStderr(fit.diffusionStdErr())
        .setMemoryHalfLifeSteps(km.chosenHalfLifeSteps())
        .setDriftTimeTerm(km.trendChosen())
        .setMemoryChosenOnline(km.memories().adaptive())
        .build();
  }

  /**
   * Variable v's index (its entry's in the full matrix) and bin centres on {@code grid}; the shape,
   * and so the index, never changes.
   */
  private EntryEstimate prototype(EnsembleStep step, WatchedEntries watched, int v, Grid1D grid) {
    if (grid.equals(prototypeGrids[v])) {
      return prototypes[v];
    }
    EntryEstimate.Builder b = EntryEstimate.newBuilder();
    for (int i : watched.index(step, v)) {
      b.addIndex(i);
    }
    scratch.clear();
    for (int i = 0; i < grid.cells(); i++) {
      scratch.addDouble(grid.centre(i));
    }
    prototypes[v] = b.addAllGrid(scratch).build();
    prototypeGrids[v] = grid;
    return prototypes[v];
  }

  /** The first n values of xs in the reused list (valid until the next call). */
  private Internal.DoubleList scratch(double[] xs, int n) {
    scratch.clear();
    for (int i = 0; i < n; i++) {
      scratch.addDouble(xs[i]);
    }
    return scratch;
  }

  /**
   * An empty, mutable protobuf list of doubles. The API has no public factory; the generated
   * messages hold their repeated doubles in one, so the default instance's (empty, immutable) list
   * gives a mutable copy.
   */
  private static Internal.DoubleList newDoubleList() {
    return ((Internal.DoubleList) EntryEstimate.getDefaultInstance().getGridList())
        .mutableCopyWithCapacity(64);
  }
}
