package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which steps open a window of a fixed number of optimiser steps. */
class StepWindowsTest {
  @Test
  void shouldOpenAtTheFirstStepSeenInEachWindow() {
    assertTrue(StepWindows.opens(-1, 3, 5), "the first step seen");
    assertFalse(StepWindows.opens(3, 4, 5), "same window [0, 5)");
    assertTrue(StepWindows.opens(4, 5, 5), "the next window");
    assertFalse(StepWindows.opens(5, 9, 5), "still [5, 10)");
    assertTrue(StepWindows.opens(5, 12, 5), "a gap over a whole window opens the one it lands in");
  }

  @Test
  void shouldOpenAtEveryNewStepWithWindowsOfOneStep() {
    for (long step = 0; step < 20; step++) {
      assertTrue(StepWindows.opens(step - 1, step, 1), "step " + step);
    }
  }

  @Test
  void shouldNeverOpenAtAStepNotAfterThePreviousOne() {
    assertFalse(StepWindows.opens(10, 10, 1), "a repeated step");
    assertFalse(StepWindows.opens(10, 5, 1), "an older step");
    assertFalse(StepWindows.opens(10, 5, 3), "an older step in an earlier window");
  }
}
