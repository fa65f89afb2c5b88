package dev.fpk.estimator;

import dev.fpk.physics.grid.Grid1D;

/**
 * The rule that places a grid around an ensemble sample and moves it with the weights, shared by
 * the estimators (bins) and the solvers (cells) so both see the same support.
 *
 * <p>Initial grid: the sample range widened by its own width on each side (three times the
 * range in all), or by a small absolute span when every sample is equal. The grid follows the
 * data: once a sample comes within one cell of a wall it grows by whole cells to cover the
 * sample range plus half its width on that side.
 */
public final class Grids {
  /** Smallest span of a grid, in weight units, for an ensemble whose values all coincide. */
  static final double MIN_SPAN = 1e-6;

  private Grids() {}

  public static Grid1D around(double[] samples, int cells) {
    double min = min(samples);
    double max = max(samples);
    double span = Math.max(max - min, MIN_SPAN * Math.max(1.0, Math.abs(min + max) / 2));
    return Grid1D.of(min - span, max + span, cells);
  }

  /** The grid widened to keep the samples a cell away from the walls, or the same grid. */
  public static Grid1D following(Grid1D grid, double[] samples) {
    double min = min(samples);
    double max = max(samples);
    double h = grid.width();
    if (min > grid.lo() + h && max < grid.hi() - h) {
      return grid;
    }
    return grid.extendedToCover(min, max, 0.5);
  }

  static double min(double[] xs) {
    double m = Double.POSITIVE_INFINITY;
    for (double x : xs) {
      m = Math.min(m, x);
    }
    return m;
  }

  static double max(double[] xs) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : xs) {
      m = Math.max(m, x);
    }
    return m;
  }
}
