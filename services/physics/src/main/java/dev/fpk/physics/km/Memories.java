package dev.fpk.physics.km;

import java.util.Arrays;

/**
 * The memories a {@link PrequentialKramersMoyal} keeps side by side and how it chooses among them.
 *
 * <p>The default ({@link #adaptive}) keeps four, with half-lives of 1000, 160, 40 and 10 optimiser
 * steps (a factor of about 4 apart, so the best of them is within a factor of 2 of any half-life in
 * between), each also offering a drift linear in time, and discounts the prequential score with a
 * half-life of {@link #DEFAULT_SCORE_HALF_LIFE_STEPS} steps. One memory without the time term
 * ({@link #fixed}) is the plain forgetting estimator, {@link BinnedKramersMoyal}, bit for bit.
 * Immutable, thread-safe.
 */
public final class Memories {
  /** Half-lives of the default memories, optimiser steps, longest first. */
  public static final double[] DEFAULT_HALF_LIVES_STEPS = {1000, 160, 40, 10};

  /**
   * Half-life of the discounted prequential score, optimiser steps: long enough that a choice rests
   * on tens of steps of increments, short enough that it can change within a short memory's
   * half-life after the landscape moves.
   */
  public static final double DEFAULT_SCORE_HALF_LIFE_STEPS = 50;

  private final double[] halfLives;
  private final boolean trend;
  private final int minBinCount;
  private final double scoreHalfLife;

  /**
   * Memories with these half-lives.
   *
   * @param halfLivesSteps half-lives in optimiser steps, each {@code > 0} ({@code +infinity}: never
   *     forget), distinct; kept longest first (ties in the score go to the longest)
   * @param trend whether each memory also offers the drift linear in time as a candidate
   * @param minBinCount bins with fewer effective increments are scored with the memory's
   *     Ornstein-Uhlenbeck fit, as the estimate's smoothed view publishes them; {@code >= 1}
   * @param scoreHalfLifeSteps half-life of the discounted score, optimiser steps, {@code > 0}
   * @throws IllegalArgumentException on an invalid value
   */
  public Memories(
      double[] halfLivesSteps, boolean trend, int minBinCount, double scoreHalfLifeSteps) {
    double[] h = halfLivesSteps.clone();
    if (h.length == 0) {
      throw new IllegalArgumentException("need at least one memory");
    }
    Arrays.sort(h);
    for (int i = 0; i < h.length; i++) {
      if (!(h[i] > 0) || (i > 0 && h[i] == h[i - 1])) {
        throw new IllegalArgumentException(
            "half-lives must be > 0 and distinct: " + Arrays.toString(halfLivesSteps));
      }
    }
    if (minBinCount < 1) {
      throw new IllegalArgumentException("need minBinCount >= 1, got " + minBinCount);
    }
    if (!(scoreHalfLifeSteps > 0)) {
      throw new IllegalArgumentException("need scoreHalfLifeSteps > 0, got " + scoreHalfLifeSteps);
    }
    this.halfLives = new double[h.length];
    for (int i = 0; i < h.length; i++) {
      halfLives[i] = h[h.length - 1 - i];
    }
    this.trend = trend;
    this.minBinCount = minBinCount;
    this.scoreHalfLife = scoreHalfLifeSteps;
  }

  /**
   * The default: {@link #DEFAULT_HALF_LIVES_STEPS}, each with the time term, scored with this
   * minimum bin count.
   */
  public static Memories adaptive(int minBinCount) {
    return new Memories(DEFAULT_HALF_LIVES_STEPS, true, minBinCount, DEFAULT_SCORE_HALF_LIFE_STEPS);
  }

  /** One memory of this half-life, no time term: the plain forgetting estimator. */
  public static Memories fixed(double halfLifeSteps, int minBinCount) {
    return new Memories(
        new double[] {halfLifeSteps}, false, minBinCount, DEFAULT_SCORE_HALF_LIFE_STEPS);
  }

  /** Number of memories. */
  public int count() {
    return halfLives.length;
  }

  /** Half-life of memory {@code m} (longest first), optimiser steps. */
  public double halfLifeSteps(int m) {
    return halfLives[m];
  }

  /** Whether each memory also offers the drift linear in time. */
  public boolean trend() {
    return trend;
  }

  /** Candidates scored: each memory, and each memory with the time term if {@link #trend()}. */
  public int candidates() {
    return halfLives.length * (trend ? 2 : 1);
  }

  /** Whether there is a choice to make (more than one candidate). */
  public boolean adaptive() {
    return candidates() > 1;
  }

  public int minBinCount() {
    return minBinCount;
  }

  public double scoreHalfLifeSteps() {
    return scoreHalfLife;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Memories m
        && Arrays.equals(halfLives, m.halfLives)
        && trend == m.trend
        && minBinCount == m.minBinCount
        && scoreHalfLife == m.scoreHalfLife;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(halfLives) * 31 + Boolean.hashCode(trend) + 7 * minBinCount;
  }

  @Override
  public String toString() {
    return "Memories"
        + Arrays.toString(halfLives)
        + (trend ? " with time term" : "")
        + ", min bin count "
        + minBinCount
        + ", score half-life "
        + scoreHalfLife;
  }
}
