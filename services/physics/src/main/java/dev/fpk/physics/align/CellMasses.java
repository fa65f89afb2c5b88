package dev.fpk.physics.align;

import dev.fpk.physics.grid.Grid1D;

/**
 * A density on a {@link Grid1D} (cell averages per unit weight) reduced once to what its scores
 * need: the cell masses normalised to 1, the normalised CDF at the cell edges, mean and variance,
 * each computed exactly as {@link Alignment}'s static methods compute them (same figures, bit for
 * bit), so that W1, Jensen-Shannon, Hellinger and the moment errors against one density normalise
 * it once instead of five times. A density whose mass is not positive and finite is not {@link
 * #valid()}: its mean and variance are NaN, as are the scores against it.
 *
 * <p>Reusable: {@link #set} overwrites the buffers (grown as needed, never shrunk), so one instance
 * scores any number of densities without allocating. Not thread-safe.
 */
public final class CellMasses {
  private Grid1D grid;
  private double[] values = new double[0];
  private double[] masses = new double[0];
  private double[] cumulative = new double[1];
  private boolean valid;
  private boolean cumulativeReady;
  private double mean;
  private double variance;

  /** Prepares {@code density} on {@code g} (its values are copied). */
  public CellMasses set(Grid1D g, double[] density) {
    Alignment.checkLength(g, density);
    System.arraycopy(density, 0, valuesBuffer(g.cells()), 0, g.cells());
    return prepare(g);
  }

  /** Prepares the values already in {@link #values} (for owners that fill them in place). */
  CellMasses prepare(Grid1D g) {
    grid = g;
    valid = Alignment.masses(values, g.cells(), masses);
    cumulativeReady = false;
    mean = valid ? Alignment.meanOfMasses(g, masses) : Double.NaN;
    variance = valid ? Alignment.varianceOfMasses(g, masses, mean) : Double.NaN;
    return this;
  }

  /** A buffer of at least {@code cells} values for {@link #prepare} to read. */
  double[] valuesBuffer(int cells) {
    if (masses.length < cells) {
      values = new double[cells];
      masses = new double[cells];
      cumulative = new double[cells + 1];
    }
    return values;
  }

  /** The grid. */
  public Grid1D grid() {
    return grid;
  }

  /**
   * The density as given, per unit weight (a buffer: the first {@code grid().cells()} values
   * count).
   */
  public double[] values() {
    return values;
  }

  /** Whether the mass is positive and finite. */
  public boolean valid() {
    return valid;
  }

  /** {@link Alignment#mean}: the mean of the piecewise-constant density; NaN unless valid. */
  public double mean() {
    return mean;
  }

  /** {@link Alignment#variance}: its variance, exact for it; NaN unless valid. */
  public double variance() {
    return variance;
  }

  /** The normalised cell masses (first {@code cells} values; only if valid). */
  double[] masses() {
    return masses;
  }

  /**
   * The normalised CDF at the {@code cells + 1} edges (only if valid; the first {@code cells + 1}
   * values of a buffer, read only), computed on first use.
   */
  public double[] cumulative() {
    if (!cumulativeReady) {
      Alignment.cumulative(values, grid.cells(), cumulative);
      cumulativeReady = true;
    }
    return cumulative;
  }
}
