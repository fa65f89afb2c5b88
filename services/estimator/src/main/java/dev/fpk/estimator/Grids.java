package dev.fpk.estimator;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.grid.GridFollower;

/**
 * The rule that places a grid around an ensemble sample and moves it with the weights, shared by
 * the estimators (bins) and the solvers (cells) so both see the same support.
 *
 * <p>Initial grid: the sample range widened by its own width on each side (three times the range in
 * all), or by a small absolute span when every sample is equal. The grid then follows the data
 * ({@link #follower}).
 */
public final class Grids {
  /** Smallest span of a grid, in weight units, for an ensemble whose values all coincide. */
  static final double MIN_SPAN = 1e-6;

  private Grids() {}

  public static Grid1D around(double[] samples, int cells) {
    return around(min(samples), max(samples), cells);
  }

  /** The initial grid of a sample whose smallest value is {@code min} and largest {@code max}. */
  public static Grid1D around(double min, double max, int cells) {
    double span = Math.max(max - min, MIN_SPAN * Math.max(1.0, Math.abs(min + max) / 2));
    return Grid1D.of(min - span, max + span, cells);
  }

  /**
   * The policy that moves a grid with the samples: grow by whole cells (keeping the old edges, so
   * remapping is exact) once the samples come within 2% of the width of a wall, with a margin of a
   * quarter of the width, and coarsen by merging pairs of cells above {@code maxCells}.
   */
  public static GridFollower follower(int maxCells) {
    return new GridFollower(0.02, 0.25, maxCells);
  }

  /**
   * The grid {@code follower} gives for these samples (the same grid if they keep clear of the
   * walls).
   */
  public static Grid1D following(GridFollower follower, Grid1D grid, double[] samples) {
    return follower.follow(grid, min(samples), max(samples));
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
