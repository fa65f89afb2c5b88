package dev.fpk.physics.fp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.testing.Exact;
import org.junit.jupiter.api.Test;

/** Accuracy bars and measured convergence orders (printed) of the 1-D solver. */
class ConvergenceTest {
  static final double C = 0.02;
  static final double D = 2e-3;

  static double[] doubleWellDrift(Grid1D g) {
    double[] mu = new double[g.cells()];
    for (int i = 0; i < mu.length; i++) {
      double w = g.centre(i);
      mu[i] = -C * (w * w * w - w);
    }
    return mu;
  }

  /** Cell averages of exp(-U/D) / Z by composite Simpson (64 panels per cell). */
  static double[] boltzmannCellAverages(Grid1D g) {
    double[] p = new double[g.cells()];
    int m = 64;
    double total = 0;
    for (int i = 0; i < p.length; i++) {
      double a = g.edge(i);
      double h = g.width() / m;
      double s = 0;
      for (int k = 0; k <= m; k++) {
        double w = a + k * h;
        double f = Math.exp(-C * (w * w * w * w / 4 - w * w / 2) / D);
        s += f * (k == 0 || k == m ? 1 : (k % 2 == 1 ? 4 : 2));
      }
      p[i] = s * h / 3 / g.width();
      total += p[i] * g.width();
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= total;
    }
    return p;
  }

  static double doubleWellError(int cells) {
    Grid1D g = Grid1D.of(-2, 2, cells);
    FokkerPlanck1D fp = new FokkerPlanck1D(g, TimeScheme.BACKWARD_EULER);
    double[] d = new double[cells];
    java.util.Arrays.fill(d, D);
    fp.setFields(doubleWellDrift(g), d);
    double[] p = Exact.gaussianCells(g, 0.3, 0.5);
    double m = fp.mass(p);
    for (int i = 0; i < cells; i++) {
      p[i] /= m; // the start loses 3e-4 of its mass past the walls
    }
    fp.advance(p, 1e9, 50); // L-stable: huge steps converge to the discrete stationary state
    return Exact.l1(g, p, boltzmannCellAverages(g));
  }

  @Test
  void shouldMatchDoubleWellBoltzmannWithinL1of1e4On400CellsAtSecondOrder() {
    int[] cells = {100, 200, 400, 800};
    double[] err = new double[cells.length];
    for (int k = 0; k < cells.length; k++) {
      err[k] = doubleWellError(cells[k]);
      System.out.printf(
          "double well, %d cells: L1 = %.3e%s%n",
          cells[k],
          err[k],
          k == 0 ? "" : String.format(", order %.2f", Math.log(err[k - 1] / err[k]) / Math.log(2)));
    }
    assertTrue(err[2] <= 1e-4, "L1 on 400 cells " + err[2] + " > 1e-4");
  }

  static double order(double coarse, double fine, double ratio) {
    return Math.log(coarse / fine) / Math.log(ratio);
  }

  @Test
  void shouldConvergeAtSecondOrderUnderGridRefinementForOu() {
    int[] cells = {100, 200, 400, 800};
    double[] err = new double[cells.length];
    for (int k = 0; k < cells.length; k++) {
      err[k] = FokkerPlanck1DTest.ouError(cells[k], TimeScheme.TR_BDF2, 4);
      System.out.printf(
          "OU grid refinement, %d cells: max L1 = %.3e%s%n",
          cells[k],
          err[k],
          k == 0 ? "" : String.format(", measured order %.2f", order(err[k - 1], err[k], 2)));
    }
    assertTrue(order(err[2], err[3], 2) > 1.8, "grid order below 1.8");
  }

  /** L1 at t = 200 between a run with the given substep and one with 1/64 of it, same grid. */
  static double timeError(TimeScheme scheme, double tau) {
    Grid1D g = Grid1D.of(-1.0, 1.6, 200);
    FokkerPlanck1D fp = FokkerPlanck1DTest.ouSolver(g, scheme);
    FokkerPlanck1D ref = FokkerPlanck1DTest.ouSolver(g, TimeScheme.TR_BDF2);
    double[] p = Exact.gaussianCells(g, FokkerPlanck1DTest.M0, FokkerPlanck1DTest.S0);
    double[] q = p.clone();
    fp.advance(p, 200, (int) Math.round(200 / tau));
    ref.advance(q, 200, (int) Math.round(200 * 64 / tau));
    return Exact.l1(g, p, q);
  }

  @Test
  void shouldConvergeAtTheSchemesOrderUnderTimeRefinement() {
    double[] taus = {8, 4, 2};
    for (TimeScheme scheme : TimeScheme.values()) {
      double[] err = new double[taus.length];
      for (int k = 0; k < taus.length; k++) {
        err[k] = timeError(scheme, taus[k]);
        System.out.printf(
            "OU time refinement, %s, tau = %.0f steps: L1 = %.3e%s%n",
            scheme,
            taus[k],
            err[k],
            k == 0 ? "" : String.format(", measured order %.2f", order(err[k - 1], err[k], 2)));
      }
      double expected = scheme == TimeScheme.TR_BDF2 ? 2 : 1;
      double measured = order(err[1], err[2], 2);
      assertTrue(
          Math.abs(measured - expected) < 0.25,
          scheme + ": time order " + measured + ", expected " + expected);
    }
  }

  @Test
  void shouldMoveAndSpreadBrownianGaussianWithConstantDriftWithinL1of1e3() {
    double worst = brownianError(400, 1);
    double fine = brownianError(800, 1);
    System.out.printf(
        "Brownian with drift 1e-3, D 5e-5, 300 steps: max L1 = %.3e on 400 cells, %.3e on 800, order %.2f%n",
        worst, fine, order(worst, fine, 2));
    assertTrue(worst <= 1e-3, "L1 " + worst + " > 1e-3");
    assertTrue(order(worst, fine, 2) > 1.8, "grid order below 1.8");
  }

  static double brownianError(int cells, int sub) {
    Grid1D g = Grid1D.of(-1, 1, cells);
    double v = 1e-3;
    double dd = 5e-5;
    FokkerPlanck1D fp = new FokkerPlanck1D(g);
    double[] mu = new double[cells];
    double[] d = new double[cells];
    java.util.Arrays.fill(mu, v);
    java.util.Arrays.fill(d, dd);
    fp.setFields(mu, d);
    double m0 = -0.4;
    double s0 = 0.08;
    double[] p = Exact.gaussianCells(g, m0, s0);
    double worst = 0;
    for (int t = 50; t <= 300; t += 50) {
      fp.advance(p, 50, 50 * sub);
      double[] exact = Exact.gaussianCells(g, m0 + v * t, Math.sqrt(s0 * s0 + 2 * dd * t));
      worst = Math.max(worst, Exact.l1(g, p, exact));
    }
    return worst;
  }
}
