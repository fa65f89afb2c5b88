package dev.fpk.dashboard.live;

import dev.fpk.protocol.LayerEntries;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An immutable picture of one (run, layer) as the outputs last described it: the newest estimate
 * and density, the alignment history (oldest first, thinned to at most {@link RunStore#MAX_HISTORY}
 * points) and the flow share per entry (NaN where not computable yet).
 *
 * @param version grows every time anything of this layer changes; clients compare it to skip work
 * @param alignmentPublishedMillis Kafka timestamp of the newest alignment update, 0 = unknown
 * @param curves the quantile bands and update size over the steps ({@link LayerCurves})
 */
public record LayerView(
    String run,
    String layer,
    long version,
    @Nullable DriftDiffusionEstimate estimate,
    @Nullable DensityUpdate density,
    List<AlignmentUpdate> alignment,
    double[] flowShare,
    long alignmentPublishedMillis,
    LayerCurves.View curves) {

  /** Entries of the layer: the estimate's, else the density's, else the alignment's. */
  public int entryCount() {
    if (estimate != null) {
      return estimate.getEntriesCount();
    }
    if (density != null) {
      return density.getEntriesCount();
    }
    return alignment.isEmpty() ? 0 : alignment.get(alignment.size() - 1).getEntriesCount();
  }

  /** Newest step any output of this layer reached, -1 before the first. */
  public long lastStep() {
    long step = -1;
    if (estimate != null) {
      step = Math.max(step, estimate.getStep());
    }
    if (density != null) {
      step = Math.max(step, density.getStep());
    }
    if (!alignment.isEmpty()) {
      step = Math.max(step, alignment.get(alignment.size() - 1).getStep());
    }
    return step;
  }

  /** The entry's row-major index, as published (empty in pooled mode). */
  public List<Integer> index(int entry) {
    if (estimate != null) {
      return estimate.getEntries(entry).getIndexList();
    }
    if (density != null) {
      return density.getEntries(entry).getIndexList();
    }
    return alignment.get(alignment.size() - 1).getEntries(entry).getIndexList();
  }

  public @Nullable AlignmentUpdate latestAlignment() {
    return alignment.isEmpty() ? null : alignment.get(alignment.size() - 1);
  }

  public LayerSummary summary() {
    return summaryOf(run, layer, version, estimate, density, latestAlignment());
  }

  static LayerSummary summaryOf(
      String run,
      String layer,
      long version,
      @Nullable DriftDiffusionEstimate estimate,
      @Nullable DensityUpdate density,
      @Nullable AlignmentUpdate latest) {
    LayerView indexOnly =
        new LayerView(
            run,
            layer,
            version,
            estimate,
            density,
            latest == null ? List.of() : List.of(latest),
            new double[0],
            0,
            LayerCurves.View.EMPTY);
    List<List<Integer>> entries = new java.util.ArrayList<>(indexOnly.entryCount());
    for (int e = 0; e < indexOnly.entryCount(); e++) {
      entries.add(indexOnly.index(e));
    }
    return new LayerSummary(
        run,
        layer,
        estimate == null ? "ensemble" : estimate.getMode(),
        latest == null ? 0 : latest.getReplicas(),
        indexOnly.lastStep(),
        version,
        List.copyOf(entries),
        LayerEntries.of(latest, estimate));
  }
}
