package dev.fpk.physics.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.testing.Exact;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FokkerPlanck1DTest {
  // OU: mu = -k (w - a), constant D; starts at N(m0, s0^2)
  static final double K = 0.02;
  static final double A = 0.0;
  static final double D = 1e-3;
  static final double M0 = 1.0;
  static final double S0 = 0.1;

  static double[] constant(int n, double v) {
    double[] x = new double[n];
    Arrays.fill(x, v);
    return x;
  }

  static FokkerPlanck1D ouSolver(Grid1D g, TimeScheme scheme) {
    FokkerPlanck1D fp = new FokkerPlanck1D(g, scheme);
    double[] mu = new double[g.cells()];
    for (int i = 0; i < mu.length; i++) {
      mu[i] = -K * (g.centre(i) - A);
    }
    fp.setFields(mu, constant(g.cells(), D));
    return fp;
  }

  /** Max L1 error against the exact OU Gaussian over checkpoints every 50 steps up to 300. */
  static double ouError(int cells, TimeScheme scheme, int substepsPerStep) {
    Grid1D g = Grid1D.of(-1.0, 1.6, cells);
    FokkerPlanck1D fp = ouSolver(g, scheme);
    double[] p = Exact.gaussianCells(g, M0, S0);
    double worst = 0;
    for (int t = 50; t <= 300; t += 50) {
      fp.advance(p, 50, 50 * substepsPerStep);
      double[] exact =
          Exact.gaussianCells(
              g, Exact.ouMean(M0, K, A, t), Math.sqrt(Exact.ouVariance(S0 * S0, K, D, t)));
      worst = Math.max(worst, Exact.l1(g, p, exact));
    }
    return worst;
  }

  @Test
  void shouldMatchOuTransientWithinL1of1e3On400Cells() {
    double err = ouError(400, TimeScheme.TR_BDF2, 1);
    System.out.printf("OU transient, 400 cells, TR-BDF2, 1 substep/step: max L1 = %.3e%n", err);
    assertTrue(err <= 1e-3, "L1 " + err + " > 1e-3");
  }

  @Test
  void shouldMatchOuTransientWithBackwardEulerToo() {
    double err = ouError(400, TimeScheme.BACKWARD_EULER, 4);
    System.out.printf("OU transient, 400 cells, BE, 4 substeps/step: max L1 = %.3e%n", err);
    assertTrue(err <= 1e-2, "L1 " + err + " > 1e-2 (first order in time)");
  }

  static double[] doubleWellPotential(Grid1D g, double c) {
    double[] u = new double[g.cells()];
    for (int i = 0; i < u.length; i++) {
      double w = g.centre(i);
      u[i] = c * (w * w * w * w / 4 - w * w / 2);
    }
    return u;
  }

  /** Round-off only: 1e-13 of the peak per substep, 1e-11 after 200 substeps of 10 steps. */
  @Test
  void shouldKeepDiscreteBoltzmannStateStationaryToRoundOff() {
    Grid1D g = Grid1D.of(-2, 2, 400);
    double c = 0.02;
    double d = 2e-3;
    double[] u = doubleWellPotential(g, c);
    double[] p0 = Exact.boltzmann(g, u, d);
    double peak = Arrays.stream(p0).max().orElseThrow();
    for (TimeScheme scheme : TimeScheme.values()) {
      FokkerPlanck1D fp = new FokkerPlanck1D(g, scheme);
      fp.setGradientDrift(u, constant(g.cells(), d));
      double[] q = p0.clone();
      fp.advance(q, 10, 1);
      double one = maxAbsDiff(q, p0) / peak;
      fp.advance(q, 1990, 199);
      double many = maxAbsDiff(q, p0) / peak;
      System.out.printf(
          "Boltzmann state (%s): max |dp| / peak after 1 substep %.2e, after 200 substeps %.2e%n",
          scheme, one, many);
      assertTrue(one <= 1e-13, scheme + ": one substep moved the stationary state by " + one);
      assertTrue(many <= 1e-11, scheme + ": 200 substeps moved the stationary state by " + many);
    }
  }

  static double maxAbsDiff(double[] p, double[] q) {
    double max = 0;
    for (int i = 0; i < q.length; i++) {
      max = Math.max(max, Math.abs(p[i] - q[i]));
    }
    return max;
  }

  @Test
  void shouldConserveMassTo1e12AndStayNonNegative() {
    Grid1D g = Grid1D.of(-1, 1, 257);
    double[] mu = new double[g.cells()];
    double[] dd = new double[g.cells()];
    for (int i = 0; i < mu.length; i++) {
      double w = g.centre(i);
      mu[i] = 0.5 * Math.sin(7 * w) - 0.3 * w; // strong, sign-changing drift
      dd[i] = 1e-4 + 1e-3 * w * w; // varying diffusion, Peclet numbers up to ~ 1e2
    }
    for (TimeScheme scheme : TimeScheme.values()) {
      FokkerPlanck1D fp = new FokkerPlanck1D(g, scheme);
      fp.setFields(mu, dd);
      double[] p = new double[g.cells()];
      p[40] = 1 / g.width(); // a spike: the hardest start for positivity
      double m0 = fp.mass(p);
      for (int k = 0; k < 100; k++) {
        fp.advance(p, 3, 2);
        double m = fp.mass(p);
        assertEquals(m0, m, 1e-12 * m0, scheme + ": mass drifted at chunk " + k);
        for (double v : p) {
          assertTrue(v >= 0, scheme + ": negative density " + v);
        }
      }
      System.out.printf(
          "%s: clipped %d, fallback %d substeps%n",
          scheme, fp.clippedSubsteps(), fp.fallbackSubsteps());
    }
  }

  @Test
  void shouldMatchSingleSolvesInBatch() {
    int entries = 5;
    Grid1D g = Grid1D.of(-1, 1, 64);
    BatchFokkerPlanck1D batch = new BatchFokkerPlanck1D(entries, g, TimeScheme.TR_BDF2);
    double[] flat = new double[entries * g.cells()];
    double[][] single = new double[entries][];
    FokkerPlanck1D[] solvers = new FokkerPlanck1D[entries];
    for (int e = 0; e < entries; e++) {
      Grid1D ge = Grid1D.of(-1 - 0.1 * e, 1 + 0.2 * e, 64);
      batch.setGrid(e, ge);
      double[] mu = new double[64];
      double[] dd = new double[64];
      for (int i = 0; i < 64; i++) {
        mu[i] = -0.05 * (e + 1) * (ge.centre(i) - 0.1 * e);
        dd[i] = 1e-3 * (1 + e);
      }
      batch.setFields(e, mu, dd, 0);
      solvers[e] = new FokkerPlanck1D(ge);
      solvers[e].setFields(mu, dd);
      single[e] = Exact.gaussianCells(ge, 0.3, 0.2);
      System.arraycopy(single[e], 0, flat, e * 64, 64);
    }
    batch.advance(flat, 20, 10);
    for (int e = 0; e < entries; e++) {
      solvers[e].advance(single[e], 20, 10);
      for (int i = 0; i < 64; i++) {
        assertEquals(single[e][i], flat[e * 64 + i], 1e-15, "entry " + e + " cell " + i);
      }
    }
  }

  @Test
  void shouldHaveZeroFluxAtBoundariesAndRateSummingToZero() {
    Grid1D g = Grid1D.of(0, 1, 50);
    FokkerPlanck1D fp = ouSolver(g, TimeScheme.TR_BDF2);
    double[] p = Exact.gaussianCells(g, 0.5, 0.1);
    double[] rate = fp.rate(p);
    double s = 0;
    for (double r : rate) {
      s += r;
    }
    assertEquals(0, s, 1e-12);
    assertEquals(49, fp.fluxes(p).length);
  }
}
