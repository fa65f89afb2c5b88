package dev.fpk.physics.align;

import dev.fpk.physics.grid.Grid1D;
import java.util.Arrays;

/**
 * Distances between a density on a {@link Grid1D} (per unit weight, one cell average per cell,
 * piecewise constant within cells) and samples or another density on the same grid.
 *
 * <p>Densities are normalised by their own mass {@code h * sum p} before comparison, so only their
 * shape matters; a density of zero mass gives NaN. Non-finite samples (NaN, infinities) are
 * ignored; no usable sample gives NaN. Distances are in weight units (Wasserstein) or nats
 * (Jensen-Shannon, KL). Stateless, thread-safe.
 */
public final class Alignment {
  private static final double LN2 = Math.log(2.0);

  /** Smallest mass whose half is exact (normal), so that {@code x / (0.5 x) == 2} exactly. */
  private static final double MIN_HALVABLE = 2 * Double.MIN_NORMAL;

  private Alignment() {}

  /**
   * Exact 1-D Wasserstein-1 distance {@code integral |F_theory(w) - F_empirical(w)| dw} over the
   * whole line, between the grid density (its CDF {@code F_theory} is piecewise linear within
   * cells, 0 left of the grid and 1 right of it) and the empirical CDF of the samples (a step
   * function; samples outside the grid count where they are). In weight units. Cost {@code O(n log
   * n + cells)}.
   */
  public static double wasserstein1(Grid1D g, double[] density, double[] samples) {
    double[] cum = cumulative(g, density);
    double[] s = finiteSorted(samples);
    if (cum == null || s.length == 0) {
      return Double.NaN;
    }
    return wasserstein1Sorted(g, cum, s, s.length);
  }

  /**
   * {@link #wasserstein1(Grid1D, double[], double[])} of a density prepared once ({@link
   * CellMasses}) against samples prepared once ({@link PreparedSamples}): the same figure, bit for
   * bit, without sorting the samples or normalising the density again.
   */
  public static double wasserstein1(CellMasses theory, PreparedSamples samples) {
    if (!theory.valid() || samples.count() == 0) {
      return Double.NaN;
    }
    return wasserstein1Sorted(
        theory.grid(), theory.cumulative(), samples.sorted(), samples.count());
  }

  /**
   * {@link #wasserstein1(Grid1D, double[], double[])} of a density prepared once against samples
   * that are already finite and ascending: the same figure, bit for bit, without copying or sorting
   * them (for many sample sets scored against one density).
   */
  public static double wasserstein1Ascending(CellMasses theory, double[] ascending) {
    if (!theory.valid() || ascending.length == 0) {
      return Double.NaN;
    }
    return wasserstein1Sorted(theory.grid(), theory.cumulative(), ascending, ascending.length);
  }

  /**
   * W1 against the first n values of s (finite, ascending); cum the normalised CDF at the edges.
   */
  private static double wasserstein1Sorted(Grid1D g, double[] cum, double[] s, int n) {
    int cells = g.cells();
    double x = Math.min(g.lo(), s[0]);
    double fPrev = theoryCdf(g, cum, x);
    int edge = 0;
    int j = 0;
    double total = 0;
    while (edge <= cells || j < n) {
      double eNext = edge <= cells ? g.edge(edge) : Double.POSITIVE_INFINITY;
      double sNext = j < n ? s[j] : Double.POSITIVE_INFINITY;
      double next = Math.min(eNext, sNext);
      double fNext = theoryCdf(g, cum, next);
      if (next > x) {
        total += absLinearMinusConst(fPrev - (double) j / n, fNext - (double) j / n, next - x);
      }
      x = next;
      fPrev = fNext;
      if (eNext <= sNext) {
        edge++;
      } else {
        j++;
      }
    }
    return total;
  }

  /**
   * Exact Wasserstein-1 {@code integral |F_p - F_q| dw} between two densities on the same grid
   * (both CDFs piecewise linear within cells), in weight units.
   */
  public static double wasserstein1Densities(Grid1D g, double[] p, double[] q) {
    double[] cp = cumulative(g, p);
    double[] cq = cumulative(g, q);
    if (cp == null || cq == null) {
      return Double.NaN;
    }
    double total = 0;
    for (int i = 0; i < p.length; i++) {
      total += absLinearMinusConst(cp[i] - cq[i], cp[i + 1] - cq[i + 1], g.width());
    }
    return total;
  }

  /** Integral over an interval of length len of |f| for f linear from d0 to d1. */
  private static double absLinearMinusConst(double d0, double d1, double len) {
    if ((d0 >= 0) == (d1 >= 0)) {
      return 0.5 * (Math.abs(d0) + Math.abs(d1)) * len;
    }
    return len * (d0 * d0 + d1 * d1) / (2 * (Math.abs(d0) + Math.abs(d1)));
  }

