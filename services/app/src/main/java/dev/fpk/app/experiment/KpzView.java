package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.physics.cs.Kpz;
import dev.fpk.physics.cs.KpzObservables;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.List;
import java.util.NavigableMap;

/**
 * The KPZ reading (services/physics/PHYSICS.md §6) of each entry at the checkpoints: {@code nu = D}
 * and {@code lambda = 2D} from the estimated mean diffusion (weight units^2 per step), and the
 * residual of {@code dh/dt = D h'' + D (h')^2 - mu h' - mu'} on the height {@code h = ln p} of the
 * replicas' empirical density at the checkpoint and {@code dt} steps later. The histograms (as
 * published, on the solver's cells, which reach well beyond the replicas) are re-binned first to
 * {@value #CELLS} cells between the {@value #TAIL} and {@code 1 - }{@value #TAIL} quantiles of
 * both: 256 replicas fill 128 cells too thinly for a logarithm. The residual is reported as its RMS
 * over the cells where it is defined (per step) and relative to the RMS of {@code dh/dt} itself, so
 * 1 means the equation explains none of the change and 0 all of it.
 */
public final class KpzView {
  /** Cells of the coarse grid the two histograms are compared on. */
  static final int CELLS = 16;

  /** Mass left out in each tail when the coarse grid is placed. */
  static final double TAIL = 0.02;

  /** Cells below this fraction of the peak density are left out (their logarithm is noise). */
  static final double FLOOR = 0.02;

  private KpzView() {}

  public static void write(
      NavigableMap<Long, DriftDiffusionEstimate> estimates,
      NavigableMap<Long, DensityUpdate> densities,
      List<Long> checkpoints,
      long dt,
      ArrayNode out) {
    for (long c : checkpoints) {
      DensityUpdate before = densities.get(c);
      DensityUpdate after = densities.get(c + dt);
      var est = estimates.floorEntry(c);
      if (before == null || after == null || est == null) {
        continue;
      }
      ObjectNode cp = out.addObject().put("step", c).put("dtSteps", dt);
      ArrayNode entries = cp.putArray("entries");
      int n =
          Math.min(
              Math.min(before.getEntriesCount(), after.getEntriesCount()),
              est.getValue().getEntriesCount());
      for (int e = 0; e < n; e++) {
        writeEntry(
            before.getEntries(e),
            after.getEntries(e),
            est.getValue().getEntries(e),
            dt,
            entries.addObject());
      }
    }
  }

  private static void writeEntry(
      EntryDensity before, EntryDensity after, EntryEstimate est, long dt, ObjectNode o) {
    est.getIndexList().forEach(o.putArray("index")::add);
    double d = est.getDiffusionMean();
    Json.putNumber(o, "nu", d);
    Json.putNumber(o, "lambda", 2 * d);
    double lo = Math.max(quantile(before, TAIL), quantile(after, TAIL));
    double hi = Math.min(quantile(before, 1 - TAIL), quantile(after, 1 - TAIL));
    if (!(hi > lo)) {
      o.putNull("residualRms").putNull("relativeResidual");
      return;
    }
    Grid1D g = Grid1D.of(lo, hi, CELLS);
    double[] p0 = rebin(before, g);
    double[] p1 = rebin(after, g);
    double[] grid = est.getGridList().stream().mapToDouble(Double::doubleValue).toArray();
    double[] drift = est.getDriftList().stream().mapToDouble(Double::doubleValue).toArray();
    double[] mu = new double[CELLS];
    for (int i = 0; i < CELLS; i++) {
      mu[i] = interpolate(grid, drift, g.centre(i));
    }
    KpzObservables k = Kpz.of(g, p0, p1, dt, mu, d, FLOOR);
    double res = 0;
    double change = 0;
    int m = 0;
    for (int i = 0; i < CELLS; i++) {
      if (Double.isFinite(k.residual()[i])) {
        res += k.residual()[i] * k.residual()[i];
        double dh = (Math.log(p1[i]) - Math.log(p0[i])) / dt;
        change += dh * dh;
        m++;
      }
    }
    o.put("cells", m);
    Json.putNumber(o, "residualRms", Math.sqrt(res / m));
    Json.putNumber(o, "dhdtRms", Math.sqrt(change / m));
    Json.putNumber(o, "relativeResidual", Math.sqrt(res / change));
  }

  /**
   * The density of a published histogram averaged over the cells of {@code g} (through its
   * piecewise-linear CDF).
   */
  static double[] rebin(EntryDensity d, Grid1D g) {
    double[] out = new double[g.cells()];
    for (int i = 0; i < g.cells(); i++) {
      out[i] = (cdf(d, g.edge(i + 1)) - cdf(d, g.edge(i))) / g.width();
    }
    return out;
  }

  /**
   * The {@code q} quantile of a published histogram (its CDF is piecewise linear); NaN without
   * mass.
   */
  static double quantile(EntryDensity d, double q) {
    double total = cdf(d, d.getEdges(d.getEdgesCount() - 1));
    double mass = 0;
    for (int i = 0; i < d.getEmpiricalCount(); i++) {
      double m = d.getEmpirical(i) * (d.getEdges(i + 1) - d.getEdges(i));
      if (m > 0 && mass + m >= q * total) {
        return d.getEdges(i) + (q * total - mass) / m * (d.getEdges(i + 1) - d.getEdges(i));
      }
      mass += m;
    }
    return Double.NaN;
  }

  private static double cdf(EntryDensity d, double x) {
    double mass = 0;
    for (int i = 0; i < d.getEmpiricalCount(); i++) {
      double a = d.getEdges(i);
      double b = d.getEdges(i + 1);
      if (x <= a) {
        break;
      }
      mass += d.getEmpirical(i) * (Math.min(x, b) - a);
    }
    return mass;
  }

  /** Linear interpolation, constant beyond the ends. */
  static double interpolate(double[] x, double[] y, double at) {
    if (at <= x[0]) {
      return y[0];
    }
    for (int i = 1; i < x.length; i++) {
      if (at <= x[i]) {
        double t = (at - x[i - 1]) / (x[i] - x[i - 1]);
        return y[i - 1] + t * (y[i] - y[i - 1]);
      }
    }
    return y[x.length - 1];
  }
}
