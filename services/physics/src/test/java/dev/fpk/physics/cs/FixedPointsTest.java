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

  @Test
  void shouldFindThe2dOuFixedPointWithEigenvaluesMinusRates() {
    Grid1D gx = Grid1D.of(-1, 1, 21);
    Grid1D gy = Grid1D.of(-1, 2, 30);
    double kx = 0.02, ky = 0.07, ax = 0.13, ay = 0.61;
    double[] mx = new double[21 * 30];
    double[] my = new double[21 * 30];
    for (int i = 0; i < 21; i++) {
      for (int j = 0; j < 30; j++) {
        mx[i * 30 + j] = -kx * (gx.centre(i) - ax) + 0.01 * (gy.centre(j) - ay); // coupled
        my[i * 30 + j] = -ky * (gy.centre(j) - ay);
      }
    }
    List<FixedPoint2D> fps = FixedPoints.of2d(gx.centres(), gy.centres(), mx, my);
    assertEquals(1, fps.size());
    FixedPoint2D f = fps.get(0);
    assertEquals(ax, f.x(), 1e-12);
    assertEquals(ay, f.y(), 1e-12);
    assertEquals(-ky, f.eigenvalues()[0][0], 1e-12);
    assertEquals(-kx, f.eigenvalues()[1][0], 1e-12);
    assertTrue(f.attractive());
  }

  @Test
  void shouldFindSaddleAndNodesOfADoubleWellTimesOu() {
    Grid1D gx = Grid1D.of(-2, 2, 80);
    Grid1D gy = Grid1D.of(-1, 1, 20);
    double c = 0.02, k = 0.05;
    double[] mx = new double[80 * 20];
    double[] my = new double[80 * 20];
    for (int i = 0; i < 80; i++) {
      for (int j = 0; j < 20; j++) {
        double x = gx.centre(i);
        mx[i * 20 + j] = -c * (x * x * x - x);
        my[i * 20 + j] = -k * gy.centre(j);
      }
    }
    List<FixedPoint2D> fps = FixedPoints.of2d(gx.centres(), gy.centres(), mx, my);
    assertEquals(3, fps.size());
    fps = new java.util.ArrayList<>(fps);
    fps.sort(java.util.Comparator.comparingDouble(FixedPoint2D::x));
    assertEquals(-1, fps.get(0).x(), 1e-3);
    assertEquals(0, fps.get(1).x(), 1e-12);
    assertEquals(1, fps.get(2).x(), 1e-3);
    assertTrue(fps.get(0).attractive() && fps.get(2).attractive());
    assertTrue(!fps.get(1).attractive(), "the barrier top is a saddle");
    assertEquals(c, fps.get(1).eigenvalues()[1][0], 1e-3 * c * 20);
  }
}
