package dev.fpk.dashboard.live;

import dev.fpk.dashboard.store.StepSeries;
import dev.fpk.physics.density.DensitySampler;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.Arrays;
import java.util.List;

/**
 * What the page draws over the steps besides the alignment, derived from each newest density and
 * estimate of a (run, layer) as they arrive (the store keeps only the newest of each):
 *
 * <ul>
 *   <li>the distribution over time: per entry, the 5/25/50/75/95% quantiles of the Fokker-Planck
 *       density (by its CDF on the solver's grid) and of the replicas (by the CDF of their
 *       histogram on the same cells, linear within a cell: exact to within a cell's width), in
 *       weight units;
 *   <li>the update size: per entry, the replicas' RMS increment per step, {@code sqrt(sum_b n_b (2
 *       D_b + mu_b^2) / sum_b n_b)} over the estimator's bins (n_b its effective increments, D in
 *       dW = mu dt + sqrt(2D) dB, so 2D + mu^2 is the mean squared increment of one step at that
 *       bin), in weight units per step. The estimates carry no increment size of their own; this is
 *       it as the fields the theory uses see it.
 * </ul>
 *
 * Entries by position in their update, as the page reads the density and estimate. Not thread-safe:
 * guarded by its store's lock; {@link #view()} is an immutable copy.
 */
public final class LayerCurves {
  /** The quantile levels of the distribution bands. */
  static final double[] LEVELS = {0.05, 0.25, 0.5, 0.75, 0.95};

  /** Per step: per entry, the theory's quantiles then the replicas', LEVELS each. */
  private final StepSeries<double[][]> quantiles;

  /** Per step: per entry, the RMS increment per step (weight units per step). */
  private final StepSeries<double[]> updateSize;

  LayerCurves(int maxPoints) {
    this.quantiles = new StepSeries<>(maxPoints);
    this.updateSize = new StepSeries<>(maxPoints);
  }

  /** An immutable copy of the series, for a view. */
  public record View(
      List<StepSeries.Point<double[][]>> quantiles, List<StepSeries.Point<double[]>> updateSize) {
    static final View EMPTY = new View(List.of(), List.of());
  }

  View view() {
    return new View(quantiles.points(), updateSize.points());
  }

  void density(DensityUpdate d) {
    double[][] perEntry = new double[d.getEntriesCount()][];
    for (int e = 0; e < perEntry.length; e++) {
      EntryDensity entry = d.getEntries(e);
      double[] q = new double[2 * LEVELS.length];
      System.arraycopy(quantiles(entry, entry.getTheoryList()), 0, q, 0, LEVELS.length);
      System.arraycopy(
          quantiles(entry, entry.getEmpiricalList()), 0, q, LEVELS.length, LEVELS.length);
      perEntry[e] = q;
    }
    quantiles.add(d.getStep(), perEntry);
  }

  void estimate(DriftDiffusionEstimate estimate) {
    double[] rms = new double[estimate.getEntriesCount()];
    for (int e = 0; e < rms.length; e++) {
      rms[e] = rmsIncrement(estimate.getEntries(e));
    }
    updateSize.add(estimate.getStep(), rms);
  }

  /** The LEVELS quantiles of a density on the entry's cells (NaN where the cells do not fit). */
  static double[] quantiles(EntryDensity entry, List<Double> density) {
    int cells = entry.getEdgesCount() - 1;
    // a malformed record (no cells, other lengths, walls not finite and ordered) has no quantiles
    if (cells < 1
        || density.size() != cells
        || !Double.isFinite(entry.getEdges(0))
        || !Double.isFinite(entry.getEdges(cells))
        || !(entry.getEdges(cells) > entry.getEdges(0))) {
      double[] none = new double[LEVELS.length];
      Arrays.fill(none, Double.NaN);
      return none;
    }
    Grid1D grid = Grid1D.of(entry.getEdges(0), entry.getEdges(cells), cells);
    double[] p = density.stream().mapToDouble(x -> Double.isFinite(x) ? x : 0).toArray();
    return DensitySampler.quantilesAt(grid, p, LEVELS);
  }

  /**
   * The RMS increment per step over the entry's bins, weighted by their effective increments; NaN
   * without any.
   */
  static double rmsIncrement(EntryEstimate e) {
    double squares = 0;
    double weight = 0;
    int bins = Math.min(e.getCountCount(), Math.min(e.getDriftCount(), e.getDiffusionCount()));
    for (int b = 0; b < bins; b++) {
      double n = e.getCount(b);
      double mu = e.getDrift(b);
      double d = e.getDiffusion(b);
      if (n > 0 && Double.isFinite(mu) && Double.isFinite(d)) {
        squares += n * (2 * d + mu * mu);
        weight += n;
      }
    }
    return weight > 0 ? Math.sqrt(squares / weight) : Double.NaN;
  }
}
