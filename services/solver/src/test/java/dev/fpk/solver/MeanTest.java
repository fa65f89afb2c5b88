package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MeanTest {
  @Test
  void shouldAverageTheFiguresAddedAndCountThem() {
    Mean m = new Mean();
    m.add(1);
    m.add(2);
    m.add(6);
    assertEquals(3, m.count());
    assertEquals(3.0, m.mean(), 0);
  }

  @Test
  void shouldBeNanBeforeTheFirstFigure() {
    Mean m = new Mean();
    assertEquals(0, m.count());
    assertTrue(Double.isNaN(m.mean()));
    assertTrue(Double.isNaN(m.ratioTo(new Mean())));
  }

  @Test
  void shouldTakeTheRatioOfTwoMeansOverTheSameCountAsTheRatioOfTheirSums() {
    Mean joint = new Mean();
    Mean entrywise = new Mean();
    for (double x : new double[] {0.1, 0.7, 0.2}) {
      joint.add(x);
      entrywise.add(4 * x);
    }
    assertEquals(0.25, joint.ratioTo(entrywise), 1e-15);
    assertEquals(joint.mean() / entrywise.mean(), joint.ratioTo(entrywise), 1e-15);
  }
}
