package dev.fpk.dashboard.live;

import dev.fpk.physics.cs.CallanSymanzik;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;

/**
 * The flow-versus-diffusion share of dp/dt for one entry (physics' {@link
 * CallanSymanzik#flowShare}), from what the outputs carry: the solver's density on its cells and
 * the estimator's drift and diffusion on its bins, linearly interpolated to the density's cell
 * centres (held constant beyond the outer bins). In [0, 1]: 1 = drift-dominated, 0 =
 * noise-dominated; NaN when the density has fewer than two cells, the estimate has no bins, or both
 * parts vanish.
 */
final class FlowShares {
  private FlowShares() {}

  static double of(EntryEstimate estimate, EntryDensity density) {
    int cells = density.getEdgesCount() - 1;
    if (cells < 2 || density.getTheoryCount() != cells || estimate.getGridCount() == 0) {
      return Double.NaN;
    }
    Grid1D grid = Grid1D.of(density.getEdges(0), density.getEdges(cells), cells);
    double[] centres = grid.centres();
    double[] bins = toArray(estimate.getGridList());
    double[] drift = interpolate(bins, toArray(estimate.getDriftList()), centres);
    double[] diffusion = interpolate(bins, toArray(estimate.getDiffusionList()), centres);
    double[] p = toArray(density.getTheoryList());
    return CallanSymanzik.flowShare(grid, p, drift, diffusion).share();
  }

  /** Piecewise-linear through (xs, ys), xs increasing, constant beyond the ends. */
  static double[] interpolate(double[] xs, double[] ys, double[] at) {
    double[] out = new double[at.length];
    int k = 0;
    for (int i = 0; i < at.length; i++) {
      double x = at[i];
      if (x <= xs[0]) {
        out[i] = ys[0];
        continue;
      }
      if (x >= xs[xs.length - 1]) {
        out[i] = ys[ys.length - 1];
        continue;
      }
      while (xs[k + 1] < x) {
        k++;
      }
      double t = (x - xs[k]) / (xs[k + 1] - xs[k]);
      out[i] = ys[k] + t * (ys[k + 1] - ys[k]);
    }
    return out;
  }

  private static double[] toArray(java.util.List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
