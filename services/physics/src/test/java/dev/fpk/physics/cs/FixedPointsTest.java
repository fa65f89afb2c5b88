package dev.fpk.physics.cs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import java.util.List;
import org.junit.jupiter.api.Test;

class FixedPointsTest {
  @Test
  void shouldFindTheOuFixedPointWithSlopeMinusK() {
    Grid1D g = Grid1D.of(-1, 1, 101);
    double k = 0.03;
    double a = 0.237;
    double[] c = g.centres();
    double[] mu = new double[c.length];
    for (int i = 0; i < c.length; i++) {
      mu[i] = -k * (c[i] - a);
    }
    List<FixedPoint> fps = FixedPoints.of(c, mu);
    assertEquals(1, fps.size());
    assertEquals(a, fps.get(0).w(), 1e-12);
    assertEquals(-k, fps.get(0).slope(), 1e-12);
    assertTrue(fps.get(0).attractive());
  }

  @Test
  void shouldFindTheThreeDoubleWellFixedPoints() {
    Grid1D g = Grid1D.of(-2, 2, 400);
    double cc = 0.02;
    double[] c = g.centres();
    double[] mu = new double[c.length];
    for (int i = 0; i < c.length; i++) {
      mu[i] = -cc * (c[i] * c[i] * c[i] - c[i]);
    }
    mu[7] = Double.NaN; // skipped
    List<FixedPoint> fps = FixedPoints.of(c, mu);
    assertEquals(3, fps.size());
    double[] w = {-1, 0, 1};
    double[] slope = {-2 * cc, cc, -2 * cc};
    double h = g.width();
    for (int i = 0; i < 3; i++) {
      assertEquals(w[i], fps.get(i).w(), h * h, "fixed point " + i);
      assertEquals(slope[i], fps.get(i).slope(), 10 * cc * h * h, "slope at " + w[i]);
    }
  }

  @Test
  void shouldReportExactZerosOnceAndHandleEmpty() {
    double[] c = {0, 1, 2, 3};
    List<FixedPoint> fps = FixedPoints.of(c, new double[] {1, 0, -1, -2});
    assertEquals(1, fps.size());
    assertEquals(1, fps.get(0).w(), 0);
    assertEquals(-1, fps.get(0).slope(), 1e-15);
    assertTrue(FixedPoints.of(new double[0], new double[0]).isEmpty());
    assertTrue(FixedPoints.of(c, new double[] {Double.NaN, Double.NaN, 1, 1}).isEmpty());
  }
}
