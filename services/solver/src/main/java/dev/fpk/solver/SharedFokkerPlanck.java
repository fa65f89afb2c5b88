package dev.fpk.solver;

import dev.fpk.physics.fp.BatchFokkerPlanck1D;
import dev.fpk.physics.fp.TimeScheme;
import dev.fpk.physics.grid.Grid1D;

/**
 * The Fokker-Planck solvers of a layer's entries: one single-entry {@link BatchFokkerPlanck1D} per
 * cell count, moved to each entry's grid in turn, instead of one solver per entry. The fields
 * change every step, so a solver's factorisations could not be reused from one step to the next
 * anyway; the results are those of a fresh solver per grid, bit for bit. What it saves is memory: a
 * solver holds 12 arrays of {@code cells} doubles (~12 KB at 128 cells), 0.8 GB for the 65,536
 * entries of a 256x256 layer, now a few solvers per layer (grids grow by whole cells, so entries
 * may differ in cell count). Not thread-safe, like the solver that owns it.
 */
final class SharedFokkerPlanck {
  private final TimeScheme scheme;
  private BatchFokkerPlanck1D[] byCells = new BatchFokkerPlanck1D[0];

  SharedFokkerPlanck(TimeScheme scheme) {
    this.scheme = scheme;
  }

  /**
   * Advances {@code density} on {@code grid} in place by {@code steps} optimiser steps in {@code
   * substeps} substeps under the fields at the cell centres (first {@code cells} values).
   */
  void advance(
      Grid1D grid,
      double[] density,
      double[] drift,
      double[] diffusion,
      double steps,
      int substeps) {
    BatchFokkerPlanck1D fp = on(grid);
    fp.setFields(0, drift, diffusion, 0);
    fp.advance(density, steps, substeps);
  }

  private BatchFokkerPlanck1D on(Grid1D grid) {
    int n = grid.cells();
    if (n >= byCells.length) {
      byCells = java.util.Arrays.copyOf(byCells, n + 1);
    }
    if (byCells[n] == null) {
      byCells[n] = new BatchFokkerPlanck1D(1, grid, scheme);
    } else {
      byCells[n].setGrid(0, grid);
    }
    return byCells[n];
  }
}
