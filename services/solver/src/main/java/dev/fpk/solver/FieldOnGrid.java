package dev.fpk.solver;

import dev.fpk.protocol.v1.EntryEstimate;

/**
 * An estimated drift and diffusion field carried to the solver's cell centres: linear
 * interpolation between the estimator's bin centres, and outside them the Ornstein-Uhlenbeck fit
 * (drift {@code slope * w + intercept}, diffusion {@code diffusion_mean}). Diffusion is floored at
 * {@code 1e-6 h^2} per step (h the cell width) so the exponential-fitting fluxes stay finite; a
 * field with no data yet (NaN fit) reports {@link #usable} false.
 */
final class FieldOnGrid {
  private FieldOnGrid() {}

  static boolean usable(EntryEstimate e) {
    return Double.isFinite(e.getDriftSlope()) && Double.isFinite(e.getDriftIntercept())
        && Double.isFinite(e.getDiffusionMean()) && e.getGridCount() > 0;
  }

  static double[] drift(EntryEstimate e, double[] at) {
    double[] out = new double[at.length];
    for (int i = 0; i < at.length; i++) {
      double w = at[i];
      out[i] = inside(e, w) ? interpolate(e, w, true) : e.getDriftSlope() * w + e.getDriftIntercept();
    }
    return out;
  }

  static double[] diffusion(EntryEstimate e, double[] at, double cellWidth) {
    double floor = 1e-6 * cellWidth * cellWidth;
    double[] out = new double[at.length];
    for (int i = 0; i < at.length; i++) {
      double d = inside(e, at[i]) ? interpolate(e, at[i], false) : e.getDiffusionMean();
      out[i] = Double.isFinite(d) ? Math.max(d, floor) : floor;
    }
    return out;
  }

  private static boolean inside(EntryEstimate e, double w) {
    return w >= e.getGrid(0) && w <= e.getGrid(e.getGridCount() - 1);
  }

  private static double interpolate(EntryEstimate e, double w, boolean drift) {
    int n = e.getGridCount();
    if (n == 1) {
      return drift ? e.getDrift(0) : e.getDiffusion(0);
    }
    double lo = e.getGrid(0);
    double h = (e.getGrid(n - 1) - lo) / (n - 1);
    int i = Math.min((int) ((w - lo) / h), n - 2);
    double t = (w - e.getGrid(i)) / h;
    double a = drift ? e.getDrift(i) : e.getDiffusion(i);
    double b = drift ? e.getDrift(i + 1) : e.getDiffusion(i + 1);
    return a + t * (b - a);
  }
}
