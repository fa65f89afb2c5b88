package dev.fpk.physics.fp;

import dev.fpk.physics.grid.Grid1D;

/**
 * Many independent 1-D Fokker-Planck problems ("entries", e.g. one per matrix entry or one per grid
 * line of a tensor grid), each on its own uniform grid with the same number of cells, advanced
 * together without per-entry objects. All per-cell data live in flat {@code double[]} arrays of
 * length {@code entries * cells}, entry {@code e} at {@code [e * cells, (e + 1) * cells)}.
 *
 * <p>Equation, per entry: {@code dp/dt = -dJ/dw}, {@code J = mu p - d(D p)/dw}, time in optimiser
 * steps, {@code w} in weight units, {@code mu} in weight units per step and {@code D} in weight
 * units squared per step in the convention {@code dW = mu dt + sqrt(2D) dB}; {@code p} is the
 * density per unit weight (cell averages). Finite volumes with zero-flux walls and
 * Scharfetter-Gummel / Chang-Cooper exponentially fitted face fluxes {@code J = (D/h) (Bern(-x) p_i
 * - Bern(x) p_{i+1})}, {@code x = A h / D}, {@code A = mu - dD/dw}; the face {@code A} is its mean
 * between the two centres ({@code mu} by the fourth-order rule {@code (-1, 13, 13, -1) / 24}, the
 * plain average next to walls; {@code dD/dw} by the difference of the centres) and the face {@code
 * D} the average of the centres. Faces with {@code D = 0} use the upwind limit. Implicit steps
 * ({@link TimeScheme}) need one tridiagonal (Thomas) solve per stage, {@code O(cells)}; the LU
 * factors are kept per entry and reused as long as the entry's fields and the substep length are
 * unchanged.
 *
 * <p>Guarantees: mass {@code h * sum p} is conserved up to round-off (unit column sums of the
 * matrix); backward Euler keeps {@code p >= 0} exactly (M-matrix, subtraction-free Thomas sweeps).
 * TR-BDF2 can undershoot where the density falls steeply; after each TR-BDF2 substep, negative
 * values carrying less than {@code 1e-9} of the entry's mass are set to zero and the entry rescaled
 * to its previous mass ({@link #clippedSubsteps()} counts these), larger undershoots redo the
 * substep with backward Euler ({@link #fallbackSubsteps()}). So the density is never negative.
 *
 * <p>Before fields are set every entry has {@code mu = D = 0} (nothing moves). Thread-safety: not
 * thread-safe (scratch buffers are reused); use one instance per thread.
 */
public final class BatchFokkerPlanck1D implements FokkerPlanckSolver {
  private static final double CLIP_TOLERANCE = 1e-9;

  private final int entries;
  private final int n;
  private final TimeScheme scheme;
  private final double[] lo;
  private final double[] h;
  private final double[] a;
  private final double[] b;
  private final double[] wn;
  private final double[] gn;
  private final double[] dp;
  private final double[] ip;
  private final boolean[] dirty;
  private double factorTau = Double.NaN;
  private final double[] s1;
  private final double[] s1b;
  private final double[] neg = new double[2];
  private final double[] fwn;
  private final double[] fgn;
  private final double[] fdp;
  private final double[] fip;
  private long clipped;
  private long fallbacks;

  /**
   * @param entries number of independent problems ({@code >= 1})
   * @param grid the grid of every entry (change per entry with {@link #setGrid})
   * @param scheme time stepper
   */
  public BatchFokkerPlanck1D(int entries, Grid1D grid, TimeScheme scheme) {
    if (entries < 1) {
      throw new IllegalArgumentException("need entries >= 1, got " + entries);
    }
    if (grid.cells() < 2) {
      throw new IllegalArgumentException("need at least 2 cells, got " + grid.cells());
    }
    this.entries = entries;
    this.n = grid.cells();
    this.scheme = scheme;
    this.lo = new double[entries];
    this.h = new double[entries];
    int size = Math.multiplyExact(entries, n);
    this.a = new double[size];
    this.b = new double[size];
    this.wn = new double[size];
    this.gn = new double[size];
    this.dp = new double[size];
    this.ip = new double[size];
    this.dirty = new boolean[entries];
    this.s1 = new double[n];
    this.s1b = new double[n];
    this.fwn = new double[n];
    this.fgn = new double[n];
    this.fdp = new double[n];
    this.fip = new double[n];
    for (int e = 0; e < entries; e++) {
      lo[e] = grid.lo();
      h[e] = grid.width();
      dirty[e] = true;
    }
  }

