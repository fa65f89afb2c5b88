package dev.fpk.analysis.stream;

import dev.fpk.estimator.EnsembleStep;
import dev.fpk.protocol.SnapshotKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The steps waiting for the spectral stage, in arrival order, bounded by the values they hold: when
 * over the bound, the oldest step whose (run, layer) has a newer one waiting is dropped (skipped),
 * so each (run, layer) always keeps its newest step, and the bound is passed by at most one step
 * per (run, layer). Not thread-safe: the stream's thread fills it, the spectral stage takes it
 * whole.
 */
final class SpectralBacklog implements Iterable<EnsembleStep> {
  private final long maxValues;
  private final ArrayDeque<EnsembleStep> steps = new ArrayDeque<>();
  private long values;

  /**
   * @param maxValues weight values held at most (beyond, older steps are skipped), >= 1
   */
  SpectralBacklog(long maxValues) {
    this.maxValues = maxValues;
  }

  /** Adds the step; the steps skipped to stay within the bound, oldest first. */
  List<EnsembleStep> add(EnsembleStep step) {
    steps.addLast(step);
    values += step.values().length;
    List<EnsembleStep> skipped = new ArrayList<>();
    for (Iterator<EnsembleStep> it = steps.iterator(); values > maxValues && it.hasNext(); ) {
      EnsembleStep old = it.next();
      if (hasNewer(old)) {
        it.remove();
        values -= old.values().length;
        skipped.add(old);
      }
    }
    return skipped;
  }

  int size() {
    return steps.size();
  }

  @Override
  public Iterator<EnsembleStep> iterator() {
    return steps.iterator();
  }

  private boolean hasNewer(EnsembleStep old) {
    String key = SnapshotKey.of(old.runId(), old.layer());
    for (Iterator<EnsembleStep> it = steps.descendingIterator(); it.hasNext(); ) {
      EnsembleStep s = it.next();
      if (s == old) {
        return false;
      }
      if (SnapshotKey.of(s.runId(), s.layer()).equals(key)) {
        return true;
      }
    }
    return false;
  }
}
