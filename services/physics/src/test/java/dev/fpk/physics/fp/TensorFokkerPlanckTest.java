package dev.fpk.physics.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.testing.Exact;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TensorFokkerPlanckTest {
  @Test
  void shouldMatchProductOfExact1dSolutionsFor2dOuWithDifferentRatesWithinL1of2e3() {
    Grid1D gx = Grid1D.of(-1.0, 1.6, 200);
    Grid1D gy = Grid1D.of(-1.2, 1.0, 160);
    double kx = 0.02, ky = 0.05, dx = 1e-3, dy = 5e-4;
    double mx0 = 1.0, my0 = -0.5, s0 = 0.12;
    TensorFokkerPlanck fp = new TensorFokkerPlanck(new Grid1D[] {gx, gy}, TimeScheme.TR_BDF2);
    int n = gx.cells() * gy.cells();
    double[] mux = new double[n], muy = new double[n], ddx = new double[n], ddy = new double[n];
    for (int i = 0; i < gx.cells(); i++) {
      for (int j = 0; j < gy.cells(); j++) {
        int c = i * gy.cells() + j;
        mux[c] = -kx * gx.centre(i);
        muy[c] = -ky * gy.centre(j);
        ddx[c] = dx;
        ddy[c] = dy;
      }
    }
    fp.setFields(0, mux, ddx);
    fp.setFields(1, muy, ddy);
    double[] p = product(Exact.gaussianCells(gx, mx0, s0), Exact.gaussianCells(gy, my0, s0));
    double worst = 0;
    for (int t = 100; t <= 300; t += 100) {
      fp.advance(p, 100, 100);
      double[] exact =
          product(
              Exact.gaussianCells(
                  gx, Exact.ouMean(mx0, kx, 0, t), Math.sqrt(Exact.ouVariance(s0 * s0, kx, dx, t))),
              Exact.gaussianCells(
                  gy,
                  Exact.ouMean(my0, ky, 0, t),
                  Math.sqrt(Exact.ouVariance(s0 * s0, ky, dy, t))));
      double l1 = 0;
      for (int c = 0; c < n; c++) {
        l1 += Math.abs(p[c] - exact[c]);
      }
      worst = Math.max(worst, l1 * gx.width() * gy.width());
    }
    System.out.printf(
        "2-D OU (%d x %d cells): max L1 vs product of exact 1-D = %.2e; %s%n",
        gx.cells(), gy.cells(), worst, fp.splittingNote());
    assertTrue(worst <= 2e-3, "L1 " + worst);
  }

  static double[] product(double[] a, double[] b) {
    double[] p = new double[a.length * b.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        p[i * b.length + j] = a[i] * b[j];
      }
    }
    return p;
  }

  @Test
  void shouldConserveMassTo1e12AndPositivityIn3dAnd4dWithCoupledFields() {
    for (int dim = 3; dim <= 4; dim++) {
      Grid1D[] axes = new Grid1D[dim];
      for (int k = 0; k < dim; k++) {
        axes[k] = Grid1D.of(-1, 1, 6 + 2 * k);
      }
      TensorFokkerPlanck fp = new TensorFokkerPlanck(axes, TimeScheme.TR_BDF2);
      int n = fp.size();
      SplittableRandom rnd = new SplittableRandom(dim);
      for (int k = 0; k < dim; k++) {
        double[] mu = new double[n];
        double[] d = new double[n];
        for (int c = 0; c < n; c++) {
          mu[c] = 0.2 * (rnd.nextDouble() - 0.5); // drift depending on every coordinate
          d[c] = 1e-3 + 1e-2 * rnd.nextDouble();
        }
        fp.setFields(k, mu, d);
      }
      double[] p = new double[n];
      p[n / 3] = 1;
      double m0 = fp.mass(p);
      for (int s = 0; s < 20; s++) {
        fp.advance(p, 5, 2);
        assertEquals(m0, fp.mass(p), 1e-12 * m0);
        for (double v : p) {
          assertTrue(v >= 0);
        }
      }
    }
  }

  @Test
  void shouldReduceToThe1dSolverInOneDimension() {
    Grid1D g = Grid1D.of(-1, 1, 50);
    TensorFokkerPlanck t = new TensorFokkerPlanck(new Grid1D[] {g}, TimeScheme.TR_BDF2);
    FokkerPlanck1D one = new FokkerPlanck1D(g);
    double[] mu = new double[50];
    double[] d = new double[50];
    for (int i = 0; i < 50; i++) {
      mu[i] = -0.1 * g.centre(i);
      d[i] = 1e-3;
    }
    t.setFields(0, mu, d);
    one.setFields(mu, d);
    double[] p = Exact.gaussianCells(g, 0.3, 0.2);
    double[] q = p.clone();
    t.advance(p, 10, 5);
    one.advance(q, 10, 5);
    for (int i = 0; i < 50; i++) {
      assertEquals(q[i], p[i], 0);
    }
  }
}
