package dev.fpk.physics.forecast;

import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.align.CellMasses;
import dev.fpk.physics.align.PreparedSamples;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.verdict.W1Verdict;

/**
 * How well a forecast density on a grid matches the samples that arrived: exact Wasserstein-1
 * (weight units), Jensen-Shannon (nats) and Hellinger against the samples' histogram on the same
 * grid, and the errors forecast-minus-data of mean and variance; beside them the forecast's own
 * bootstrap floor, the W1 as many samples drawn from the forecast would have from it on average
 * ({@link W1Verdict#floor(CellMasses, int)}), which floor-corrected skill scores subtract. Every
 * forecast and baseline is scored by this same function. NaN fields for empty samples or a
 * zero-mass forecast. Immutable, thread-safe.
 *
 * @param wasserstein1 exact 1-D W1 between forecast and samples
 * @param jensenShannon JS divergence to the samples' histogram
 * @param hellinger Hellinger distance to the samples' histogram
 * @param meanError forecast mean minus sample mean
 * @param varianceError forecast variance minus sample (population) variance
 * @param bootstrapFloorW1 mean W1 of as many samples drawn from the forecast, weight units
 */
public record ForecastScore(
    double wasserstein1,
    double jensenShannon,
    double hellinger,
    double meanError,
    double varianceError,
    double bootstrapFloorW1) {

  /** Scores {@code forecast} (density on {@code g}) against {@code samples}. */
  public static ForecastScore of(Grid1D g, double[] forecast, double[] samples) {
    double[] hist = Alignment.histogram(g, samples);
    return new ForecastScore(
        Alignment.wasserstein1(g, forecast, samples),
        Alignment.jensenShannon(g, forecast, hist),
        Alignment.hellinger(g, forecast, hist),
        Alignment.mean(g, forecast) - Alignment.sampleMean(samples),
        Alignment.variance(g, forecast) - Alignment.sampleVariance(samples),
        W1Verdict.floor(new CellMasses().set(g, forecast), finiteCount(samples)));
  }

  private static int finiteCount(double[] samples) {
    int n = 0;
    for (double v : samples) {
      n += Double.isFinite(v) ? 1 : 0;
    }
    return n;
  }

  /**
   * The same score against samples prepared once ({@link PreparedSamples}: no sort, histogram or
   * sample moments of its own; equal to {@link #of(Grid1D, double[], double[])} bit for bit).
   */
  public static ForecastScore of(Grid1D g, double[] forecast, PreparedSamples samples) {
    CellMasses hist = samples.histogram(g);
    CellMasses f = samples.theory(g, forecast);
    return new ForecastScore(
        Alignment.wasserstein1(f, samples),
        Alignment.jensenShannon(f, hist),
        Alignment.hellinger(f, hist),
        f.mean() - samples.mean(),
        f.variance() - samples.variance(),
        W1Verdict.floor(f, samples.count()));
  }
}
