package dev.fpk.physics.cs;

/**
 * A zero {@code w*} of the drift (beta function) with the slope {@code beta'(w*)} there (per step):
 * negative = attractive (stable), positive = repulsive. Immutable, thread-safe.
 *
 * @param w location in weight units
 * @param slope {@code d mu / dw} at {@code w}
 */
public record FixedPoint(double w, double slope) {
  /** True if the fixed point attracts ({@code slope < 0}). */
  public boolean attractive() {
    return slope < 0;
  }
}
