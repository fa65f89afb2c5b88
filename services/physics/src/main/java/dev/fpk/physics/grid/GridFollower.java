package dev.fpk.physics.grid;

/**
 * Policy that lets a grid follow the weights: when the support of the data (or of the solver's
 * density) comes within {@code wallFraction} of the domain width of a wall, the grid is widened by
 * whole cells ({@link Grid1D#extendedToCover}) with a margin of {@code marginFraction} of the
 * width, and coarsened by merging pairs of cells ({@link Grid1D#coarsened}) while it has more than
 * {@code maxCells} cells. Both operations keep the old cell edges, so {@link Grid1D#remap} of a
 * density to the new grid is exact and conserves mass.
 *
 * <p>Units: weight units; fractions of the current domain width. Thread-safety: immutable.
 *
 * @param wallFraction distance from a wall, as a fraction of the width, that triggers growth
 * @param marginFraction margin added beyond the support, as a fraction of the width
 * @param maxCells cap on the number of cells (coarsening above it)
 */
public record GridFollower(double wallFraction, double marginFraction, int maxCells) {
  /** Validates the parameters. */
  public GridFollower {
    if (!(wallFraction >= 0 && wallFraction < 0.5) || !(marginFraction >= 0) || maxCells < 2) {
      throw new IllegalArgumentException(
          "need 0 <= wallFraction < 0.5, marginFraction >= 0, maxCells >= 2; got "
              + wallFraction
              + ", "
              + marginFraction
              + ", "
              + maxCells);
    }
  }

  /**
   * The grid to use for support {@code [min, max]}: {@code current} itself when the support keeps
   * clear of both walls, otherwise a widened (and if needed coarsened) grid.
   */
  public Grid1D follow(Grid1D current, double min, double max) {
    double width = current.hi() - current.lo();
    double guard = wallFraction * width;
    if (min >= current.lo() + guard && max <= current.hi() - guard) {
      return current;
    }
    Grid1D g = current.extendedToCover(min, max, marginFraction);
    while (g.cells() > maxCells) {
      g = g.coarsened();
    }
    return g;
  }

  /**
   * The support of a density: the weights below which and above which lies {@code tailMass} of its
   * mass (linear within cells). NaN for a density of zero mass.
   *
   * @return {@code {lower, upper}}
   */
  public static double[] support(Grid1D g, double[] density, double tailMass) {
    double total = 0;
    for (double v : density) {
      total += v;
    }
    if (!(total > 0)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {
      quantile(g, density, total, tailMass), quantile(g, density, total, 1 - tailMass)
    };
  }

  private static double quantile(Grid1D g, double[] p, double total, double q) {
    double target = q * total;
    double cum = 0;
    for (int i = 0; i < p.length; i++) {
      if (cum + p[i] >= target && p[i] > 0) {
        return g.edge(i) + g.width() * (target - cum) / p[i];
      }
      cum += p[i];
    }
    return g.hi();
  }
}
