package dev.fpk.physics.forecast;

/**
 * A forecast issued at step {@code issuedAt} for step {@code target}, scored when the data of the
 * target step arrived, next to its two baselines scored the same way. Immutable, thread-safe.
 *
 * @param issuedAt optimiser step the forecast started from
 * @param target optimiser step it predicts
 * @param fokkerPlanck score of the Fokker-Planck forecast
 * @param nothingChanges score of the "nothing changes" baseline
 * @param gaussianMoments score of the Gaussian moment propagation baseline
 * @param conditionalFloorW1 the density forecast's conditional floor ({@link
 *     MovedReplicas#floorOf}), weight units (NaN when not drawn)
 * @param particles the particle forecast's scores ({@link ParticleForecast})
 */
public record ScoredForecast(
    long issuedAt,
    long target,
    ForecastScore fokkerPlanck,
    ForecastScore nothingChanges,
    ForecastScore gaussianMoments,
    double conditionalFloorW1,
    ScoredForecast.Particles particles) {

  /**
   * The particle forecast against the data, weight units (NaN without one).
   *
   * @param w1 W1 of the moved replicas to the data
   * @param staticW1 W1 of the replicas at the issue step ("nothing changes") to the data
   * @param floorW1 the particle forecast's floor: its W1 to one more moved copy
   */
  public record Particles(double w1, double staticW1, double floorW1) {}

  /** Optimiser steps ahead: {@code target - issuedAt}. */
  public int horizon() {
    return Math.toIntExact(target - issuedAt);
  }

  /** True if the Fokker-Planck forecast has a smaller Wasserstein-1 than both baselines. */
  public boolean beatsBaselines() {
    double w = fokkerPlanck.wasserstein1();
    return w < nothingChanges.wasserstein1() && w < gaussianMoments.wasserstein1();
  }
}
