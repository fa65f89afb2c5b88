package dev.fpk.physics.testing;

import dev.fpk.physics.density.Gaussians;
import dev.fpk.physics.grid.Grid1D;

/** Analytic reference solutions, as cell averages on a grid. */
public final class Exact {
  private Exact() {}

  /** Exact cell averages of the N(mean, sd^2) density (tails beyond the grid dropped). */
  public static double[] gaussianCells(Grid1D g, double mean, double sd) {
    return Gaussians.cellAverages(g, mean, sd, false);
  }

  /** OU mean at time t for drift -k (w - a). */
  public static double ouMean(double m0, double k, double a, double t) {
    return a + (m0 - a) * Math.exp(-k * t);
  }

  /** OU variance at time t with diffusion D. */
  public static double ouVariance(double v0, double k, double d, double t) {
    return d / k + (v0 - d / k) * Math.exp(-2 * k * t);
  }

  /** L1 distance h * sum |p - q|. */
  public static double l1(Grid1D g, double[] p, double[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      s += Math.abs(p[i] - q[i]);
    }
    return s * g.width();
  }

  /** Sum of values times h. */
  public static double mass(Grid1D g, double[] p) {
    double s = 0;
    for (double v : p) {
      s += v;
    }
    return s * g.width();
  }

  /** Normalised exp(-U/D) at the centres, as a density (mass 1). */
  public static double[] boltzmann(Grid1D g, double[] u, double d) {
    double min = Double.POSITIVE_INFINITY;
    for (double v : u) {
      min = Math.min(min, v);
    }
    double[] p = new double[u.length];
    for (int i = 0; i < u.length; i++) {
      p[i] = Math.exp(-(u[i] - min) / d);
    }
    double m = mass(g, p);
    for (int i = 0; i < p.length; i++) {
      p[i] /= m;
    }
    return p;
  }
}
