package dev.fpk.physics.forecast;

import dev.fpk.physics.align.CellMasses;
import dev.fpk.physics.density.Gaussians;
import dev.fpk.physics.fp.FokkerPlanck1D;
import dev.fpk.physics.fp.TimeScheme;
import dev.fpk.physics.grid.Grid1D;

/**
 * Forecasts of a density {@code k} optimiser steps ahead with the current drift and diffusion
 * fields (at the cell centres; weight units per step, {@code D} in {@code dW = mu dt + sqrt(2D)
 * dB}), and the two baselines a Fokker-Planck forecast must beat (PHYSICS.md section 4). The input
 * density is never modified. Score each with {@link ForecastScore#of}. Stateless, thread-safe.
 */
public final class Forecasts {
  /** Quadrature nodes of the Gaussian expectations: trapezoid on +-7 sd (spectrally accurate). */
  private static final int NODES = 57;

  /** Node positions z_k = -7 + k dz. */
  private static final double[] Z = new double[NODES];

  /** Trapezoid weights exp(-z_k^2 / 2) (halved at the ends): computed once, not per RK stage. */
  private static final double[] WEIGHT = new double[NODES];

  /** Their sum, added in node order. */
  private static final double WEIGHT_SUM;

  static {
    double dz = 14.0 / (NODES - 1);
    double sum = 0;
    for (int k = 0; k < NODES; k++) {
      Z[k] = -7 + k * dz;
      WEIGHT[k] = Math.exp(-0.5 * Z[k] * Z[k]) * (k == 0 || k == NODES - 1 ? 0.5 : 1);
      sum += WEIGHT[k];
    }
    WEIGHT_SUM = sum;
  }

  private Forecasts() {}

  /**
   * A copy of {@code density} advanced {@code steps} steps by the Fokker-Planck solver (TR-BDF2).
   */
  public static double[] fokkerPlanck(
      Grid1D g, double[] density, double[] drift, double[] diffusion, double steps, int substeps) {
    FokkerPlanck1D fp = new FokkerPlanck1D(g, TimeScheme.TR_BDF2);
    fp.setFields(drift, diffusion);
    double[] p = density.clone();
    fp.advance(p, steps, substeps);
    return p;
  }

  /** Baseline "nothing changes": the density as it is now. */
  public static double[] persistence(double[] density) {
    return density.clone();
  }

  /**
   * Baseline "Gaussian moment propagation": the density is replaced by the Gaussian of its mean
   * {@code m} and variance {@code v} of the smooth density behind the cell averages (the variance
   * of the piecewise-constant density minus {@code h^2/6}: Sheppard's {@code h^2/12} for grouping
   * plus {@code h^2/12} within cells), whose moments follow {@code dm/dt = E[mu]}, {@code dv/dt = 2
   * Cov(w, mu) + 2 E[D]} with expectations under {@code N(m, v)} (fields linearly interpolated
   * between centres, constant beyond the end centres), integrated by RK4 with one step per
   * optimiser step (at most); the result is that Gaussian's cell averages on the grid, tails folded
   * into the end cells. Exact for an OU process. A zero-mass density gives NaN.
   */
  public static double[] gaussianMoments(
      Grid1D g, double[] density, double[] drift, double[] diffusion, double steps) {
    CellMasses start = new CellMasses().set(g, density);
    double m = start.mean();
    double v = Math.max(start.variance() - g.width() * g.width() / 6, 1e-300);
    if (Double.isNaN(m)) {
      double[] out = new double[g.cells()];
      java.util.Arrays.fill(out, Double.NaN);
      return out;
    }
    int n = Math.max(1, (int) Math.ceil(steps));
    double h = steps / n;
    double[] y = {m, v};
    double[] k1 = new double[2];
    double[] k2 = new double[2];
    double[] k3 = new double[2];
    double[] k4 = new double[2];
    for (int s = 0; s < n; s++) {
      rates(g, drift, diffusion, y[0], y[1], k1);
      rates(g, drift, diffusion, y[0] + 0.5 * h * k1[0], y[1] + 0.5 * h * k1[1], k2);
      rates(g, drift, diffusion, y[0] + 0.5 * h * k2[0], y[1] + 0.5 * h * k2[1], k3);
      rates(g, drift, diffusion, y[0] + h * k3[0], y[1] + h * k3[1], k4);
      y[0] += h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
      y[1] = Math.max(1e-300, y[1] + h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]));
    }
    return Gaussians.cellAveragesTabulated(g, y[0], Math.sqrt(y[1]), true);
  }

  /** {dm/dt, dv/dt} under N(m, v) into out. */
  private static void rates(Grid1D g, double[] mu, double[] d, double m, double v, double[] out) {
    double sd = Math.sqrt(Math.max(v, 0));
    double eMu = 0;
    double eWMu = 0;
    double eD = 0;
    double lo = g.lo();
    double h = g.width();
    int last = mu.length - 1;
    for (int k = 0; k < NODES; k++) {
      double wt = WEIGHT[k];
      double w = m + sd * Z[k];
      // linear interpolation between centres, constant beyond the end ones; one position for both
      // fields
      double s = (w - lo) / h - 0.5;
      double f;
      double dd;
      if (s <= 0) {
        f = mu[0];
        dd = d[0];
      } else if (s >= last) {
        f = mu[last];
        dd = d[last];
      } else {
        int i = (int) s;
        double t = s - i;
        f = mu[i] + t * (mu[i + 1] - mu[i]);
        dd = d[i] + t * (d[i + 1] - d[i]);
      }
      eMu += wt * f;
      eWMu += wt * (w - m) * f;
      eD += wt * dd;
    }
    out[0] = eMu / WEIGHT_SUM;
    out[1] = 2 * eWMu / WEIGHT_SUM + 2 * eD / WEIGHT_SUM;
  }
}