  /** Normalised CDF at the cell edges, or null if the mass is not positive. */
  private static double[] cumulative(Grid1D g, double[] p) {
    checkLength(g, p);
    double[] cum = new double[p.length + 1];
    return cumulative(p, p.length, cum) ? cum : null;
  }

  /**
   * The normalised CDF of the first n values of p at the n + 1 cell edges into cum; false (cum
   * undefined) if their total is not positive and finite.
   */
  static boolean cumulative(double[] p, int n, double[] cum) {
    cum[0] = 0;
    for (int i = 0; i < n; i++) {
      cum[i + 1] = cum[i] + p[i];
    }
    double total = cum[n];
    if (!(total > 0) || !Double.isFinite(total)) {
      return false;
    }
    for (int i = 0; i <= n; i++) {
      cum[i] /= total;
    }
    cum[n] = 1;
    return true;
  }

  private static double theoryCdf(Grid1D g, double[] cum, double x) {
    if (x <= g.lo()) {
      return 0;
    }
    if (x >= g.hi()) {
      return 1;
    }
    double s = (x - g.lo()) / g.width();
    int i = Math.min((int) s, g.cells() - 1);
    double t = s - i;
    return cum[i] + t * (cum[i + 1] - cum[i]);
  }

  /** The finite values of {@code samples}, ascending (a copy). */
  public static double[] finiteSorted(double[] samples) {
    double[] s = new double[samples.length];
    int k = 0;
    for (double v : samples) {
      if (Double.isFinite(v)) {
        s[k++] = v;
      }
    }
    s = k == s.length ? s : Arrays.copyOf(s, k);
    Arrays.sort(s);
    return s;
  }

  /**
   * Histogram of the samples as a density per unit weight on {@code g} (mass 1). Samples outside
   * the grid are clamped into the end cells (so the mass stays 1); infinite samples likewise, NaN
   * samples are ignored. No usable sample: every cell NaN.
   */
  public static double[] histogram(Grid1D g, double[] samples) {
    double[] out = new double[g.cells()];
    histogram(g, samples, out);
    return out;
  }

  /** {@link #histogram(Grid1D, double[])} into the first {@code g.cells()} values of out. */
  static void histogram(Grid1D g, double[] samples, double[] out) {
    int cells = g.cells();
    java.util.Arrays.fill(out, 0, cells, 0);
    int n = 0;
    for (double v : samples) {
      if (!Double.isNaN(v)) {
        out[g.indexOf(v)] += 1;
        n++;
      }
    }
    double scale = n == 0 ? Double.NaN : 1.0 / (n * g.width());
    for (int i = 0; i < cells; i++) {
      out[i] *= scale;
    }
  }

  /**
   * Jensen-Shannon divergence in nats between the cell masses {@code P, Q} of two densities: {@code
   * (KL(P||M) + KL(Q||M)) / 2}, {@code M = (P + Q) / 2}, with {@code 0 ln 0 = 0}; in {@code [0, ln
   * 2]}.
   */
  public static double jensenShannon(Grid1D g, double[] p, double[] q) {
    double[] pm = masses(g, p);
    double[] qm = masses(g, q);
    if (pm == null || qm == null) {
      return Double.NaN;
    }
    return jensenShannon(pm, qm, pm.length);
  }

  /**
   * {@link #jensenShannon(Grid1D, double[], double[])} of two densities prepared once, on the same
   * grid.
   */
  public static double jensenShannon(CellMasses p, CellMasses q) {
    checkSameGrid(p, q);
    return p.valid() && q.valid()
        ? jensenShannon(p.masses(), q.masses(), p.grid().cells())
        : Double.NaN;
  }

  private static double jensenShannon(double[] pm, double[] qm, int n) {
    double js = 0;
    for (int i = 0; i < n; i++) {
      double p = pm[i];
      double q = qm[i];
      if (q == 0 && p >= MIN_HALVABLE) {
        js += p * LN2; // xlogxy(p, p / 2) + 0: p / (0.5 p) is exactly 2, so one logarithm less
      } else if (p == 0 && q >= MIN_HALVABLE) {
        js += q * LN2; // likewise: most cells of a 64-sample histogram are empty
      } else {
        double m = 0.5 * (p + q);
        js += xlogxy(p, m) + xlogxy(q, m);
      }
    }
    return Math.max(0, 0.5 * js);
  }

  /**
   * Hellinger distance {@code sqrt(1 - sum_i sqrt(P_i Q_i))} between cell masses; in {@code [0,
   * 1]}.
   */
  public static double hellinger(Grid1D g, double[] p, double[] q) {
    double[] pm = masses(g, p);
    double[] qm = masses(g, q);
    if (pm == null || qm == null) {
      return Double.NaN;
    }
    return hellinger(pm, qm, pm.length);
  }

