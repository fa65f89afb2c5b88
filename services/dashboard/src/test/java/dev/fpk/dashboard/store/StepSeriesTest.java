package dev.fpk.dashboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A reader's series over the steps: one point per step, older steps ignored, span kept whole. */
class StepSeriesTest {
  @Test
  void shouldKeepOnePointPerStepAndIgnoreOlderSteps() {
    StepSeries<String> s = new StepSeries<>(10);
    assertTrue(s.add(10, "a"));
    assertTrue(s.add(20, "b"));
    assertTrue(s.add(20, "b again"), "republished after a restore: replaces its step's");
    assertFalse(s.add(15, "late"), "a late older output");
    assertEquals(
        List.of(new StepSeries.Point<>(10, "a"), new StepSeries.Point<>(20, "b again")),
        s.points());
  }

  @Test
  void shouldStayWithinItsBoundAndKeepTheWholeSpan() {
    StepSeries<Long> s = new StepSeries<>(100);
    for (long step = 0; step < 1000; step++) {
      s.add(step, step);
      assertTrue(s.points().size() <= 100, "at step " + step + ": " + s.points().size());
    }
    List<StepSeries.Point<Long>> points = s.points();
    assertEquals(0, points.get(0).step());
    assertEquals(999, points.get(points.size() - 1).step());
    assertTrue(points.size() >= 50, "halved at most once past the bound: " + points.size());
  }
}
