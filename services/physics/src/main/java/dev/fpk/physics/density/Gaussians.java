package dev.fpk.physics.density;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.internal.Normal;
import java.util.function.DoubleUnaryOperator;

/**
 * Cell averages of a normal density {@code N(mean, sd^2)} on a {@link Grid1D} (per unit weight),
 * e.g. for an initialisation law the trainer declares: {@code (Phi((e_{i+1} - mean)/sd) - Phi((e_i
 * - mean)/sd)) / h}, exact to about 1e-15. Stateless, thread-safe.
 */
public final class Gaussians {
  private Gaussians() {}

  /**
   * The cell averages; with {@code foldTails} the mass left and right of the grid is added to the
   * end cells (total mass exactly 1), otherwise it is dropped (the exact cell averages).
   *
   * @throws IllegalArgumentException unless {@code sd > 0} and the mean is finite
   */
  public static double[] cellAverages(Grid1D g, double mean, double sd, boolean foldTails) {
    return cellAverages(g, mean, sd, foldTails, Normal::cdf);
  }

  /**
   * {@link #cellAverages} with the normal CDF read from a table (within 1.5e-15 of {@link
   * Normal#cdf}, a few ns instead of some 50 per edge): for densities made per entry and step, such
   * as the forecasts' Gaussian baseline.
   */
  public static double[] cellAveragesTabulated(
      Grid1D g, double mean, double sd, boolean foldTails) {
    return cellAverages(g, mean, sd, foldTails, NormalCdfTable::cdf);
  }

  private static double[] cellAverages(
      Grid1D g, double mean, double sd, boolean foldTails, DoubleUnaryOperator cdf) {
    if (!(sd > 0) || !Double.isFinite(mean) || sd == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("need finite mean and sd > 0, got " + mean + ", " + sd);
    }
    double[] out = new double[g.cells()];
    double prev = foldTails ? 0 : cdf.applyAsDouble((g.lo() - mean) / sd);
    for (int i = 0; i < out.length; i++) {
      double next =
          foldTails && i == out.length - 1 ? 1 : cdf.applyAsDouble((g.edge(i + 1) - mean) / sd);
      out[i] = (next - prev) / g.width();
      prev = next;
    }
    return out;
  }
}