  /**
   * {@link #hellinger(Grid1D, double[], double[])} of two densities prepared once, on the same
   * grid.
   */
  public static double hellinger(CellMasses p, CellMasses q) {
    checkSameGrid(p, q);
    return p.valid() && q.valid()
        ? hellinger(p.masses(), q.masses(), p.grid().cells())
        : Double.NaN;
  }

  private static double hellinger(double[] pm, double[] qm, int n) {
    double bc = 0;
    for (int i = 0; i < n; i++) {
      double q = qm[i];
      if (q != 0) { // sqrt(p * 0) adds a zero: skip the square roots of a histogram's empty cells
        bc += Math.sqrt(pm[i] * q);
      }
    }
    return Math.sqrt(Math.max(0, 1 - bc));
  }

  /**
   * Kullback-Leibler divergence {@code KL(P||Q) = sum_i P_i ln(P_i / Q_i)} in nats between cell
   * masses after additive smoothing: each cell's mass becomes {@code (P_i + s) / (1 + cells * s)}
   * (likewise Q) with {@code s = smoothing} ({@code >= 0}, a mass per cell, e.g. {@code 1e-6}).
   * With {@code s = 0}, cells where {@code Q = 0 < P} give {@code +Infinity}.
   */
  public static double kl(Grid1D g, double[] p, double[] q, double smoothing) {
    if (!(smoothing >= 0)) {
      throw new IllegalArgumentException("need smoothing >= 0, got " + smoothing);
    }
    double[] pm = masses(g, p);
    double[] qm = masses(g, q);
    if (pm == null || qm == null) {
      return Double.NaN;
    }
    double norm = 1 + pm.length * smoothing;
    double kl = 0;
    for (int i = 0; i < pm.length; i++) {
      kl += xlogxy((pm[i] + smoothing) / norm, (qm[i] + smoothing) / norm);
    }
    return Math.max(0, kl);
  }

  /** Mean of the piecewise-constant density, {@code sum_i P_i c_i} (exact for it). */
  public static double mean(Grid1D g, double[] density) {
    double[] m = masses(g, density);
    return m == null ? Double.NaN : meanOfMasses(g, m);
  }

  /** {@code sum_i m_i c_i} over the cells of g. */
  static double meanOfMasses(Grid1D g, double[] m) {
    double mean = 0;
    for (int i = 0; i < g.cells(); i++) {
      mean += m[i] * g.centre(i);
    }
    return mean;
  }

  /**
   * Variance of the piecewise-constant density, exact for it: {@code sum_i P_i (c_i - mean)^2 + h^2
   * / 12} (the last term is the spread within a uniform cell).
   */
  public static double variance(Grid1D g, double[] density) {
    double[] m = masses(g, density);
    return m == null ? Double.NaN : varianceOfMasses(g, m, meanOfMasses(g, m));
  }

  /** {@code sum_i m_i (c_i - mean)^2 + h^2 / 12} over the cells of g. */
  static double varianceOfMasses(Grid1D g, double[] m, double mean) {
    double v = 0;
    for (int i = 0; i < g.cells(); i++) {
      double d = g.centre(i) - mean;
      v += m[i] * d * d;
    }
    double h = g.width();
    return v + h * h / 12;
  }

  /** Mean of the finite samples (NaN if none). */
  public static double sampleMean(double[] samples) {
    double s = 0;
    int n = 0;
    for (double v : samples) {
      if (Double.isFinite(v)) {
        s += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** Population variance {@code sum (x - mean)^2 / n} of the finite samples (NaN if none). */
  public static double sampleVariance(double[] samples) {
    double mean = sampleMean(samples);
    double s = 0;
    int n = 0;
    for (double v : samples) {
      if (Double.isFinite(v)) {
        s += (v - mean) * (v - mean);
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** Normalised cell masses, or null if the total is not positive. */
  static double[] masses(Grid1D g, double[] p) {
    checkLength(g, p);
    double[] m = new double[p.length];
    return masses(p, p.length, m) ? m : null;
  }

  /**
   * The first n values of p divided by their total into m; false (m undefined) if the total is not
   * positive and finite.
   */
  static boolean masses(double[] p, int n, double[] m) {
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += p[i];
    }
    if (!(total > 0) || !Double.isFinite(total)) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      m[i] = p[i] / total;
    }
    return true;
  }

  private static double xlogxy(double x, double y) {
    return x > 0 ? x * Math.log(x / y) : 0;
  }

  private static void checkSameGrid(CellMasses p, CellMasses q) {
    if (!p.grid().equals(q.grid())) {
      throw new IllegalArgumentException(
          "need densities on the same grid, got " + p.grid() + " and " + q.grid());
    }
  }

  static void checkLength(Grid1D g, double[] p) {
    if (p.length != g.cells()) {
      throw new IllegalArgumentException("need " + g.cells() + " values, got " + p.length);
    }
  }
}