  /** Number of entries. */
  public int entries() {
    return entries;
  }

  /** Cells per entry. */
  public int cells() {
    return n;
  }

  /** {@code entries * cells}. */
  @Override
  public int size() {
    return entries * n;
  }

  /** The time scheme. */
  @Override
  public TimeScheme scheme() {
    return scheme;
  }

  /** The grid of entry {@code e}. */
  public Grid1D grid(int e) {
    return Grid1D.of(lo[e], lo[e] + n * h[e], n);
  }

  /** Cell width of entry {@code e}. */
  public double width(int e) {
    return h[e];
  }

  /**
   * Moves entry {@code e} to {@code grid} (same cell count) and resets its fields to zero; set them
   * again afterwards. The density is not touched (remap it with {@link Grid1D#remap}).
   */
  public void setGrid(int e, Grid1D grid) {
    if (grid.cells() != n) {
      throw new IllegalArgumentException("grid has " + grid.cells() + " cells, batch has " + n);
    }
    lo[e] = grid.lo();
    h[e] = grid.width();
    int off = e * n;
    java.util.Arrays.fill(a, off, off + n, 0);
    java.util.Arrays.fill(b, off, off + n, 0);
    dirty[e] = true;
  }

  /**
   * Sets drift and diffusion of entry {@code e} from values at its cell centres ({@code cells}
   * values each, from {@code offset}).
   *
   * @throws IllegalArgumentException on non-finite values or negative diffusion
   */
  public void setFields(int e, double[] drift, double[] diffusion, int offset) {
    checkFields(drift, diffusion, offset, n);
    FpKernels.facesFromFields(drift, diffusion, offset, n, h[e], a, b, e * n);
    dirty[e] = true;
  }

  /** Sets drift and diffusion of every entry from flat arrays of {@code entries * cells} values. */
  public void setFields(double[] drift, double[] diffusion) {
    checkFlat(drift);
    checkFlat(diffusion);
    checkFields(drift, diffusion, 0, entries * n);
    for (int e = 0; e < entries; e++) {
      FpKernels.facesFromFields(drift, diffusion, e * n, n, h[e], a, b, e * n);
      dirty[e] = true;
    }
  }

  /**
   * Sets a gradient flux {@code J = -D (p' + p (U/D)')} for entry {@code e} from the potential
   * {@code U} and diffusion {@code D > 0} at the cell centres (for constant {@code D} the drift is
   * {@code mu = -U'}). The face Peclet numbers come from differences of {@code U / D}, so the
   * discrete Boltzmann state {@code exp(-U / D)} at the centres is stationary to round-off.
   *
   * @throws IllegalArgumentException on non-finite values or non-positive diffusion
   */
  public void setGradientDrift(int e, double[] potential, double[] diffusion, int offset) {
    checkFields(potential, diffusion, offset, n);
    for (int i = 0; i < n; i++) {
      if (!(diffusion[offset + i] > 0)) {
        throw new IllegalArgumentException("gradient drift needs diffusion > 0 at cell " + i);
      }
    }
    FpKernels.facesFromPotential(potential, diffusion, offset, n, h[e], a, b, e * n);
    dirty[e] = true;
  }

  private void checkFlat(double[] x) {
    if (x.length != entries * n) {
      throw new IllegalArgumentException("need " + entries * n + " values, got " + x.length);
    }
  }

  private static void checkFields(double[] mu, double[] d, int off, int len) {
    if (off < 0 || off + len > mu.length || off + len > d.length) {
      throw new IllegalArgumentException("fields too short for " + len + " cells at offset " + off);
    }
    for (int i = off; i < off + len; i++) {
      if (!Double.isFinite(mu[i]) || !Double.isFinite(d[i]) || d[i] < 0) {
        throw new IllegalArgumentException(
            "need finite drift and finite diffusion >= 0, got mu="
                + mu[i]
                + " D="
                + d[i]
                + " at "
                + i);
      }
    }
  }

