package dev.fpk.physics.forecast;

import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.grid.Grid1D;
import java.util.random.RandomGenerator;

/**
 * The floor of a forecast given where the replicas start (PHYSICS.md §4): how far the forecast
 * density would be, in Wasserstein-1, from the replicas at the target step if the theory were
 * exactly right. The replicas at the issue step are moved {@code k} steps ahead by the fitted SDE
 * {@code dW = mu(W) dt + sqrt(2 D(W)) dB} itself (Euler-Maruyama, fields linear between the cell
 * centres, reflected at the grid's edges as the density's zero-flux boundaries), {@code draws}
 * times with independent noise, and the mean W1 of the forecast density to each moved set is the
 * floor.
 *
 * <p>Why not the bootstrap floor of independent draws ({@link ForecastScore#bootstrapFloorW1}): a
 * forecast starts from a kernel density estimate of these very replicas, and the data it is scored
 * against are the same replicas a few steps on, not a fresh sample. Both W1 then sit <em>below</em>
 * the independent-draw floor (the paper's experiment: 0.058 against 0.066 at R = 256), and the
 * floor-corrected skill is undefined. Conditioned on the start, the floor is what the forecast's
 * own start and the SDE's noise leave, and {@code 1 - (W1_fp - floor) / (W1_baseline - floor)} is
 * about 1 for a right theory and 0 for one no better than "nothing changes".
 *
 * <p>Cost: {@code draws x R x n} field lookups and normal draws at issue, {@code n} Euler steps as
 * few as keep the fields nearly constant over each ({@link #substeps}: few where the fields change
 * slowly), at most {@code k x maxSubstepsPerStep}; a new forecast of a horizon is issued when the
 * last one is scored, so it is {@code draws x R x n / k} per step. The floor is one number kept
 * with the forecast. Units: weight units, optimiser steps, {@code D} as above. Stateless,
 * thread-safe (the random generator is the caller's).
 */
public final class ConditionalFloor {
  /** Largest drift change per Euler step, as a share of the drift's relaxation rate. */
  private static final double RATE_STEP = 0.1;

  /** Largest noise displacement per Euler step ({@code sqrt(2 D h)}), in cells. */
  private static final int NOISE_CELLS = 2;

  private ConditionalFloor() {}

  /**
   * The mean W1 (weight units) between {@code forecast} (a density on {@code g}) and {@code draws}
   * copies of {@code start} moved {@code steps} optimiser steps by the SDE of {@code drift} and
   * {@code diffusion} (values at the cell centres of {@code g}); NaN without finite samples or
   * draws.
   */
  public static double of(
      Grid1D g,
      double[] forecast,
      double[] drift,
      double[] diffusion,
      double[] start,
      double steps,
      int maxSubstepsPerStep,
      int draws,
      RandomGenerator random) {
    if (draws < 1 || start.length == 0) {
      return Double.NaN;
    }
    int substeps = substeps(g, drift, diffusion, steps, maxSubstepsPerStep);
    double sum = 0;
    double[] moved = new double[start.length];
    for (int b = 0; b < draws; b++) {
      System.arraycopy(start, 0, moved, 0, start.length);
      move(g, drift, diffusion, moved, steps, substeps, random);
      sum += Alignment.wasserstein1(g, forecast, moved);
    }
    return sum / draws;
  }

  /**
   * Euler steps for {@code steps} optimiser steps: enough that {@code h |dmu/dw| <= 0.1} everywhere
   * on the grid (the drift changes by at most a tenth of itself over a step's move) and that a
   * step's noise {@code sqrt(2 D h)} spans at most {@value #NOISE_CELLS} cells (where the diffusion
   * can change); at least one, at most {@code steps x maxSubstepsPerStep}.
   */
  static int substeps(
      Grid1D g, double[] drift, double[] diffusion, double steps, int maxSubstepsPerStep) {
    double rate = 0;
    double dmax = 0;
    for (int c = 0; c < g.cells(); c++) {
      double slope = c > 0 ? Math.abs(drift[c] - drift[c - 1]) / g.width() : 0;
      rate = Double.isFinite(slope) ? Math.max(rate, slope) : rate;
      dmax = Double.isFinite(diffusion[c]) ? Math.max(dmax, diffusion[c]) : dmax;
    }
    double reach = NOISE_CELLS * g.width();
    long most = Math.max(1, (long) Math.ceil(steps * maxSubstepsPerStep));
    // a hair below the products, so that exact multiples (50 x 0.02 / 0.1 = 10) are not rounded up
    long forDrift = (long) Math.ceil(steps * rate / RATE_STEP * (1 - 1e-12));
    long forNoise = (long) Math.ceil(2 * dmax * steps / (reach * reach) * (1 - 1e-12));
    return (int) Math.min(most, Math.max(1, Math.max(forDrift, forNoise)));
  }

  /**
   * Moves {@code w} in place by {@code steps} optimiser steps in {@code substeps} Euler-Maruyama
   * steps of the SDE (non-finite values stay as they are).
   */
  static void move(
      Grid1D g,
      double[] drift,
      double[] diffusion,
      double[] w,
      double steps,
      int substeps,
      RandomGenerator random) {
    double h = steps / substeps;
    double lo = g.lo();
    double hi = g.hi();
    for (int i = 0; i < w.length; i++) {
      double x = w[i];
      if (!Double.isFinite(x)) {
        continue;
      }
      for (int s = 0; s < substeps; s++) {
        double mu = atCentres(g, drift, x);
        double d = Math.max(0, atCentres(g, diffusion, x));
        x += mu * h + Math.sqrt(2 * d * h) * random.nextGaussian();
        x = x < lo ? 2 * lo - x : x > hi ? 2 * hi - x : x; // zero flux: reflect at the edges
        x = Math.min(hi, Math.max(lo, x)); // a jump past both edges stays on the grid
      }
      w[i] = x;
    }
  }

  /** {@code values} (at the cell centres) linear in between, constant beyond the outer centres. */
  static double atCentres(Grid1D g, double[] values, double w) {
    double s = (w - g.lo()) / g.width() - 0.5;
    int last = g.cells() - 1;
    if (!(s > 0)) {
      return values[0];
    }
    if (s >= last) {
      return values[last];
    }
    int c = (int) s;
    double f = s - c;
    return values[c] + f * (values[c + 1] - values[c]);
  }
}
