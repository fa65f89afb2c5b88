package dev.fpk.physics.km;

import dev.fpk.physics.grid.Grid1D;

/**
 * Streaming Nadaraya-Watson Kramers-Moyal estimator: the statistics of {@link BinnedKramersMoyal}
 * evaluated at every grid centre {@code c_j}, each increment from weight {@code w} counting there
 * with the Gaussian kernel weight {@code K_j = exp(-(w - c_j)^2 / (2 bw^2))} (times the forgetting
 * weight). So the drift at {@code c_j} is {@code sum K c dw / sum K c dt}, the diffusion the
 * kernel-weighted conditional variance of the residuals {@code (dw - mu dt) / sqrt(dt)} over 2 with
 * the unbiasing denominator, and the standard errors and effective counts (Kish, over the kernel
 * weights) follow the same formulas. Kernels are cut at 4 bandwidths (weights below {@code e^-8}).
 *
 * <p>Bandwidth rule ({@link #ruleOfThumbBandwidth}): Silverman's normal-reference {@code bw = 1.06
 * sigma n^(-1/5)} of the weights at which increments start, never below one cell width; or any
 * fixed bandwidth the caller states. The OU fit is the unweighted one of {@link BinnedKramersMoyal}
 * (every increment once). Units: weight units, optimiser steps, {@code dW = mu dt + sqrt(2D) dB}.
 * Centres with no kernel mass report NaN. Cost per increment: {@code O(8 bw / h)}.
 *
 * <p>Smoothing bias (as for any local-constant estimator, and for bins of width {@code h} with
 * {@code bw^2} replaced by {@code h^2 / 12}): the drift is the kernel average of {@code mu}, off by
 * about {@code mu'' bw^2 / 2}; and the variation of the drift across the kernel leaks into the
 * diffusion, adding about {@code (mu' bw)^2 dt / 2}. Keep {@code mu' bw} well below {@code sqrt(2D
 * / dt)}.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class KernelKramersMoyal implements KramersMoyalEstimator<KernelKramersMoyal> {
  private static final double CUT = 4;

  private final Grid1D grid;
  private final double halfLife;
  private final double bandwidth;
  private final double invBw;
  private final double[] centres;
  private final BinStats stats;
  private final OuAccumulator ou = new OuAccumulator();
  private long count;

  /**
   * @param grid evaluation points (the centres)
   * @param halfLifeSteps half-life of the forgetting in steps ({@code POSITIVE_INFINITY} = none)
   * @param bandwidth kernel standard deviation in weight units ({@code > 0})
   */
  public KernelKramersMoyal(Grid1D grid, double halfLifeSteps, double bandwidth) {
    if (!(halfLifeSteps > 0) || !(bandwidth > 0) || bandwidth == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          "need halfLifeSteps > 0 and finite bandwidth > 0, got "
              + halfLifeSteps
              + ", "
              + bandwidth);
    }
    this.grid = grid;
    this.halfLife = halfLifeSteps;
    this.bandwidth = bandwidth;
    this.invBw = 1 / bandwidth;
    this.centres = grid.centres();
    this.stats = new BinStats(grid.cells());
  }

  /**
   * Silverman's normal-reference bandwidth {@code 1.06 sigma n^(-1/5)} of the finite {@code
   * weights} (sample standard deviation), floored at one cell width; one cell width for fewer than
   * two.
   */
  public static double ruleOfThumbBandwidth(Grid1D grid, double[] weights) {
    double mean = 0;
    int n = 0;
    for (double v : weights) {
      if (Double.isFinite(v)) {
        mean += v;
        n++;
      }
    }
    if (n < 2) {
      return grid.width();
    }
    mean /= n;
    double ss = 0;
    for (double v : weights) {
      if (Double.isFinite(v)) {
        ss += (v - mean) * (v - mean);
      }
    }
    double sigma = Math.sqrt(ss / (n - 1));
    return Math.max(grid.width(), 1.06 * sigma * Math.pow(n, -0.2));
  }

  /** The kernel bandwidth in weight units. */
  public double bandwidth() {
    return bandwidth;
  }

  @Override
  public Grid1D grid() {
    return grid;
  }

  @Override
  public void increment(double w, double dw, double dt) {
    if (!KramersMoyalEstimator.usable(w, dw, dt)) {
      return;
    }
    double x = dw / dt;
    int j0 = grid.indexOf(w - CUT * bandwidth);
    int j1 = grid.indexOf(w + CUT * bandwidth);
    for (int j = j0; j <= j1; j++) {
      double z = (centres[j] - w) * invBw;
      if (z * z <= CUT * CUT) {
        stats.add(j, x, dt, Math.exp(-0.5 * z * z));
      }
    }
    ou.add(w, x, dt);
    count++;
  }

  @Override
  public void decay(double steps) {
    double f = Forgetting.factor(halfLife, steps);
    if (f != 1) {
      stats.scale(f);
      ou.scale(f);
    }
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public KramersMoyalEstimate result() {
    return stats.result(grid, ou.fit());
  }

  @Override
  public KernelKramersMoyal copy() {
    KernelKramersMoyal c = new KernelKramersMoyal(grid, halfLife, bandwidth);
    c.stats.merge(stats, 0, 0, stats.bins);
    c.ou.copyFrom(ou);
    c.count = count;
    return c;
  }

  /**
   * Adds the statistics of {@code other} (same grid and bandwidth) into this one: the single-pass
   * result up to round-off.
   */
  @Override
  public void merge(KernelKramersMoyal other) {
    if (!grid.equals(other.grid) || bandwidth != other.bandwidth) {
      throw new IllegalArgumentException(
          "cannot merge estimators with different grid or bandwidth");
    }
    stats.merge(other.stats, 0, 0, stats.bins);
    ou.merge(other.ou);
    count += other.count;
  }
}