  /**
   * Advances every entry of {@code density} ({@code entries * cells} values, per unit weight) in
   * place by {@code steps} optimiser steps in {@code substeps} equal implicit substeps.
   */
  @Override
  public void advance(double[] density, double steps, int substeps) {
    checkFlat(density);
    if (substeps < 1 || !(steps >= 0) || steps == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          "need steps >= 0 and substeps >= 1, got " + steps + ", " + substeps);
    }
    if (steps == 0) {
      return;
    }
    double tau = steps / substeps;
    if (tau != factorTau) {
      java.util.Arrays.fill(dirty, true);
      factorTau = tau;
    }
    double c = scheme == TimeScheme.TR_BDF2 ? FpKernels.ALPHA * tau : tau;
    int e = 0;
    for (; e + 1 < entries; e += 2) { // pairs of lines: two independent FMA chains
      int oa = e * n;
      int ob = oa + n;
      if (dirty[e] && dirty[e + 1]) {
        FpPairKernels.factorise(a, b, oa, ob, n, c / h[e], c / h[e + 1], wn, gn, dp, ip);
      } else {
        factoriseIfDirty(e, c);
        factoriseIfDirty(e + 1, c);
      }
      dirty[e] = false;
      dirty[e + 1] = false;
      for (int s = 0; s < substeps; s++) {
        if (scheme == TimeScheme.TR_BDF2) {
          FpPairKernels.trBdf2(density, oa, ob, wn, gn, dp, ip, n, s1, s1b, neg);
          accept(density, e, oa, s1, -neg[0], tau);
          accept(density, e + 1, ob, s1b, -neg[1], tau);
        } else {
          FpPairKernels.solve(density, oa, ob, wn, gn, ip, n);
        }
      }
    }
    if (e < entries) {
      int off = e * n;
      factoriseIfDirty(e, c);
      for (int s = 0; s < substeps; s++) {
        if (scheme == TimeScheme.TR_BDF2) {
          accept(
              density,
              e,
              off,
              s1,
              -FpKernels.trBdf2(density, off, wn, gn, dp, ip, off, n, s1),
              tau);
        } else {
          FpKernels.solve(density, off, wn, gn, ip, off, n);
        }
      }
    }
  }

  private void factoriseIfDirty(int e, double c) {
    if (dirty[e]) {
      FpKernels.factorise(a, b, e * n, n, c / h[e], wn, gn, dp, ip, e * n);
      dirty[e] = false;
    }
  }

  /**
   * Takes the TR-BDF2 result {@code r} of entry {@code e}: as is, clipped with its mass restored
   * (tiny undershoot), or replaced by a backward-Euler substep (large undershoot).
   */
  private void accept(double[] p, int e, int off, double[] r, double negative, double tau) {
    if (negative == 0) {
      System.arraycopy(r, 0, p, off, n);
      return;
    }
    double before = FpKernels.sum(p, off, n);
    if (negative <= CLIP_TOLERANCE * before) {
      double after = 0;
      for (int i = 0; i < n; i++) {
        double v = Math.max(r[i], 0);
        r[i] = v;
        after += v;
      }
      double scale = after > 0 ? before / after : 0;
      for (int i = 0; i < n; i++) {
        p[off + i] = r[i] * scale;
      }
      clipped++;
      return;
    }
    fallbacks++;
    FpKernels.factorise(a, b, off, n, tau / h[e], fwn, fgn, fdp, fip, 0);
    FpKernels.solve(p, off, fwn, fgn, fip, 0, n);
  }

  /** Total mass of all entries, {@code sum_e h_e * sum p_e}. */
  @Override
  public double mass(double[] density) {
    checkFlat(density);
    double m = 0;
    for (int e = 0; e < entries; e++) {
      m += mass(e, density);
    }
    return m;
  }

  /** Mass {@code h * sum p} of entry {@code e} in a flat density array. */
  public double mass(int e, double[] density) {
    return h[e] * FpKernels.sum(density, e * n, n);
  }

  /**
   * {@code dp/dt} of entry {@code e} under the current fields (per step), into {@code out} at the
   * same offset: the semi-discrete operator {@code (J_{i-1/2} - J_{i+1/2}) / h}.
   */
  public void rate(int e, double[] density, double[] out) {
    int off = e * n;
    FpKernels.rateTimesH(a, b, off, density, off, n, out, off);
    double inv = 1 / h[e];
    for (int i = off; i < off + n; i++) {
      out[i] *= inv;
    }
  }

  /**
   * Face fluxes {@code J_{i+1/2}} of entry {@code e} (probability per step) for the {@code cells -
   * 1} interior faces, into {@code out[0 .. cells - 2]}.
   */
  public void fluxes(int e, double[] density, double[] out) {
    int off = e * n;
    for (int f = 0; f < n - 1; f++) {
      out[f] = a[off + f] * density[off + f] - b[off + f] * density[off + f + 1];
    }
  }

  /** TR-BDF2 substeps in which small negative undershoots were clipped (mass restored). */
  public long clippedSubsteps() {
    return clipped;
  }

  /** TR-BDF2 substeps redone with backward Euler because of a large undershoot. */
  public long fallbackSubsteps() {
    return fallbacks;
  }
}
