package dev.fpk.dashboard.store;

import dev.fpk.protocol.v1.AlignmentUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Which alignment steps an {@link OutputStore} keeps per (run, layer), so that its memory is
 * bounded by the bound, not by the steps. Two rules, one per reader:
 *
 * <ul>
 *   <li>{@link #strided}: up to {@code maxSteps} steps every step is kept; beyond, the steps that
 *       are multiples of a stride (the smallest power of two that leaves at most {@code maxSteps}
 *       of them up to the newest step) and the newest step, so at most {@code maxSteps} + 1. Which
 *       steps are kept depends only on the newest step, not on arrival order: a run analysed with
 *       an interruption keeps the same history as one analysed without (the run report).
 *   <li>{@link #halving}: when the history grows past {@code maxPoints}, its first point, every
 *       other point and its last are kept: its span stays whole (the live page).
 * </ul>
 *
 * Immutable.
 */
public final class HistoryBound {
  /** Thins a history in step order, one point per step, after a point was added. */
  private final Consumer<List<StoredOutput<AlignmentUpdate>>> thin;

  private HistoryBound(Consumer<List<StoredOutput<AlignmentUpdate>>> thin) {
    this.thin = thin;
  }

  /**
   * Every step up to {@code maxSteps}, then the multiples of a power-of-two stride and the newest.
   */
  public static HistoryBound strided(int maxSteps) {
    return new HistoryBound(
        history -> {
          long newest = history.get(history.size() - 1).step;
          long stride = stride(newest, maxSteps);
          history.removeIf(u -> u.step != newest && u.step % stride != 0);
        });
  }

  /** Halves the history, first and last point kept, whenever it grows past {@code maxPoints}. */
  public static HistoryBound halving(int maxPoints) {
    return new HistoryBound(
        history -> {
          if (history.size() > maxPoints) {
            halve(history);
          }
        });
  }

  void thin(List<StoredOutput<AlignmentUpdate>> history) {
    thin.accept(history);
  }

  /**
   * The smallest power of two that leaves at most {@code maxSteps} of its multiples in 0..newest-1.
   */
  static long stride(long newest, int maxSteps) {
    long stride = 1;
    while ((newest + stride - 1) / stride > maxSteps) {
      stride *= 2;
    }
    return stride;
  }

  /** Keeps the first, every other point, and the last. */
  static <T> void halve(List<T> history) {
    T last = history.get(history.size() - 1);
    List<T> kept = new ArrayList<>(history.size() / 2 + 1);
    for (int i = 0; i < history.size() - 1; i += 2) {
      kept.add(history.get(i));
    }
    kept.add(last);
    history.clear();
    history.addAll(kept);
  }
}
