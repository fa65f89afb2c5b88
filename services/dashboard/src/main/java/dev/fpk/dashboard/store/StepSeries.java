package dev.fpk.dashboard.store;

import java.util.ArrayList;
import java.util.List;

/**
 * A reader's own series over the steps of one (run, layer), e.g. figures derived from each newest
 * density or estimate: one point per step, in step order, thinned like the live page's alignment
 * history ({@link HistoryBound#halving}: past {@code maxPoints} the first, every other and the last
 * point are kept, so the span stays whole). A point of the last step's step replaces it (an output
 * published again after a restore); an older one is ignored, as the store ignores a late older
 * estimate or density. Not thread-safe: guarded as its store is.
 *
 * @param <T> a point's value, immutable once added
 */
public final class StepSeries<T> {
  /** One step's value. */
  public record Point<T>(long step, T value) {}

  private final int maxPoints;
  private final List<Point<T>> points = new ArrayList<>();

  public StepSeries(int maxPoints) {
    if (maxPoints < 2) {
      throw new IllegalArgumentException("maxPoints must be >= 2, got " + maxPoints);
    }
    this.maxPoints = maxPoints;
  }

  /** Adds the value of {@code step}; false (ignored) if an older step than the newest kept. */
  public boolean add(long step, T value) {
    int last = points.size() - 1;
    if (last >= 0 && points.get(last).step() > step) {
      return false;
    }
    if (last >= 0 && points.get(last).step() == step) {
      points.set(last, new Point<>(step, value));
      return true;
    }
    points.add(new Point<>(step, value));
    if (points.size() > maxPoints) {
      HistoryBound.halve(points);
    }
    return true;
  }

  /** The points, oldest first; an immutable copy. */
  public List<Point<T>> points() {
    return List.copyOf(points);
  }
}
