package dev.fpk.physics.km;

import java.util.function.Supplier;

/**
 * Feeding Kramers-Moyal estimators from snapshots in the two modes of PHYSICS.md section 1.
 * Snapshots are {@code double[]} of the entries of one weight matrix (flattened), taken {@code dt}
 * optimiser steps apart.
 *
 * <ul>
 *   <li><b>pooled</b>: the entries of one run's matrix are samples of one scalar weight; one
 *       estimator gets every entry's increment;
 *   <li><b>ensemble</b>: R replicas of the same run; estimator {@code e} (one per entry) gets the R
 *       increments of entry {@code e}, one per replica ({@code snapshots[r][e]}).
 * </ul>
 *
 * Stateless; thread-safety is that of the estimators passed in.
 */
public final class KramersMoyalModes {
  private KramersMoyalModes() {}

  /** Pooled mode: all entries' increments into one estimator. */
  public static void pooled(
      KramersMoyalEstimator<?> km, double[] before, double[] after, double dt) {
    km.incrementAll(before, after, dt);
  }

  /**
   * Ensemble mode: {@code perEntry[e]} gets {@code after[r][e] - before[r][e]} from {@code
   * before[r][e]} for every replica {@code r}.
   */
  public static void ensemble(
      KramersMoyalEstimator<?>[] perEntry, double[][] before, double[][] after, double dt) {
    if (before.length != after.length) {
      throw new IllegalArgumentException("replica counts differ");
    }
    for (int r = 0; r < before.length; r++) {
      if (before[r].length != perEntry.length || after[r].length != perEntry.length) {
        throw new IllegalArgumentException(
            "replica " + r + " does not have " + perEntry.length + " entries");
      }
    }
    for (int e = 0; e < perEntry.length; e++) {
      KramersMoyalEstimator<?> km = perEntry[e];
      for (int r = 0; r < before.length; r++) {
        km.increment(before[r][e], after[r][e] - before[r][e], dt);
      }
    }
  }

  /** One new estimator per entry, for ensemble mode. */
  public static <T extends KramersMoyalEstimator<T>> KramersMoyalEstimator<?>[] perEntry(
      int entries, Supplier<T> factory) {
    KramersMoyalEstimator<?>[] out = new KramersMoyalEstimator<?>[entries];
    for (int e = 0; e < entries; e++) {
      out[e] = factory.get();
    }
    return out;
  }
}
