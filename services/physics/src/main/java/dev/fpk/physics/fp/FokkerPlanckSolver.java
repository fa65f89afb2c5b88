package dev.fpk.physics.fp;

/**
 * A Fokker-Planck solver with its coefficients already set: it advances a density (flat {@code
 * double[]}, per unit weight or volume) in place through time measured in optimiser steps, with
 * mass conserved to round-off and no negative values; the contract every implementation is tested
 * against. The PDE's coefficients are set through each implementation's own setters; the time
 * stepping is chosen by {@link TimeScheme}. Implementations are not thread-safe.
 */
public interface FokkerPlanckSolver {
  /** Number of cells of a density this solver advances. */
  int size();

  /** The time scheme. */
  TimeScheme scheme();

  /** Advances {@code density} in place by {@code steps} in {@code substeps} equal substeps. */
  void advance(double[] density, double steps, int substeps);

  /** Total mass of a density. */
  double mass(double[] density);

  /**
   * Advances like {@link #advance(double[], double, int)} and reports every substep to {@code
   * handler}.
   */
  default void advance(double[] density, double steps, int substeps, StepHandler handler) {
    if (substeps < 1) {
      throw new IllegalArgumentException("need substeps >= 1, got " + substeps);
    }
    double tau = steps / substeps;
    handler.init(0, density);
    for (int s = 1; s <= substeps; s++) {
      advance(density, tau, 1);
      handler.handleStep(s * tau, density);
    }
    handler.finish(steps, density);
  }
}
