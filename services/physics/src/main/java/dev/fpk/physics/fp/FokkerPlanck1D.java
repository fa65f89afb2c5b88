package dev.fpk.physics.fp;

import dev.fpk.physics.grid.Grid1D;

/**
 * Finite-volume Fokker-Planck solver on one {@link Grid1D}: {@code dp/dt = -dJ/dw}, {@code J = mu p
 * - d(D p)/dw}, zero-flux walls, Scharfetter-Gummel / Chang-Cooper exponentially fitted face fluxes
 * {@code J = (D/h) (Bern(-x) p_i - Bern(x) p_{i+1})} with Peclet number {@code x = A h / D} and
 * {@code A = mu - dD/dw}, implicit steps by {@link TimeScheme} with one Thomas solve per stage.
 *
 * <p>Units: time in optimiser steps; {@code w} in weight units; drift {@code mu} in weight units
 * per step; {@code D} in weight units squared per step in the convention {@code dW = mu dt +
 * sqrt(2D) dB}; the density is per unit weight, one cell average per cell.
 *
 * <p>Mass is conserved to round-off, the density never becomes negative, and with {@link
 * #setGradientDrift} the discrete Boltzmann state {@code exp(-U/D)} is stationary to round-off. The
 * numerics are those of {@link BatchFokkerPlanck1D} with one entry (see there for the handling of
 * TR-BDF2 undershoots). Until fields are set, {@code mu = D = 0}.
 *
 * <p>Thread-safety: not thread-safe; one instance per thread.
 */
public final class FokkerPlanck1D implements FokkerPlanckSolver {
  private final Grid1D grid;
  private final BatchFokkerPlanck1D batch;

  /** A solver on {@code grid} (at least 2 cells) stepping with {@code scheme}. */
  public FokkerPlanck1D(Grid1D grid, TimeScheme scheme) {
    this.grid = grid;
    this.batch = new BatchFokkerPlanck1D(1, grid, scheme);
  }

  /** A solver with the default scheme, {@link TimeScheme#TR_BDF2}. */
  public FokkerPlanck1D(Grid1D grid) {
    this(grid, TimeScheme.TR_BDF2);
  }

  /** The grid. */
  public Grid1D grid() {
    return grid;
  }

  @Override
  public int size() {
    return grid.cells();
  }

  /** The time scheme. */
  @Override
  public TimeScheme scheme() {
    return batch.scheme();
  }

  /**
   * Sets drift {@code mu} and diffusion {@code D >= 0} from their values at the cell centres; the
   * face drift is its mean between the two centres (4-point rule), {@code dD/dw} the difference of
   * the centres over {@code h}, the face {@code D} their average.
   *
   * @throws IllegalArgumentException on wrong lengths, non-finite values or negative diffusion
   */
  public void setFields(double[] driftAtCentres, double[] diffusionAtCentres) {
    checkLength(driftAtCentres);
    checkLength(diffusionAtCentres);
    batch.setFields(0, driftAtCentres, diffusionAtCentres, 0);
  }

  /**
   * Sets the gradient flux {@code J = -D (p' + p (U/D)')} from the potential {@code U} and
   * diffusion {@code D > 0} at the centres ({@code mu = -U'} for constant {@code D}); face Peclet
   * numbers are differences of {@code U/D}, so {@code exp(-U/D)} at the centres is exactly
   * stationary.
   */
  public void setGradientDrift(double[] potentialAtCentres, double[] diffusionAtCentres) {
    checkLength(potentialAtCentres);
    checkLength(diffusionAtCentres);
    batch.setGradientDrift(0, potentialAtCentres, diffusionAtCentres, 0);
  }

  /**
   * Advances {@code density} (per unit weight at the cell centres) in place by {@code steps}
   * optimiser steps in {@code substeps} equal implicit substeps.
   */
  @Override
  public void advance(double[] density, double steps, int substeps) {
    checkLength(density);
    batch.advance(density, steps, substeps);
  }

  /** Total mass {@code h * sum p}. */
  @Override
  public double mass(double[] density) {
    checkLength(density);
    return batch.mass(0, density);
  }

  /** {@code dp/dt} (per step) at each cell under the current fields. */
  public double[] rate(double[] density) {
    checkLength(density);
    double[] out = new double[grid.cells()];
    batch.rate(0, density, out);
    return out;
  }

  /**
   * Fluxes through the {@code cells - 1} interior faces (probability per step, positive to the
   * right).
   */
  public double[] fluxes(double[] density) {
    checkLength(density);
    double[] out = new double[grid.cells() - 1];
    batch.fluxes(0, density, out);
    return out;
  }

  /** TR-BDF2 substeps whose tiny undershoots were clipped with the mass restored. */
  public long clippedSubsteps() {
    return batch.clippedSubsteps();
  }

  /** TR-BDF2 substeps redone with backward Euler. */
  public long fallbackSubsteps() {
    return batch.fallbackSubsteps();
  }

  private void checkLength(double[] x) {
    if (x.length != grid.cells()) {
      throw new IllegalArgumentException("need " + grid.cells() + " values, got " + x.length);
    }
  }
}
