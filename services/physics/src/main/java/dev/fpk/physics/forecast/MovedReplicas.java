package dev.fpk.physics.forecast;

import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.align.CellMasses;
import dev.fpk.physics.grid.Grid1D;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The replicas of a forecast's issue step moved {@code k} steps ahead by the fitted SDE {@code dW =
 * mu(W) dt + sqrt(2 D(W)) dB} itself, {@code draws} times with independent noise (Euler-Maruyama,
 * fields linear between the cell centres, reflected at the grid's edges as the density's zero-flux
 * boundaries): what the replicas would look like at the target step if the theory were exactly
 * right, given where they started (PHYSICS.md §4). Two things come of them:
 *
 * <ul>
 *   <li><b>The conditional floor</b> of the density forecast ({@link #floorOf}): the mean W1 of the
 *       forecast density to each moved copy, what its W1 to the data would be under the theory. The
 *       bootstrap floor of independent draws ({@link ForecastScore#bootstrapFloorW1}) does not
 *       apply: the forecast starts from a kernel density estimate of these very replicas, and the
 *       data it is scored against are the same replicas later, not a fresh sample; both W1 then sit
 *       below that floor (the paper's experiment: 0.058 against 0.066 at R = 256), and the
 *       floor-corrected skill is undefined.
 *   <li><b>The particle forecast</b> ({@link #forecast}): the same Fokker-Planck law by Monte
 *       Carlo, started from the replicas themselves rather than from their kernel density estimate,
 *       so the smoothing that dominates the density forecast's W1 in a slow phase (the same 0.058
 *       at every horizon) is not there; its floor is the W1 of the pooled copies to one more held
 *       out.
 * </ul>
 *
 * <p>Cost: {@code draws x R x n} field lookups and normal draws per forecast, {@code n} Euler steps
 * as few as keep the fields nearly constant over each ({@link #substeps}: few where the fields
 * change slowly), at most {@code k x maxSubstepsPerStep}; a new forecast of a horizon is issued
 * when the last one is scored, so it is {@code draws x R x n / k} per step. Units: weight units,
 * optimiser steps, {@code D} as above. Immutable once made; the random generator is the caller's.
 */
public final class MovedReplicas {
  /** Largest drift change per Euler step, as a share of the drift's relaxation rate. */
  private static final double RATE_STEP = 0.1;

  /** Largest noise displacement per Euler step ({@code sqrt(2 D h)}), in cells. */
  private static final int NOISE_CELLS = 2;

  /** The start's finite values, ascending. */
  private final double[] start;

  /** Each moved copy, ascending. */
  private final double[][] copies;

  private MovedReplicas(double[] start, double[][] copies) {
    this.start = start;
    this.copies = copies;
  }

  /**
   * {@code draws} copies of the finite values of {@code start} moved {@code steps} optimiser steps
   * by the SDE of {@code drift} and {@code diffusion} (values at the cell centres of {@code g}).
   */
  public static MovedReplicas of(
      Grid1D g,
      double[] drift,
      double[] diffusion,
      double[] start,
      double steps,
      int maxSubstepsPerStep,
      int draws,
      RandomGenerator random) {
    return of(g, drift, diffusion, start, null, 0, steps, maxSubstepsPerStep, draws, random);
  }

  /**
   * {@link #of(Grid1D, double[], double[], double[], double, int, int, RandomGenerator)} with each
   * replica also carrying its own drift ({@code ownDrift[r]} for {@code start[r]}, weight units per
   * step, constant over the horizon: {@link ReplicaVelocities}), and the diffusion less the half of
   * {@code explainedVariance} that those drifts account for (at least a twentieth of it stays, so
   * noise never vanishes). A null {@code ownDrift} is the plain SDE, bit for bit.
   */
  public static MovedReplicas of(
      Grid1D g,
      double[] drift,
      double[] diffusion,
      double[] start,
      double[] ownDrift,
      double explainedVariance,
      double steps,
      int maxSubstepsPerStep,
      int draws,
      RandomGenerator random) {
    double[] finite = Alignment.finiteSorted(start);
    double[] own = ownDrift == null ? null : alongSorted(start, ownDrift, finite);
    double[] d = lessNoise(diffusion, explainedVariance);
    double[][] copies = new double[finite.length == 0 ? 0 : draws][];
    int substeps = copies.length == 0 ? 0 : substeps(g, drift, d, steps, maxSubstepsPerStep);
    double[] normals = new double[0];
    for (int b = 0; b < copies.length; b++) {
      copies[b] = finite.clone();
      normals = move(g, drift, d, copies[b], own, steps, substeps, random, normals);
      Arrays.sort(copies[b]);
    }
    return new MovedReplicas(finite, copies);
  }

  /**
   * The own drifts of the finite start values, in the ascending order of those values ({@code
   * sorted}, {@link Double#compare} order), replicas of equal value in their order in {@code start}
   * (as a stable sort of the replicas by value would place them): each replica, in turn, takes the
   * first free place of its value's run in {@code sorted}, found by binary search. No boxed indices
   * and no comparator (about 1% of the analysis threads in {@code fpk bench e2e} with them).
   */
  static double[] alongSorted(double[] start, double[] ownDrift, double[] sorted) {
    double[] own = new double[sorted.length];
    boolean[] taken = new boolean[sorted.length];
    for (int r = 0; r < start.length; r++) {
      double x = start[r];
      if (!Double.isFinite(x)) {
        continue;
      }
      int i = firstNotBefore(sorted, x);
      while (taken[i]) {
        i++; // an earlier replica of the same value took this place
      }
      taken[i] = true;
      double v = ownDrift[r];
      own[i] = Double.isFinite(v) ? v : 0;
    }
    return own;
  }

  /** The first index of ascending {@code sorted} whose value is not before {@code x}. */
  private static int firstNotBefore(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Double.compare(sorted[mid], x) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The diffusion less what own drifts explain: {@code max(D - explainedVariance / 2, D / 20)} cell
   * by cell ({@code Var[dW | w] = 2D + s^2} over one step; a twentieth stays, so noise never
   * vanishes); {@code diffusion} itself when nothing is explained.
   */
  private static double[] lessNoise(double[] diffusion, double explainedVariance) {
    if (!(explainedVariance > 0)) {
      return diffusion;
    }
    double cut = explainedVariance / 2;
    double[] d = new double[diffusion.length];
    for (int c = 0; c < d.length; c++) {
      d[c] = Math.max(diffusion[c] - cut, diffusion[c] / 20);
    }
    return d;
  }

  /** The {@code b}-th moved copy, ascending (a copy). */
  double[] copy(int b) {
    return copies[b].clone();
  }

  /** Number of moved copies (0 without draws or finite replicas). */
  public int draws() {
    return copies.length;
  }

  /**
   * The conditional floor of {@code density} (on {@code g}): its mean W1 to the moved copies,
   * weight units; NaN without copies.
   */
  public double floorOf(Grid1D g, double[] density) {
    if (copies.length == 0) {
      return Double.NaN;
    }
    CellMasses theory = new CellMasses().set(g, density); // its CDF once for all copies
    double sum = 0;
    for (double[] c : copies) {
      sum += Alignment.wasserstein1Ascending(theory, c);
    }
    return sum / copies.length;
  }

  /**
   * The particle forecast: all copies but the last pooled, its floor their W1 to the last (NaN
   * fields with fewer than two copies).
   */
  public ParticleForecast forecast() {
    if (copies.length < 2) {
      return ParticleForecast.NONE;
    }
    double[] pool = copies[0];
    for (int b = 1; b < copies.length - 1; b++) {
      pool = merge(pool, copies[b]); // the copies are ascending: merged, not sorted again
    }
    return ParticleForecast.of(pool, start, copies[copies.length - 1]);
  }

  /** Whether finite {@code p} comes after {@code x} in {@link Double#compare} order. */
  private static boolean after(double p, double x) {
    return p > x // else equal only as 0.0 after -0.0, the one pair of equal finite values apart
        || (p == 0
            && x == 0
            && Double.doubleToRawLongBits(p) == 0
            && Double.doubleToRawLongBits(x) != 0);
  }

  /**
   * The ascending merge of two ascending arrays of finite values ({@link Double#compare} order).
   */
  static double[] merge(double[] a, double[] b) {
    double[] out = new double[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length && j < b.length) {
      out[k++] = after(a[i], b[j]) ? b[j++] : a[i++];
    }
    while (i < a.length) {
      out[k++] = a[i++];
    }
    while (j < b.length) {
      out[k++] = b[j++];
    }
    return out;
  }

  /**
   * A field given at the cell centres of {@code g}, at {@code x}: linear between the centres,
   * constant beyond the outer ones (as {@link #move} reads it); NaN at a non-finite {@code x}.
   */
  static double fieldAt(Grid1D g, double[] field, double x) {
    if (!Double.isFinite(x)) {
      return Double.NaN;
    }
    double c = (x - g.lo()) / g.width() - 0.5;
    int last = g.cells() - 1;
    if (!(c > 0)) {
      return field[0];
    }
    if (c >= last) {
      return field[last];
    }
    int k = (int) c;
    return field[k] + (c - k) * (field[k + 1] - field[k]);
  }

  /**
   * Euler steps for {@code steps} optimiser steps: enough that {@code h |dmu/dw| <= 0.1} everywhere
   * on the grid (the drift changes by at most a tenth of itself over a step's move) and that a
   * step's noise {@code sqrt(2 D h)} spans at most {@value #NOISE_CELLS} cells (where the diffusion
   * can change); at least one, at most {@code steps x maxSubstepsPerStep}.
   */
  public static int substeps(
      Grid1D g, double[] drift, double[] diffusion, double steps, int maxSubstepsPerStep) {
    double rate = 0;
    double dmax = 0;
    for (int c = 0; c < g.cells(); c++) {
      double slope = c > 0 ? Math.abs(drift[c] - drift[c - 1]) / g.width() : 0;
      rate = Double.isFinite(slope) ? Math.max(rate, slope) : rate;
      dmax = Double.isFinite(diffusion[c]) ? Math.max(dmax, diffusion[c]) : dmax;
    }
    double reach = NOISE_CELLS * g.width();
    long most = Math.max(1, (long) Math.ceil(steps * maxSubstepsPerStep));
    // a hair below the products, so that exact multiples (50 x 0.02 / 0.1 = 10) are not rounded up
    long forDrift = (long) Math.ceil(steps * rate / RATE_STEP * (1 - 1e-12));
    long forNoise = (long) Math.ceil(2 * dmax * steps / (reach * reach) * (1 - 1e-12));
    return (int) Math.min(most, Math.max(1, Math.max(forDrift, forNoise)));
  }

  /**
   * Moves {@code w} in place by {@code steps} optimiser steps in {@code substeps} Euler-Maruyama
   * steps of the SDE (non-finite values stay as they are).
   */
  public static void move(
      Grid1D g,
      double[] drift,
      double[] diffusion,
      double[] w,
      double steps,
      int substeps,
      RandomGenerator random) {
    move(g, drift, diffusion, w, null, steps, substeps, random, new double[0]);
  }

  /**
   * {@link #move(Grid1D, double[], double[], double[], double, int, RandomGenerator)} with a
   * scratch array for the normal draws (grown when too short; the grown one is returned for the
   * next call).
   *
   * <p>The same figures bit for bit as a replica-by-replica loop that draws as it goes: the draws
   * are taken first, in that order (replica by replica, each one's Euler steps in turn), and each
   * replica's arithmetic is the same; the Euler steps then run over all replicas at once, so that
   * the replicas' independent chains of lookup, square root and reflection overlap in the CPU
   * instead of each waiting for the last.
   */
  public static double[] move(
      Grid1D g,
      double[] drift,
      double[] diffusion,
      double[] w,
      double steps,
      int substeps,
      RandomGenerator random,
      double[] normals) {
    return move(g, drift, diffusion, w, null, steps, substeps, random, normals);
  }

  /**
   * {@link #move(Grid1D, double[], double[], double[], double, int, RandomGenerator, double[])}
   * with {@code own[i]} added to the drift of {@code w[i]} (none if null).
   */
  private static double[] move(
      Grid1D g,
      double[] drift,
      double[] diffusion,
      double[] w,
      double[] own,
      double steps,
      int substeps,
      RandomGenerator random,
      double[] normals) {
    int finite = 0;
    for (double x : w) {
      finite += Double.isFinite(x) ? 1 : 0;
    }
    int draws = finite * substeps;
    double[] z = normals.length >= draws ? normals : new double[draws];
    for (int k = 0; k < draws; k++) {
      z[k] = random.nextGaussian();
    }
    if (finite < w.length) { // rare: the moves skip the non-finite values, their draws compacted
      double[] moved = compact(w, w, finite);
      double[] movedOwn = own == null ? null : compact(w, own, finite);
      eulerSteps(g, drift, diffusion, moved, movedOwn, steps / substeps, substeps, z);
      for (int i = 0, j = 0; i < w.length; i++) {
        if (Double.isFinite(w[i])) {
          w[i] = moved[j++];
        }
      }
    } else {
      eulerSteps(g, drift, diffusion, w, own, steps / substeps, substeps, z);
    }
    return z;
  }

  /** The values of {@code of} where {@code w} is finite. */
  private static double[] compact(double[] w, double[] of, int finite) {
    double[] out = new double[finite];
    for (int i = 0, j = 0; i < w.length; i++) {
      if (Double.isFinite(w[i])) {
        out[j++] = of[i];
      }
    }
    return out;
  }

  /**
   * {@code substeps} Euler steps of length {@code h} of every (finite) value of {@code w}, each
   * with its own drift {@code own[i]} added (none if null); replica {@code i}'s step {@code s}
   * takes the normal draw {@code z[i * substeps + s]}.
   */
  private static void eulerSteps(
      Grid1D g,
      double[] drift,
      double[] diffusion,
      double[] w,
      double[] own,
      double h,
      int substeps,
      double[] z) {
    double lo = g.lo();
    double hi = g.hi();
    double perWidth = 1 / g.width(); // a multiply per lookup, not a division: asked R x n times
    int last = g.cells() - 1;
    int n = w.length;
    for (int s = 0; s < substeps; s++) {
      for (int i = 0; i < n; i++) {
        double x = w[i];
        double extra = own == null ? 0 : own[i]; // mu + 0.0 is mu: no own drift changes no bit
        // the fields linear between the cell centres, constant beyond the outer ones
        double c = (x - lo) * perWidth - 0.5;
        double mu;
        double d;
        if (!(c > 0)) {
          mu = drift[0];
          d = diffusion[0];
        } else if (c >= last) {
          mu = drift[last];
          d = diffusion[last];
        } else {
          int k = (int) c;
          double f = c - k;
          mu = drift[k] + f * (drift[k + 1] - drift[k]);
          d = diffusion[k] + f * (diffusion[k + 1] - diffusion[k]);
        }
        x += (mu + extra) * h + Math.sqrt(2 * Math.max(0, d) * h) * z[i * substeps + s];
        x = x < lo ? 2 * lo - x : x > hi ? 2 * hi - x : x; // zero flux: reflect at the edges
        w[i] = Math.min(hi, Math.max(lo, x)); // a jump past both edges stays on the grid
      }
    }
  }
}
