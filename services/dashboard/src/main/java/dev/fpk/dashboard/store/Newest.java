package dev.fpk.dashboard.store;

import org.jspecify.annotations.Nullable;

/**
 * The newest output of one kind (estimate or density) of a layer: one of the same step or later
 * replaces it, a late older one does not. Not thread-safe: guarded as its store is.
 */
final class Newest<T> {
  private @Nullable StoredOutput<T> kept;

  /** Keeps {@code o} unless the one kept is of a later step; true if kept. */
  boolean offer(StoredOutput<T> o) {
    if (kept != null && o.step < kept.step) {
      return false;
    }
    kept = o;
    return true;
  }

  /**
   * The message kept, or null: none yet, or it does not parse (then dropped, and counted by the
   * store).
   */
  @Nullable T read(OutputStore<?> store) {
    T message = store.parsed(kept);
    if (message == null) {
      kept = null;
    }
    return message;
  }
}
