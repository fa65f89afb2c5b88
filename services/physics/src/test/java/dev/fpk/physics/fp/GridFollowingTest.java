package dev.fpk.physics.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.grid.GridFollower;
import dev.fpk.physics.testing.Exact;
import org.junit.jupiter.api.Test;

class GridFollowingTest {
  @Test
  void shouldFollowOuMeanAcrossThreeDomainWidthsKeepingMassTo1e12AndL1Below1e3() {
    double k = 0.01;
    double a = 3.5; // target three domain widths to the right of [-0.5, 0.5]
    double d = 2e-4;
    double m0 = 0;
    double s0 = 0.08;
    Grid1D g = Grid1D.of(-0.5, 0.5, 200);
    GridFollower follower = new GridFollower(0.1, 0.25, 2000);
    double[] p = Exact.gaussianCells(g, m0, s0);
    double m = Exact.mass(g, p);
    for (int i = 0; i < p.length; i++) {
      p[i] /= m;
    }
    int regrids = 0;
    int steps = 400;
    int chunk = 10;
    FokkerPlanck1D fp = null;
    Grid1D solverGrid = null;
    for (int t = chunk; t <= steps; t += chunk) {
      double[] support = GridFollower.support(g, p, 1e-9);
      Grid1D next = follower.follow(g, support[0], support[1]);
      if (next != g) {
        p = Grid1D.remap(g, p, next);
        g = next;
        regrids++;
      }
      if (g != solverGrid) {
        fp = new FokkerPlanck1D(g);
        double[] mu = new double[g.cells()];
        double[] dd = new double[g.cells()];
        for (int i = 0; i < mu.length; i++) {
          mu[i] = -k * (g.centre(i) - a);
          dd[i] = d;
        }
        fp.setFields(mu, dd);
        solverGrid = g;
      }
      fp.advance(p, chunk, chunk);
      assertEquals(1, fp.mass(p), 1e-12, "mass at step " + t);
    }
    double mean = Exact.ouMean(m0, k, a, steps);
    double sd = Math.sqrt(Exact.ouVariance(s0 * s0, k, d, steps));
    double l1 = Exact.l1(g, p, Exact.gaussianCells(g, mean, sd));
    System.out.printf(
        "grid following: mean moved %.2f (%.1f initial widths), %d regrids, final %s, L1 %.2e%n",
        mean - m0, (mean - m0) / 1.0, regrids, g, l1);
    assertTrue(mean - m0 > 3 * 1.0 - 0.5, "mean should cross ~3 widths");
    assertTrue(regrids >= 3);
    assertTrue(l1 <= 1e-3, "L1 " + l1);
  }
}
