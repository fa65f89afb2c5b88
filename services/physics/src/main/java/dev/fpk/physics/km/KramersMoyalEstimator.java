package dev.fpk.physics.km;

import dev.fpk.physics.grid.Grid1D;

/**
 * A streaming Kramers-Moyal estimator on a grid: feed increments {@code dw} observed over {@code
 * dt} optimiser steps from weight {@code w}, forget with a half-life, read an immutable {@link
 * KramersMoyalEstimate}; shards {@link #merge} into the single-pass result (the contract every
 * implementation is tested against). Units: weight units, optimiser steps, {@code D} in {@code dW =
 * mu dt + sqrt(2D) dB}. Implementations are not thread-safe.
 *
 * @param <T> the implementation (merge and copy stay within it)
 */
public interface KramersMoyalEstimator<T extends KramersMoyalEstimator<T>> {
  /** The grid the estimate lives on. */
  Grid1D grid();

  /**
   * Whether an increment can be counted: finite weight and increment over a finite gap {@code dt >
   * 0} (every implementation ignores the others).
   */
  static boolean usable(double w, double dw, double dt) {
    return dt > 0 && dt != Double.POSITIVE_INFINITY && Double.isFinite(w) && Double.isFinite(dw);
  }

  /** Adds one increment; non-finite input or {@code dt <= 0} is ignored. */
  void increment(double w, double dw, double dt);

  /**
   * Adds {@code after[i] - before[i]} from {@code before[i]} over {@code dt} for every {@code i}:
   * one snapshot pair of an ensemble (replicas of one entry, ensemble mode) or of one matrix (its
   * entries as samples of one scalar weight, pooled mode).
   */
  default void incrementAll(double[] before, double[] after, double dt) {
    if (before.length != after.length) {
      throw new IllegalArgumentException("before and after differ in length");
    }
    for (int i = 0; i < before.length; i++) {
      increment(before[i], after[i] - before[i], dt);
    }
  }

  /** Multiplies the weight of everything seen so far by {@code 2^(-steps / halfLife)}. */
  void decay(double steps);

  /** Increments accepted so far (not decayed). */
  long count();

  /** The current estimate; NaN where there is no data. */
  KramersMoyalEstimate result();

  /** A deep copy. */
  T copy();

  /** Adds another estimator's statistics (same grid and settings) into this one. */
  void merge(T other);
}
