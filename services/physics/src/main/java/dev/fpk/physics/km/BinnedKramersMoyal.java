package dev.fpk.physics.km;

import dev.fpk.physics.grid.Grid1D;

/**
 * Streaming Kramers-Moyal estimator conditioned by bins of a {@link Grid1D}.
 *
 * <p>Each increment {@code dw = W(t + dt) - W(t)} observed over {@code dt > 0} optimiser steps from
 * weight {@code w = W(t)} goes to bin {@code grid.indexOf(w)} (weights outside the grid are clamped
 * to the end bins). With the rate {@code x = dw / dt}, the forgetting weight {@code c} of the
 * increment (1 when it arrives, multiplied by {@code 2^(-s / halfLife)} by {@link #decay(double)
 * decay(s)}) and {@code u = c dt}, each bin estimates, for the model {@code dW = mu dt + sqrt(2D)
 * dB}:
 *
 * <ul>
 *   <li><b>drift</b> {@code mu = sum u x / sum u = sum c dw / sum c dt} (weight units per step),
 *       the {@code dt}-weighted mean of {@code dw/dt}: with variable gaps each rate counts by the
 *       precision {@code dt / 2D} it carries;
 *   <li><b>diffusion</b> from the residuals {@code z = (dw - mu dt) / sqrt(dt)}, which have
 *       variance {@code 2D} whatever {@code dt} is: {@code D = sum c z^2 / (2 (sum c - sum c^2 dt /
 *       sum c dt))}. This is the conditional variance, not the raw second moment (no {@code mu^2
 *       dt} bias), and the denominator makes it unbiased for any gaps and weights ({@code n - 1}
 *       for equal ones);
 *   <li>standard errors: {@code se(mu) = sqrt(2D sum c^2 dt) / sum c dt}, {@code se(D) = sqrt((m4 -
 *       m2^2) / n_eff) / 2} with {@code m2, m4} the weighted moments of {@code z} (so heavy tails
 *       widen it); effective count {@code n_eff = (sum c)^2 / sum c^2};
 *   <li>fourth coefficient {@code D4 = kappa4(dw) / (4! dt)} from the fourth <em>cumulant</em>
 *       {@code m4 - 3 m2^2} of {@code z} times {@code dt^2}, with {@code dt = sum c dt / sum c};
 *       the Pawula ratio {@code D4 / (D^2 dt)} is then the excess kurtosis of {@code z} over 6: 0
 *       for a diffusion at any {@code dt} (the raw moment would give 1/2 from Gaussian increments
 *       alone);
 *   <li>the {@link OuFit}: weighted least squares of {@code x} on {@code w} with weights {@code u}
 *       through <em>all</em> increments (not bin means), from running co-moments.
 * </ul>
 *
 * <p>All sums are Welford-style: weighted means and central moments {@code sum u (x - m)^k}, {@code
 * k = 2, 3, 4}, updated and merged by the formulas of Chan et al. and Pebay (2008), so there is no
 * cancellation, {@link #merge} of estimators built on disjoint data gives the single-pass result up
 * to round-off, and {@link #decay} is a scaling. The fourth moment of {@code z} is estimated as
 * {@code sum u (x - m)^4 / sum (c / dt)}, consistent for any mix of gaps. Non-finite input, or
 * {@code dt <= 0}, is ignored (not counted). Empty bins report NaN; an estimator with no data
 * reports NaN everywhere, including the OU fit.
 *
 * <p>At a finite gap the estimator measures the discrete-time process: for an exact OU stream with
 * rate {@code k} it converges to slope {@code (e^{-k dt} - 1) / dt} and diffusion {@code D (1 -
 * e^{-2k dt}) / (2k dt)}, which differ from {@code -k} and {@code D} at order {@code k dt}.
 *
 * <p>Thread-safety: not thread-safe; confine to one thread (or shard and {@link #merge}).
 */
public final class BinnedKramersMoyal implements KramersMoyalEstimator<BinnedKramersMoyal> {
  private final Grid1D grid;
  private final double halfLife;
  private final double lo;
  private final double invH;
  private final int bins;
  final BinStats stats;
  final OuAccumulator ou = new OuAccumulator();
  private long count;

  /**
   * An empty estimator.
   *
   * @param grid the bins
   * @param halfLifeSteps half-life of the exponential forgetting in optimiser steps, applied by
   *     {@link #decay}; {@code Double.POSITIVE_INFINITY} = never forget
   * @throws IllegalArgumentException if the half-life is not positive
   */
  public BinnedKramersMoyal(Grid1D grid, double halfLifeSteps) {
    this(grid, halfLifeSteps, new BinStats(grid.cells()));
  }

  private BinnedKramersMoyal(Grid1D grid, double halfLifeSteps, BinStats stats) {
    if (!(halfLifeSteps > 0)) {
      throw new IllegalArgumentException("need halfLifeSteps > 0, got " + halfLifeSteps);
    }
    this.grid = grid;
    this.halfLife = halfLifeSteps;
    this.lo = grid.lo();
    this.invH = 1.0 / grid.width();
    this.bins = grid.cells();
    this.stats = stats;
  }

  @Override
  public Grid1D grid() {
    return grid;
  }

  /** Half-life of the forgetting in steps. */
  public double halfLifeSteps() {
    return halfLife;
  }

  @Override
  public long count() {
    return count;
  }

