package dev.fpk.solver;

/**
 * Work done at most once per window of a fixed number of optimiser steps (curves, output
 * comparisons, spectra, forecasts): windows are {@code [j n, (j + 1) n)}, and the step that does
 * the work is the first one seen in its window, so gaps between snapshots never skip a window that
 * has a step, and a replay of the same steps picks the same ones.
 */
public final class StepWindows {
  private StepWindows() {}

  /**
   * True if {@code step} is the first step seen in its window of {@code everySteps} steps, the one
   * seen before it being {@code previous} (-1 = none). With {@code everySteps = 1}, every new step.
   */
  public static boolean opens(long previous, long step, int everySteps) {
    return step > previous
        && (previous < 0 || Math.floorDiv(step, everySteps) > Math.floorDiv(previous, everySteps));
  }
}
