package dev.fpk.physics.cs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.fp.FokkerPlanck1D;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.internal.Normal;
import dev.fpk.physics.testing.Exact;
import org.junit.jupiter.api.Test;

class CallanSymanzikTest {
  static double[] ouDrift(Grid1D g, double k, double a) {
    double[] mu = new double[g.cells()];
    for (int i = 0; i < mu.length; i++) {
      mu[i] = -k * (g.centre(i) - a);
    }
    return mu;
  }

  static double[] constant(int n, double v) {
    double[] x = new double[n];
    java.util.Arrays.fill(x, v);
    return x;
  }

  @Test
  void shouldGiveGammaMinusKForOuAndTheCubicSlopeForDoubleWell() {
    Grid1D g = Grid1D.of(-2, 2, 400);
    for (double v : CallanSymanzik.gamma(g, ouDrift(g, 0.03, 0.2))) {
      assertEquals(-0.03, v, 1e-14);
    }
    double c = 0.02;
    double[] mu = new double[400];
    for (int i = 0; i < 400; i++) {
      double w = g.centre(i);
      mu[i] = -c * (w * w * w - w);
    }
    double[] gamma = CallanSymanzik.gamma(g, mu);
    for (int i = 1; i < 399; i++) {
      double w = g.centre(i);
      assertEquals(-c * (3 * w * w - 1), gamma[i], c * g.width() * g.width() * 1.01);
    }
    assertEquals(mu[5], CallanSymanzik.beta(mu)[5]);
  }

  @Test
  void shouldGiveDivergenceOfA2dOuDrift() {
    Grid1D gx = Grid1D.of(-1, 1, 10);
    Grid1D gy = Grid1D.of(0, 3, 7);
    double[] mx = new double[70];
    double[] my = new double[70];
    for (int i = 0; i < 10; i++) {
      for (int j = 0; j < 7; j++) {
        mx[i * 7 + j] = -0.1 * gx.centre(i);
        my[i * 7 + j] = -0.3 * gy.centre(j);
      }
    }
    for (double v : CallanSymanzik.divergence(new Grid1D[] {gx, gy}, new double[][] {mx, my})) {
      assertEquals(-0.4, v, 1e-14);
    }
  }

  @Test
  void shouldSplitDpDtIntoFlowAndDiffusionShares() {
    Grid1D g = Grid1D.of(-1, 1, 200);
    double k = 0.05, d = 1e-3;
    double[] stationary = Exact.gaussianCells(g, 0, Math.sqrt(d / k));
    FlowShare balanced =
        CallanSymanzik.flowShare(g, stationary, ouDrift(g, k, 0), constant(200, d));
    assertEquals(0.5, balanced.share(), 0.01, "at stationarity flow and diffusion cancel");
    FlowShare pure = CallanSymanzik.flowShare(g, stationary, constant(200, 0), constant(200, d));
    assertEquals(0, pure.share(), 0);
    FlowShare drift = CallanSymanzik.flowShare(g, stationary, ouDrift(g, k, 0.3), constant(200, 0));
    assertEquals(1, drift.share(), 0);
    double total = 0;
    for (int i = 0; i < 200; i++) {
      total += balanced.flow()[i] + balanced.diffusion()[i];
    }
    assertEquals(0, total, 1e-10, "zero-flux walls: dp/dt integrates to zero");
  }

  @Test
  void shouldFindJacobianEigenvalues() {
    double[][] rot = Jacobians.eigenvalues(new double[][] {{0, -1}, {1, 0}});
    assertEquals(0, rot[0][0], 1e-14);
    assertEquals(-1, rot[0][1], 1e-14);
    assertEquals(1, rot[1][1], 1e-14);
    double[][] e4 =
        Jacobians.eigenvalues(
            new double[][] {{-1, 2, 0, 0}, {-2, -1, 0, 0}, {0, 0, -3, 1}, {0, 0, 0, 0.5}});
    double[][] expected = {{-3, 0}, {-1, -2}, {-1, 2}, {0.5, 0}};
    for (int i = 0; i < 4; i++) {
      assertEquals(expected[i][0], e4[i][0], 1e-12);
      assertEquals(expected[i][1], e4[i][1], 1e-12);
    }
    assertEquals(-0.04, Jacobians.eigenvalues(new double[][] {{-0.04}})[0][0], 1e-15);
  }

  /** Exact OU point densities at the centres, two times dt apart. */
  @Test
  void shouldHaveKpzResidualAtDiscretisationLevelForExactOuSolution() {
    Grid1D g = Grid1D.of(-1, 2, 600);
    double k = 0.02, d = 1e-3, m0 = 1, s0 = 0.1, t = 50, dt = 0.01;
    double[] p0 = ouPoint(g, m0, s0, k, d, t);
    double[] p1 = ouPoint(g, m0, s0, k, d, t + dt);
    KpzObservables kpz = Kpz.of(g, p0, p1, dt, ouDrift(g, k, 0), d, 1e-4);
    assertEquals(d, kpz.nu());
    assertEquals(2 * d, kpz.lambda());
    double maxRes = 0, maxRate = 0;
    for (int i = 1; i < 599; i++) {
      if (!Double.isNaN(kpz.residual()[i])) {
        maxRes = Math.max(maxRes, Math.abs(kpz.residual()[i]));
        maxRate = Math.max(maxRate, Math.abs((Math.log(p1[i]) - Math.log(p0[i])) / dt));
      }
    }
    System.out.printf(
        "KPZ residual, exact OU: max |residual| %.2e vs max |dh/dt| %.2e%n", maxRes, maxRate);
    assertTrue(maxRes <= 1e-3 * maxRate, "residual " + maxRes);
  }

  @Test
  void shouldHaveKpzResidualAtDiscretisationLevelForSolverOutput() {
    Grid1D g = Grid1D.of(-1, 1.6, 400);
    double k = 0.02, d = 1e-3;
    FokkerPlanck1D fp = new FokkerPlanck1D(g);
    fp.setFields(ouDrift(g, k, 0), constant(400, d));
    double[] p = Exact.gaussianCells(g, 1, 0.1);
    fp.advance(p, 50, 50);
    double[] before = p.clone();
    fp.advance(p, 1, 20);
    KpzObservables kpz = Kpz.of(g, before, p, 1, ouDrift(g, k, 0), d, 1e-3);
    double maxRes = 0, maxRate = 0;
    for (int i = 1; i < 399; i++) {
      if (!Double.isNaN(kpz.residual()[i])) {
        maxRes = Math.max(maxRes, Math.abs(kpz.residual()[i]));
        maxRate = Math.max(maxRate, Math.abs(Math.log(p[i]) - Math.log(before[i])));
      }
    }
    System.out.printf(
        "KPZ residual, solver output: max |residual| %.2e vs max |dh/dt| %.2e%n", maxRes, maxRate);
    assertTrue(maxRes <= 2e-2 * maxRate, "residual " + maxRes);
  }

  static double[] ouPoint(Grid1D g, double m0, double s0, double k, double d, double t) {
    double m = Exact.ouMean(m0, k, 0, t);
    double sd = Math.sqrt(Exact.ouVariance(s0 * s0, k, d, t));
    double[] p = new double[g.cells()];
    for (int i = 0; i < p.length; i++) {
      p[i] = Normal.pdf((g.centre(i) - m) / sd) / sd;
    }
    return p;
  }
}