  /**
   * Adds one increment.
   *
   * @param w weight at the start of the increment
   * @param dw increment {@code W(t + dt) - W(t)}
   * @param dt gap in optimiser steps ({@code > 0})
   */
  @Override
  public void increment(double w, double dw, double dt) {
    if (!KramersMoyalEstimator.usable(w, dw, dt)) {
      return;
    }
    double s = (w - lo) * invH;
    int b = s >= 0 ? (s < bins ? (int) s : bins - 1) : 0;
    // dw / 1 is dw exactly: at the usual gap of one step that is one division (of eight) fewer
    double x = dt == 1 ? dw : dw / dt;
    stats.add(b, x, dt, 1.0);
    ou.add(w, x, dt);
    count++;
  }

  /**
   * Forgets: multiplies the weight of everything seen so far by {@code 2^(-steps / halfLife)}. Call
   * it with the number of steps that passed (e.g. once per snapshot). No effect with an infinite
   * half-life.
   */
  @Override
  public void decay(double steps) {
    double f = Forgetting.factor(halfLife, steps);
    if (f != 1) {
      stats.scale(f);
      ou.scale(f);
    }
  }

  @Override
  public BinnedKramersMoyal copy() {
    BinnedKramersMoyal c = new BinnedKramersMoyal(grid, halfLife, stats.copy());
    c.ou.copyFrom(ou);
    c.count = count;
    return c;
  }

  /**
   * Adds the statistics of {@code other} (same grid) into this one, as if its increments had been
   * fed here: estimators built on disjoint parts of the data merge into the single-pass result (up
   * to round-off). Forgetting weights are taken as they are, so decay both to the same time first.
   *
   * @throws IllegalArgumentException if the grids differ
   */
  @Override
  public void merge(BinnedKramersMoyal other) {
    if (!grid.equals(other.grid)) {
      throw new IllegalArgumentException("cannot merge " + other.grid + " into " + grid);
    }
    stats.merge(other.stats, 0, 0, bins);
    ou.merge(other.ou);
    count += other.count;
  }

  /**
   * This estimator moved onto {@code wider}, a grid that extends this one by whole cells of the
   * same width (as from {@link Grid1D#extendedToCover}); bins keep their statistics, new bins are
   * empty.
   *
   * @throws IllegalArgumentException if {@code wider} is not such an extension
   */
  public BinnedKramersMoyal regridded(Grid1D wider) {
    int k = offsetIn(grid, wider);
    BinnedKramersMoyal r = new BinnedKramersMoyal(wider, halfLife);
    r.stats.merge(stats, 0, k, bins);
    r.ou.copyFrom(ou);
    r.count = count;
    return r;
  }

  /**
   * How many whole cells {@code wider} extends {@code grid} by on the left.
   *
   * @throws IllegalArgumentException if {@code wider} does not extend {@code grid} by whole cells
   *     of its width
   */
  static int offsetIn(Grid1D grid, Grid1D wider) {
    double h = grid.width();
    double off = (grid.lo() - wider.lo()) / h;
    long k = Math.round(off);
    if (Math.abs(wider.width() - h) > 1e-9 * h
        || Math.abs(off - k) > 1e-9 * Math.max(1, Math.abs(off))
        || k < 0
        || k + grid.cells() > wider.cells()) {
      throw new IllegalArgumentException(wider + " does not extend " + grid + " by whole cells");
    }
    return (int) k;
  }

  /**
   * The complete running state as one array (the per-bin sums, then the OU accumulator): with
   * {@link #grid()}, {@link #halfLifeSteps()} and {@link #count()} it restores this estimator bit
   * for bit through {@link #restore}, e.g. from a checkpoint. A copy; layout internal to this
   * class.
   */
  public double[] state() {
    double[] s = new double[stateLength()];
    stateInto(s, 0);
    return s;
  }

  /** The length of {@link #state()}. */
  int stateLength() {
    return stats.st.length + 10;
  }

  /** {@link #state()} into {@code out} from {@code offset} (no copy of its own). */
  void stateInto(double[] out, int offset) {
    System.arraycopy(stats.st, 0, out, offset, stats.st.length);
    int o = offset + stats.st.length;
    out[o] = ou.c;
    out[o + 1] = ou.c2;
    out[o + 2] = ou.u;
    out[o + 3] = ou.v2;
    out[o + 4] = ou.mw;
    out[o + 5] = ou.mx;
    out[o + 6] = ou.cww;
    out[o + 7] = ou.cwx;
    out[o + 8] = ou.cxx;
    out[o + 9] = ou.rss;
  }

  /**
   * The estimator whose {@link #state()} was {@code state}, on the same grid, half-life and count.
   *
   * @throws IllegalArgumentException if the state does not fit the grid
   */
  public static BinnedKramersMoyal restore(
      Grid1D grid, double halfLifeSteps, long count, double[] state) {
    BinnedKramersMoyal km = new BinnedKramersMoyal(grid, halfLifeSteps);
    int n = km.stats.st.length;
    if (state.length != n + 10) {
      throw new IllegalArgumentException(
          "state of " + state.length + " values does not fit " + grid);
    }
    System.arraycopy(state, 0, km.stats.st, 0, n);
    OuAccumulator a = km.ou;
    a.c = state[n];
    a.c2 = state[n + 1];
    a.u = state[n + 2];
    a.v2 = state[n + 3];
    a.mw = state[n + 4];
    a.mx = state[n + 5];
    a.cww = state[n + 6];
    a.cwx = state[n + 7];
    a.cxx = state[n + 8];
    a.rss = state[n + 9];
    km.count = count;
    return km;
  }

  /** The current estimate (a snapshot; later increments do not change it). */
  @Override
  public KramersMoyalEstimate result() {
    return stats.result(grid, ou.fit());
  }

  /**
   * Writes the current estimate into {@code out}, the same numbers as {@link #result()} without
   * allocating arrays for them (for callers that read many estimators every step).
   */
  public void resultInto(KramersMoyalBins out) {
    stats.fill(grid, ou.fit(), out);
  }
}
