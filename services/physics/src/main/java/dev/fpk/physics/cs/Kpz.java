package dev.fpk.physics.cs;

import dev.fpk.physics.grid.Grid1D;

/**
 * KPZ observables of two densities {@code dt} optimiser steps apart on the same grid (empirical,
 * e.g. {@link dev.fpk.physics.density.KernelDensity}, or from the solver): the height {@code h = ln
 * p}, {@code nu = D}, {@code lambda = 2D}, and the residual of {@code dh/dt = D h'' + D (h')^2 - mu
 * h' - mu'} evaluated at mid-time {@code h = (h_0 + h_1) / 2} with central differences (time
 * difference {@code (h_1 - h_0) / dt}), which is the Fokker-Planck residual divided by {@code p}:
 * it vanishes, up to discretisation, exactly when the densities obey FP with these fields.
 *
 * <p>Cells whose density (in either snapshot) is below {@code floor} times the peak, and their
 * neighbours, the end cells included, get NaN height derivatives and residual. Stateless,
 * thread-safe.
 */
public final class Kpz {
  private Kpz() {}

  /**
   * @param drift drift at the centres (weight units per step)
   * @param diffusion the constant {@code D}
   * @param floor relative density floor, e.g. {@code 1e-6}
   */
  public static KpzObservables of(
      Grid1D g,
      double[] before,
      double[] after,
      double dt,
      double[] drift,
      double diffusion,
      double floor) {
    int n = g.cells();
    double h = g.width();
    double peak = 0;
    for (int i = 0; i < n; i++) {
      peak = Math.max(peak, Math.max(before[i], after[i]));
    }
    double[] h0 = logs(before, floor * peak);
    double[] h1 = logs(after, floor * peak);
    double[] mid = new double[n];
    for (int i = 0; i < n; i++) {
      mid[i] = 0.5 * (h0[i] + h1[i]);
    }
    double[] gamma = CallanSymanzik.derivative(drift, h);
    double[] res = new double[n];
    for (int i = 0; i < n; i++) {
      if (i == 0 || i == n - 1) {
        res[i] = Double.NaN;
        continue;
      }
      double hp = (mid[i + 1] - mid[i - 1]) / (2 * h);
      double hpp = (mid[i + 1] - 2 * mid[i] + mid[i - 1]) / (h * h);
      double rhs = diffusion * hpp + diffusion * hp * hp - drift[i] * hp - gamma[i];
      res[i] = (h1[i] - h0[i]) / dt - rhs; // NaN propagates from floored cells
    }
    return new KpzObservables(diffusion, 2 * diffusion, h1, res);
  }

  private static double[] logs(double[] p, double min) {
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = p[i] > min && p[i] > 0 ? Math.log(p[i]) : Double.NaN;
    }
    return out;
  }
}
