package dev.fpk.estimator;

import com.typesafe.config.Config;

/**
 * Settings of the estimators, built once from the {@code fpk.estimator} config section
 * (reference.conf documents every key).
 *
 * @param bins bins of the conditioning grid per entry, >= 4
 * @param halfLife the memory of the drift and diffusion estimates: adaptive (chosen online per
 *     entry) or a fixed half-life of the forgetting in optimiser steps
 * @param minBinCount bins with fewer effective increments use the Ornstein-Uhlenbeck fit
 * @param replicaTimeoutMillis silence after which a replica is declared gone
 * @param maxPendingSteps incomplete steps kept per (run, layer)
 * @param maxChunkBytes bytes of incompletely received chunked matrices kept per (run, layer)
 * @param entries which entries of each ensemble layer are analysed ({@code fpk.entries})
 */
public record EstimatorSettings(
    int bins,
    HalfLife halfLife,
    int minBinCount,
    long replicaTimeoutMillis,
    int maxPendingSteps,
    long maxChunkBytes,
    EntrySelections entries) {

  /** Chunk buffers of 64 MiB per (run, layer): four 2048x2048 float matrices. */
  public static final long DEFAULT_MAX_CHUNK_BYTES = 64L << 20;

  public EstimatorSettings(
      int bins,
      HalfLife halfLife,
      int minBinCount,
      long replicaTimeoutMillis,
      int maxPendingSteps) {
    this(
        bins,
        halfLife,
        minBinCount,
        replicaTimeoutMillis,
        maxPendingSteps,
        DEFAULT_MAX_CHUNK_BYTES);
  }

  /** Settings that watch every entry of every layer. */
  public EstimatorSettings(
      int bins,
      HalfLife halfLife,
      int minBinCount,
      long replicaTimeoutMillis,
      int maxPendingSteps,
      long maxChunkBytes) {
    this(
        bins,
        halfLife,
        minBinCount,
        replicaTimeoutMillis,
        maxPendingSteps,
        maxChunkBytes,
        EntrySelections.ALL);
  }

  /** A fixed half-life of {@code halfLifeSteps} optimiser steps (+infinity: no forgetting). */
  public EstimatorSettings(
      int bins,
      double halfLifeSteps,
      int minBinCount,
      long replicaTimeoutMillis,
      int maxPendingSteps) {
    this(bins, HalfLife.fixed(halfLifeSteps), minBinCount, replicaTimeoutMillis, maxPendingSteps);
  }

  public EstimatorSettings {
    require(bins >= 4, "fpk.estimator.bins", bins, "must be >= 4");
    require(
        halfLife != null,
        "fpk.estimator.half-life-steps",
        halfLife,
        "must be adaptive, > 0 or inf");
    require(minBinCount >= 1, "fpk.estimator.min-bin-count", minBinCount, "must be >= 1");
    require(
        replicaTimeoutMillis > 0,
        "fpk.estimator.replica-timeout",
        replicaTimeoutMillis + " ms",
        "must be > 0");
    require(
        maxPendingSteps >= 1, "fpk.estimator.max-pending-steps", maxPendingSteps, "must be >= 1");
    require(maxChunkBytes >= 4, "fpk.estimator.max-chunk-bytes", maxChunkBytes, "must be >= 4");
    require(entries != null, EntrySelections.KEY, entries, "must be given");
  }

  public static EstimatorSettings fromConfig(Config root) {
    Config c = root.getConfig("fpk.estimator");
    HalfLife halfLife = HalfLife.parse(c, "half-life-steps", "fpk.estimator.half-life-steps");
    return new EstimatorSettings(
        c.getInt("bins"),
        halfLife,
        c.getInt("min-bin-count"),
        c.getDuration("replica-timeout").toMillis(),
        c.getInt("max-pending-steps"),
        c.getBytes("max-chunk-bytes"),
        EntrySelections.fromConfig(root));
  }

  public EstimatorSettings withHalfLife(HalfLife memory) {
    return new EstimatorSettings(
        bins, memory, minBinCount, replicaTimeoutMillis, maxPendingSteps, maxChunkBytes, entries);
  }

  /** These settings watching the entries {@code selections} choose. */
  public EstimatorSettings withEntries(EntrySelections selections) {
    return new EstimatorSettings(
        bins,
        halfLife,
        minBinCount,
        replicaTimeoutMillis,
        maxPendingSteps,
        maxChunkBytes,
        selections);
  }

  /** The memories each variable's estimator keeps ({@link HalfLife#memories}). */
  public dev.fpk.physics.km.Memories memories() {
    return halfLife.memories(minBinCount);
  }

  static void require(boolean ok, String key, Object value, String rule) {
    if (!ok) {
      throw new IllegalArgumentException(key + " = " + value + ": " + rule);
    }
  }
}
