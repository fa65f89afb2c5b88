package dev.fpk.protocol;

import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import java.util.List;

/**
 * Which entries of a layer its outputs say are analysed (since v1.6; {@code fpk.entries}): the
 * selection's text ({@code all}, {@code stride:S}, {@code rows:K}, {@code cols:K}, {@code
 * list:I,J,...}) and the whole matrix's shape, as the newest alignment or else the estimate carries
 * them; {@code all} and an unknown shape (empty) for outputs written before. What the report and
 * the page show of a layer. Immutable.
 *
 * @param selection the selection's text
 * @param shape the whole matrix's shape; empty when unknown
 */
public record LayerEntries(String selection, List<Integer> shape) {

  /** What {@code latest} (or, if null or without it, {@code estimate}) says; either may be null. */
  public static LayerEntries of(AlignmentUpdate latest, DriftDiffusionEstimate estimate) {
    if (latest != null && latest.getShapeCount() > 0) {
      return new LayerEntries(text(latest.getWatchedEntries()), latest.getShapeList());
    }
    if (estimate != null && estimate.getShapeCount() > 0) {
      return new LayerEntries(text(estimate.getWatchedEntries()), estimate.getShapeList());
    }
    return new LayerEntries("all", List.of());
  }

  private static String text(String selection) {
    return selection.isEmpty() ? "all" : selection;
  }

  /** Entries of the whole matrix; 0 when the shape is unknown. */
  public int matrixEntries() {
    if (shape.isEmpty()) {
      return 0;
    }
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /**
   * The row-major index in the whole matrix of the entry with multi-index {@code index}, e.g. i *
   * columns + j; -1 when the shape is unknown or the index is not one of it (pooled: empty).
   */
  public int rowMajor(List<Integer> index) {
    if (shape.isEmpty() || index.size() != shape.size()) {
      return -1;
    }
    int e = 0;
    for (int d = 0; d < shape.size(); d++) {
      e = e * shape.get(d) + index.get(d);
    }
    return e;
  }
}
