package dev.fpk.estimator;

import dev.fpk.estimator.checkpoint.StateIo;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * The variables a (run, layer) is analysed in: one per watched entry in ensemble mode (the entries
 * its {@link EntrySelection} chooses, by row-major index into the full matrix), or the one pooled
 * variable of a single replica, which sees the whole matrix whatever the selection. Decided once,
 * by the estimator at a layer's first step; the solver takes it from the estimate ({@link
 * #of(EnsembleStep, DriftDiffusionEstimate)}), whose entries are the watched ones in this order.
 * Immutable.
 */
public final class WatchedEntries {
  private final Mode mode;
  private final EntrySelection selection;

  /** Row-major indices of the watched entries, ascending; empty when pooled. */
  private final int[] entries;

  /** Entries of the whole matrix. */
  private final int matrixEntries;

  private WatchedEntries(Mode mode, EntrySelection selection, int[] entries, int matrixEntries) {
    this.mode = mode;
    this.selection = selection;
    this.entries = entries;
    this.matrixEntries = matrixEntries;
  }

  /**
   * The variables of a layer whose first step is {@code step}, watched with {@code selection}
   * (ignored when pooled).
   */
  public static WatchedEntries of(EnsembleStep step, EntrySelection selection) {
    Mode mode = Mode.of(step);
    return mode == Mode.POOLED
        ? new WatchedEntries(mode, EntrySelection.ALL, new int[0], step.entries())
        : new WatchedEntries(mode, selection, selection.entries(step.shape()), step.entries());
  }

  /** The variables the estimate of {@code step} has: its entries, by their indices. */
  public static WatchedEntries of(EnsembleStep step, DriftDiffusionEstimate estimate) {
    Mode mode = Mode.of(step);
    EntrySelection selection = EntrySelection.parse(estimate.getWatchedEntries());
    if (mode == Mode.POOLED) {
      return new WatchedEntries(mode, EntrySelection.ALL, new int[0], step.entries());
    }
    int[] entries = new int[estimate.getEntriesCount()];
    for (int v = 0; v < entries.length; v++) {
      entries[v] = flat(estimate.getEntries(v).getIndexList(), step.shape());
    }
    return new WatchedEntries(mode, selection, entries, step.entries());
  }

  /**
   * Every entry of a layer of {@code variables} variables in this mode: what a checkpoint written
   * before selections existed watched (its matrix size unknown when pooled: 0).
   */
  public static WatchedEntries every(Mode mode, int variables) {
    return mode == Mode.POOLED
        ? new WatchedEntries(mode, EntrySelection.ALL, new int[0], 0)
        : new WatchedEntries(
            mode, EntrySelection.ALL, EntrySelection.ALL.entries(new int[] {variables}), variables);
  }

  /** The row-major index of the multi-index {@code index} in a matrix of this shape. */
  static int flat(List<Integer> index, int[] shape) {
    int e = 0;
    for (int d = 0; d < shape.length; d++) {
      e = e * shape[d] + index.get(d);
    }
    return e;
  }

  public Mode mode() {
    return mode;
  }

  /** The selection these entries come from ({@code all} when pooled). */
  public EntrySelection selection() {
    return selection;
  }

  /** Entries of the whole matrix. */
  public int matrixEntries() {
    return matrixEntries;
  }

  /** Number of variables: watched entries, or 1 when pooled. */
  public int variables() {
    return mode == Mode.POOLED ? 1 : entries.length;
  }

  /**
   * The row-major matrix index of variable {@code v}'s entry ({@code v} itself when pooled): what
   * its random draws are seeded with, so an entry draws the same numbers whichever others are
   * watched.
   */
  public int entry(int v) {
    return mode == Mode.POOLED ? v : entries[v];
  }

  /** True when every entry of the matrix is a variable of its own (ensemble mode, all watched). */
  public boolean everyEntry() {
    return mode == Mode.ENSEMBLE && entries.length == matrixEntries;
  }

  /** The samples of variable {@code v} at this step. */
  public double[] samples(EnsembleStep step, int v) {
    return mode == Mode.POOLED ? mode.samples(step, 0) : step.samples(entries[v]);
  }

  /** The index reported for variable {@code v}: its entry's multi-index, or empty when pooled. */
  public int[] index(EnsembleStep step, int v) {
    return mode == Mode.POOLED ? new int[0] : step.index(entries[v]);
  }

  /**
   * The smallest and largest sample of every variable at this step into {@code min} and {@code
   * max}; unwatched entries are not read.
   */
  public void ranges(EnsembleStep step, double[] min, double[] max) {
    if (mode == Mode.POOLED || everyEntry()) {
      mode.ranges(step, min, max);
      return;
    }
    float[] values = step.values();
    int n = step.entries();
    java.util.Arrays.fill(min, 0, entries.length, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, 0, entries.length, Double.NEGATIVE_INFINITY);
    for (int base = 0; base < values.length; base += n) {
      for (int v = 0; v < entries.length; v++) {
        double x = values[base + entries[v]];
        min[v] = Math.min(min[v], x);
        max[v] = Math.max(max[v], x);
      }
    }
  }

  /**
   * The step with the watched entries' values only, in the order of the variables (a vector of
   * them; no probe inputs): what the estimator keeps of a step for the next increments.
   */
  public EnsembleStep project(EnsembleStep step) {
    int n = step.entries();
    float[] values = step.values();
    float[] kept = new float[step.size() * entries.length];
    for (int k = 0, i = 0; k < step.size(); k++) {
      for (int e : entries) {
        kept[i++] = values[k * n + e];
      }
    }
    return new EnsembleStep(
        step.runId(),
        step.layer(),
        step.step(),
        new int[] {entries.length},
        step.replicas(),
        kept,
        step.learningRate(),
        step.batchSize(),
        step.sourceTimeMillis());
  }

  /** Writes mode, selection, entries and the matrix's size. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(mode.ordinal());
    out.writeUTF(selection.toString());
    StateIo.writeInts(out, entries);
    out.writeInt(matrixEntries);
  }

  /** What {@link #writeTo} wrote. */
  public static WatchedEntries readFrom(DataInput in) throws IOException {
    Mode mode = Mode.values()[in.readInt()];
    EntrySelection selection = EntrySelection.parse(in.readUTF());
    int[] entries = StateIo.readInts(in);
    return new WatchedEntries(mode, selection, entries, in.readInt());
  }

  @Override
  public String toString() {
    return mode == Mode.POOLED
        ? "pooled (all " + matrixEntries + " entries)"
        : selection + " (" + entries.length + " of " + matrixEntries + " entries)";
  }
}
