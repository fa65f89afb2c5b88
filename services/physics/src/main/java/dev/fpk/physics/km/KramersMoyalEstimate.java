package dev.fpk.physics.km;

import dev.fpk.physics.grid.Grid1D;

/**
 * Immutable snapshot of a Kramers-Moyal estimate on a {@link Grid1D}: per bin the drift {@code mu}
 * (weight units per optimiser step), the diffusion {@code D} (weight units squared per step, in the
 * convention {@code dW = mu dt + sqrt(2D) dB}), their standard errors, the effective sample counts,
 * the fourth Kramers-Moyal coefficient and its Pawula ratio, plus the pooled {@link OuFit}.
 *
 * <p>Bins without data hold NaN (drift and its error need one effective sample, diffusion two); the
 * {@link #smoothedDrift(int)} / {@link #smoothedDiffusion(int)} views replace bins with fewer than
 * {@code minCount} effective samples by the OU fit. How each number is computed is documented on
 * {@link BinnedKramersMoyal}.
 *
 * <p>Accessors return defensive copies. Thread-safety: immutable, safe to share.
 */
public final class KramersMoyalEstimate {
  private final Grid1D grid;
  private final double[] drift;
  private final double[] driftStdErr;
  private final double[] diffusion;
  private final double[] diffusionStdErr;
  private final double[] counts;
  private final double[] fourth;
  private final double[] pawula;
  private final OuFit ouFit;
  private final double pawulaRatio;

  KramersMoyalEstimate(
      Grid1D grid,
      double[] drift,
      double[] driftStdErr,
      double[] diffusion,
      double[] diffusionStdErr,
      double[] counts,
      double[] fourth,
      double[] pawula,
      OuFit ouFit,
      double pawulaRatio) {
    this.grid = grid;
    this.drift = drift;
    this.driftStdErr = driftStdErr;
    this.diffusion = diffusion;
    this.diffusionStdErr = diffusionStdErr;
    this.counts = counts;
    this.fourth = fourth;
    this.pawula = pawula;
    this.ouFit = ouFit;
    this.pawulaRatio = pawulaRatio;
  }

  /** The bins. */
  public Grid1D grid() {
    return grid;
  }

  /** Drift per bin (weight units per step); NaN in empty bins. */
  public double[] drift() {
    return drift.clone();
  }

  /** Standard error of the drift per bin; NaN with fewer than two effective samples. */
  public double[] driftStdErr() {
    return driftStdErr.clone();
  }

  /**
   * Diffusion {@code D} per bin (weight units squared per step); NaN with fewer than two samples.
   */
  public double[] diffusion() {
    return diffusion.clone();
  }

  /**
   * Standard error of {@code D} per bin (from the residuals' fourth moment, so heavy tails count).
   */
  public double[] diffusionStdErr() {
    return diffusionStdErr.clone();
  }

  /**
   * Effective sample count per bin, Kish's {@code (sum c)^2 / sum c^2} over the forgetting weights
   * {@code c}; without forgetting it is the number of increments in the bin.
   */
  public double[] counts() {
    return counts.clone();
  }

  /**
   * Fourth Kramers-Moyal coefficient per bin, {@code kappa4(dW | w) / (4! dt)} from the fourth
   * cumulant of the increments (weight units^4 per step); NaN with fewer than two samples.
   */
  public double[] fourthCoefficient() {
    return fourth.clone();
  }

  /**
   * Pawula ratio per bin, {@code D4 / (D^2 dt)}: 0 for Gaussian increments; see {@link
   * #pawulaRatio()}.
   */
  public double[] pawulaRatios() {
    return pawula.clone();
  }

  /**
   * Pooled Pawula ratio {@code D4 / (D^2 dt)} over all bins, which equals the excess kurtosis of
   * the increment residuals divided by 6: 0 for a diffusion (Gaussian increments at any {@code
   * dt}), 0.5 for Laplace-distributed noise, large for jumps or heavy-tailed gradient noise, where
   * the Fokker-Planck description is the wrong model. NaN without data.
   */
  public double pawulaRatio() {
    return pawulaRatio;
  }

  /** The weighted least-squares OU fit through all increments. */
  public OuFit ouFit() {
    return ouFit;
  }

  /**
   * Drift per bin, replaced by the OU fit at the bin centre where fewer than {@code minCount}
   * effective samples.
   */
  public double[] smoothedDrift(int minCount) {
    double[] out = drift.clone();
    KramersMoyalBins.smoothDrift(out, counts, out.length, grid, ouFit, minCount);
    return out;
  }

  /**
   * Diffusion per bin, replaced by the pooled OU diffusion where fewer than {@code minCount}
   * effective samples.
   */
  public double[] smoothedDiffusion(int minCount) {
    double[] out = diffusion.clone();
    KramersMoyalBins.smoothDiffusion(out, counts, out.length, ouFit, minCount);
    return out;
  }
}
