package dev.fpk.physics.fp;

/**
 * Implicit time steppers of the Fokker-Planck solvers, for the semi-discrete system {@code dp/dt =
 * L p} over a substep {@code tau} (optimiser steps). The default is {@link #TR_BDF2}.
 */
public enum TimeScheme {
  /**
   * Backward Euler {@code (I - tau L) p' = p}: first order, L-stable; with the exponential-fitting
   * fluxes the matrix is an M-matrix, so the density stays non-negative for any step.
   */
  BACKWARD_EULER,
  /**
   * TR-BDF2 with {@code gamma = 2 - sqrt 2} (Bank et al. 1985; Hosea and Shampine 1996): a
   * trapezoidal stage to {@code t + gamma tau}, then BDF2; second order and L-stable, both stages
   * share the matrix {@code I - (1 - 1/sqrt 2) tau L}. Not positivity-preserving by itself; see the
   * solvers for how negative values are handled.
   */
  TR_BDF2
}
