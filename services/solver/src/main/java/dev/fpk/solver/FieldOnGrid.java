package dev.fpk.solver;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.function.IntToDoubleFunction;

/**
 * An estimated drift and diffusion field carried to the solver's cell centres: linear interpolation
 * between the estimator's bin centres, and outside them the Ornstein-Uhlenbeck fit (drift {@code
 * slope * w + intercept}, diffusion {@code diffusion_mean}). Diffusion is floored at {@code 1e-6
 * h^2} per step (h the cell width) so the exponential-fitting fluxes stay finite; a field with no
 * data yet (NaN fit) reports {@link #usable} false.
 */
final class FieldOnGrid {
  private FieldOnGrid() {}

  static boolean usable(EntryEstimate e) {
    return Double.isFinite(e.getDriftSlope())
        && Double.isFinite(e.getDriftIntercept())
        && Double.isFinite(e.getDiffusionMean())
        && e.getGridCount() > 0;
  }

  static double[] drift(EntryEstimate e, double[] at) {
    Bins bins = new Bins(e, e::getDrift);
    double[] out = new double[at.length];
    for (int i = 0; i < at.length; i++) {
      out[i] = driftAt(e, bins, at[i]);
    }
    return out;
  }

  static double[] diffusion(EntryEstimate e, double[] at, double cellWidth) {
    Bins bins = new Bins(e, e::getDiffusion);
    double floor = floor(cellWidth);
    double[] out = new double[at.length];
    for (int i = 0; i < at.length; i++) {
      out[i] = diffusionAt(e, bins, at[i], floor);
    }
    return out;
  }

  /** The drift at the cell centres of {@code g} into the first {@code g.cells()} values of out. */
  static void drift(EntryEstimate e, Grid1D g, double[] out) {
    Bins bins = new Bins(e, e::getDrift);
    for (int i = 0; i < g.cells(); i++) {
      out[i] = driftAt(e, bins, g.centre(i));
    }
  }

  /**
   * The diffusion at the cell centres of {@code g} into the first {@code g.cells()} values of out.
   */
  static void diffusion(EntryEstimate e, Grid1D g, double[] out) {
    Bins bins = new Bins(e, e::getDiffusion);
    double floor = floor(g.width());
    for (int i = 0; i < g.cells(); i++) {
      out[i] = diffusionAt(e, bins, g.centre(i), floor);
    }
  }

  /**
   * {@code drift} (the first {@code g.cells()} values, at the cell centres of {@code g}) plus an
   * error of {@code scores[i]} drift standard errors in bin {@code i}, carried to the cells as the
   * drift is; none where the fit extends the bins or a bin has no standard error. Into out.
   */
  static void driftWithError(
      EntryEstimate e, Grid1D g, double[] drift, double[] scores, double[] out) {
    Bins errors =
        new Bins(
            e,
            i -> {
              double se = e.getDriftStderr(i);
              return Double.isFinite(se) ? se * scores[i] : 0;
            });
    for (int i = 0; i < g.cells(); i++) {
      double w = g.centre(i);
      out[i] = drift[i] + (errors.inside(w) ? errors.interpolate(w) : 0);
    }
  }

  private static double driftAt(EntryEstimate e, Bins bins, double w) {
    return bins.inside(w) ? bins.interpolate(w) : e.getDriftSlope() * w + e.getDriftIntercept();
  }

  private static double diffusionAt(EntryEstimate e, Bins bins, double w, double floor) {
    double d = bins.inside(w) ? bins.interpolate(w) : e.getDiffusionMean();
    return Double.isFinite(d) ? Math.max(d, floor) : floor;
  }

  private static double floor(double cellWidth) {
    return 1e-6 * cellWidth * cellWidth;
  }

  /**
   * The estimate's bin layout, read from the message once per field rather than once per cell, and
   * the last bin's values (consecutive cells mostly fall in the same bin), of one per-bin value.
   */
  private static final class Bins {
    private final EntryEstimate e;
    private final IntToDoubleFunction value;
    private final int n;
    private final double lo;
    private final double hi;
    private final double h;
    private int bin = -1;
    private double left;
    private double a;
    private double b;

    Bins(EntryEstimate e, IntToDoubleFunction value) {
      this.e = e;
      this.value = value;
      this.n = e.getGridCount();
      this.lo = e.getGrid(0);
      this.hi = e.getGrid(n - 1);
      this.h = n == 1 ? Double.NaN : (hi - lo) / (n - 1);
    }

    boolean inside(double w) {
      return w >= lo && w <= hi;
    }

    double interpolate(double w) {
      if (n == 1) {
        return value.applyAsDouble(0);
      }
      int i = Math.min((int) ((w - lo) / h), n - 2);
      if (i != bin) {
        bin = i;
        left = e.getGrid(i);
        a = value.applyAsDouble(i);
        b = value.applyAsDouble(i + 1);
      }
      double t = (w - left) / h;
      return a + t * (b - a);
    }
  }
}
