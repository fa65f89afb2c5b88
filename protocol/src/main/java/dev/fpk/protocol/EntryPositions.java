package dev.fpk.protocol;

import dev.fpk.protocol.v1.AlignmentUpdate;
import java.util.List;

/**
 * Where an entry of a layer's curves (the entries of a {@code DensityUpdate} or {@code
 * DriftDiffusionEstimate}) sits in the layer's {@code AlignmentUpdate}. The alignment carries every
 * entry of the layer; the curves of a big layer carry a subset of them, in the same order (the
 * solver's {@code fpk.solver.curves.max-entries}), so positions differ and the matrix index is what
 * identifies an entry. Stateless.
 */
public final class EntryPositions {
  private EntryPositions() {}

  /**
   * The position of the entry with matrix index {@code index} in {@code alignment}, trying {@code
   * hint} first (the position it had before, or its position among the curves), else -1.
   */
  public static int find(AlignmentUpdate alignment, List<Integer> index, int hint) {
    int n = alignment.getEntriesCount();
    if (hint >= 0 && hint < n && alignment.getEntries(hint).getIndexList().equals(index)) {
      return hint;
    }
    for (int e = 0; e < n; e++) {
      if (alignment.getEntries(e).getIndexList().equals(index)) {
        return e;
      }
    }
    return -1;
  }
}
