package dev.fpk.physics.fp;

/**
 * Where solver output leaves (after Hipparchus' step handlers): {@link #init} once before the first
 * substep, {@link #handleStep} after every substep with the time reached, {@link #finish} after the
 * last. Times in optimiser steps from the start of the {@code advance} call. The density array is
 * the solver's working array: read or copy it, do not keep it. Implementations decide their own
 * thread-safety; the solver calls them on its own thread.
 */
public interface StepHandler {
  /** Before the first substep, with the initial density. */
  default void init(double t0, double[] density) {}

  /** After each substep. */
  void handleStep(double t, double[] density);

  /** After the last substep. */
  default void finish(double t, double[] density) {}
}
