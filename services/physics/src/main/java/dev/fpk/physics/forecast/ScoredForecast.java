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
 * @param conditionalFloorW1 the forecast's {@link ConditionalFloor}, weight units (NaN when not
 *     drawn)
 */
public record ScoredForecast(
    long issuedAt,
    long target,
    ForecastScore fokkerPlanck,
    ForecastScore nothingChanges,
    ForecastScore gaussianMoments,
    double conditionalFloorW1) {
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
