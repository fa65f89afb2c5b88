package dev.fpk.physics.grid;

import java.util.Arrays;

/**
 * Immutable uniform 1-D grid of {@code cells} cells of width {@code h = (hi - lo) / cells} on
 * {@code [lo, hi]} (weight units). Cell {@code i} spans {@code [lo + i h, lo + (i + 1) h]}, its
 * centre is {@code lo + (i + 1/2) h}.
 *
 * <p>Values attached to a grid ("densities") are cell averages per unit weight: the mass of cell
 * {@code i} is {@code v[i] * h}. {@link #remap} moves such values between grids conservatively.
 *
 * <p>Grids that differ only by whole cells of the same width (see {@link #extendedToCover}) or by
 * merging pairs of cells ({@link #coarsened}) are <em>aligned</em>: remapping between them is exact
 * (sums of cell masses, no interpolation).
 *
 * <p>Thread-safety: immutable, safe to share.
 */
public final class Grid1D {
  /** Relative tolerance used to decide that two grids are aligned (same width, integer offset). */
  private static final double ALIGN_TOL = 1e-9;

  private final double lo;
  private final double h;
  private final int cells;

  private Grid1D(double lo, double h, int cells) {
    this.lo = lo;
    this.h = h;
    this.cells = cells;
  }

  /**
   * A grid of {@code cells} equal cells on {@code [lo, hi]}.
   *
   * @throws IllegalArgumentException if the bounds are not finite, {@code hi <= lo}, or {@code
   *     cells < 1}
   */
  public static Grid1D of(double lo, double hi, int cells) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(hi > lo)) {
      throw new IllegalArgumentException("need finite lo < hi, got [" + lo + ", " + hi + "]");
    }
    if (cells < 1) {
      throw new IllegalArgumentException("need cells >= 1, got " + cells);
    }
    return new Grid1D(lo, (hi - lo) / cells, cells);
  }

  /**
   * The grid with exactly this left wall, cell width and cell count: restores a grid bit for bit
   * (e.g. from a checkpoint), where {@link #of} would recompute the width from {@code hi}.
   *
   * @throws IllegalArgumentException if lo or h is not finite, {@code h <= 0} or {@code cells < 1}
   */
  public static Grid1D ofWidth(double lo, double h, int cells) {
    if (!Double.isFinite(lo) || !Double.isFinite(h) || !(h > 0) || cells < 1) {
      throw new IllegalArgumentException(
          "need finite lo, h > 0, cells >= 1, got " + lo + ", " + h + ", " + cells);
    }
    return new Grid1D(lo, h, cells);
  }

  /** Left wall. */
  public double lo() {
    return lo;
  }

  /** Right wall, {@code lo + cells * h}. */
  public double hi() {
    return lo + cells * h;
  }

  /** Number of cells. */
  public int cells() {
    return cells;
  }

  /** Cell width {@code h} in weight units. */
  public double width() {
    return h;
  }

  /** Centre of cell {@code i}: {@code lo + (i + 1/2) h}. */
  public double centre(int i) {
    return lo + (i + 0.5) * h;
  }

  /** Left edge of cell {@code i} ({@code i == cells} gives {@link #hi()}). */
  public double edge(int i) {
    return lo + i * h;
  }

  /** The {@code cells + 1} cell edges, from {@code lo} to {@code hi}. */
  public double[] edges() {
    double[] e = new double[cells + 1];
    for (int i = 0; i <= cells; i++) {
      e[i] = lo + i * h;
    }
    return e;
  }

  /** The {@code cells} cell centres. */
  public double[] centres() {
    double[] c = new double[cells];
    for (int i = 0; i < cells; i++) {
      c[i] = lo + (i + 0.5) * h;
    }
    return c;
  }

  /**
   * Index of the cell containing {@code w}, clamped to {@code [0, cells - 1]}: weights left of the
   * grid map to cell 0, right of it (and {@code w == hi}) to the last cell. NaN maps to cell 0.
   */
  public int indexOf(double w) {
    double s = (w - lo) / h;
    if (!(s >= 0)) {
      return 0;
    }
    return s >= cells ? cells - 1 : (int) s;
  }

  /** True if {@code w} lies in {@code [lo, hi]}. */
  public boolean contains(double w) {
    return w >= lo && w <= hi();
  }

  /**
   * A grid with the same cell width that contains this one and covers {@code [min - m, max + m]},
   * where the margin is {@code m = marginFraction * (hi - lo)} of this grid. It grows only by whole
   * cells, so this grid's cells are cells of the result and {@link #remap} between the two is
   * exact. Returns {@code this} when no growth is needed. Never shrinks.
   *
   * @throws IllegalArgumentException if min/max are not finite, {@code min > max} or the margin is
   *     negative
   */
  public Grid1D extendedToCover(double min, double max, double marginFraction) {
    if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
      throw new IllegalArgumentException("need finite min <= max, got [" + min + ", " + max + "]");
    }
    if (!(marginFraction >= 0)) {
      throw new IllegalArgumentException("need marginFraction >= 0, got " + marginFraction);
    }
    double m = marginFraction * (hi() - lo);
    double needLo = min - m;
    double needHi = max + m;
    int left = needLo < lo ? (int) Math.ceil((lo - needLo) / h) : 0;
    int right = needHi > hi() ? (int) Math.ceil((needHi - hi()) / h) : 0;
    if (left == 0 && right == 0) {
      return this;
    }
    return ofWidth(lo - left * h, h, cells + left + right);
  }

  /**
   * The grid with pairs of cells merged: width {@code 2h}, same {@code lo}, {@code ceil(cells / 2)}
   * cells. With an odd cell count the last coarse cell extends one fine cell past {@code hi}.
   */
  public Grid1D coarsened() {
    return ofWidth(lo, 2 * h, (cells + 1) / 2);
  }

  /**
   * The number of {@code fine} cells from {@code fine.lo} to this grid's {@code lo} when this grid
   * is aligned with {@code fine} (width {@code ratio} fine widths, edges on fine edges); otherwise
   * {@code Integer.MIN_VALUE}.
   */
  private int alignedOffsetInto(Grid1D fine, int ratio) {
    if (ratio < 1 || Math.abs(h - ratio * fine.h) > ALIGN_TOL * h) {
      return Integer.MIN_VALUE;
    }
    double off = (lo - fine.lo) / fine.h;
    long k = Math.round(off);
    if (Math.abs(off - k) > ALIGN_TOL * Math.max(1, Math.abs(off))) {
      return Integer.MIN_VALUE;
    }
    return (int) k;
  }

  /**
   * Conservative remap of cell values per unit weight from grid {@code from} to grid {@code to}:
   * the mass {@code v[i] * h_from} of each source cell is distributed over the target cells in
   * proportion to overlap, then divided by {@code h_to}. Mass of {@code from} that lies outside
   * {@code to} is added to the nearest end cell of {@code to}, so total mass is always conserved.
   *
   * <p>Exact (sums only, no interpolation) when the grids are aligned: same width with an integer
   * cell offset (e.g. {@code to = from.extendedToCover(...)}), or {@code to} an aligned coarsening
   * of {@code from} (e.g. {@code from.coarsened()}). The general overlap-weighted path is used
   * otherwise.
   *
   * @throws IllegalArgumentException if {@code values.length != from.cells()}
   */
  public static double[] remap(Grid1D from, double[] values, Grid1D to) {
    if (values.length != from.cells) {
      throw new IllegalArgumentException(
          "values has " + values.length + " entries, grid has " + from.cells + " cells");
    }
    double[] out = new double[to.cells];
    long ratioL = Math.round(to.h / from.h);
    int ratio = ratioL >= 1 && ratioL <= Integer.MAX_VALUE ? (int) ratioL : 0;
    int off = ratio == 0 ? Integer.MIN_VALUE : to.alignedOffsetInto(from, ratio);
    if (off != Integer.MIN_VALUE) {
      remapAligned(from, values, to, ratio, off, out);
    } else {
      remapOverlap(from, values, to, out);
    }
    return out;
  }

  /** Fine cell j lands in coarse cell floor((j - off) / ratio), clamped to the ends. */
  private static void remapAligned(
      Grid1D from, double[] values, Grid1D to, int ratio, int off, double[] out) {
    for (int j = 0; j < from.cells; j++) {
      int t = Math.floorDiv(j - off, ratio);
      t = t < 0 ? 0 : (t >= to.cells ? to.cells - 1 : t);
      out[t] += values[j] * from.h;
    }
    double inv = 1.0 / to.h;
    for (int t = 0; t < to.cells; t++) {
      out[t] *= inv;
    }
  }

  private static void remapOverlap(Grid1D from, double[] values, Grid1D to, double[] out) {
    double toHi = to.hi();
    for (int j = 0; j < from.cells; j++) {
      double mass = values[j] * from.h;
      if (mass == 0) {
        continue;
      }
      double a = from.edge(j);
      double b = from.edge(j + 1);
      // parts outside the target grid go to its end cells
      if (a < to.lo) {
        double outside = Math.min(b, to.lo) - a;
        out[0] += mass * outside / from.h;
        a = Math.min(b, to.lo);
      }
      if (b > toHi) {
        double outside = b - Math.max(a, toHi);
        out[to.cells - 1] += mass * outside / from.h;
        b = Math.max(a, toHi);
      }
      if (b <= a) {
        continue;
      }
      int t0 = to.indexOf(a);
      int t1 = to.indexOf(b);
      for (int t = t0; t <= t1; t++) {
        double ov = Math.min(b, to.edge(t + 1)) - Math.max(a, to.edge(t));
        if (ov > 0) {
          out[t] += mass * ov / from.h;
        }
      }
    }
    double inv = 1.0 / to.h;
    for (int t = 0; t < to.cells; t++) {
      out[t] *= inv;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Grid1D g && g.lo == lo && g.h == h && g.cells == cells;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new double[] {lo, h, cells});
  }

  @Override
  public String toString() {
    return "Grid1D[" + lo + ", " + hi() + "; " + cells + " cells of " + h + "]";
  }
}
