package dev.fpk.physics.km;

import dev.fpk.physics.grid.Grid1D;
import java.util.Arrays;

/**
 * Time-local Kramers-Moyal estimation with the memory chosen online, from the data (PHYSICS.md §2):
 * several {@link BinnedKramersMoyal} memories of different half-lives ({@link Memories}) side by
 * side on one grid, each scored on every new step's increments <em>before</em> they enter it, and
 * the best by a discounted running score published.
 *
 * <p><b>Candidates.</b> Memory {@code m} (half-life {@code h_m}, forgetting weights {@code c},
 * {@code u = c dt}) offers its per-bin drift {@code mu_m(w)} and diffusion {@code D_m(w)} exactly
 * as {@link BinnedKramersMoyal} estimates them; with {@link Memories#trend()} it also offers a
 * drift linear in time, per bin the {@code u}-weighted least-squares line of the rate {@code x =
 * dw/dt} on the time {@code s} of the increments (the midpoint of their interval): {@code mu_m(w,
 * s) = xbar + (C_sx / C_ss) (s - sbar)} from the running weighted means and co-moments {@code C_ss
 * = sum u (s - sbar)^2}, {@code C_sx = sum u (s - sbar)(x - xbar)}, with diffusion from the
 * residuals about that line, {@code D = (C_xx - C_sx^2 / C_ss) / (2 (sum c - 2 sum c^2 dt / sum c
 * dt))}. It is read where it will be used: the midpoint of the interval after the last step
 * (assumed as long as the last one), so a moving attractor is not a window behind. Bins with fewer
 * than {@link Memories#minBinCount()} effective increments take the memory's Ornstein-Uhlenbeck
 * fit, as the published estimate's smoothed view does; times are kept relative to the last step
 * (shifted by {@link #decay}), so nothing grows with the run's length.
 *
 * <p><b>Prequential score.</b> The increments fed since the last {@link #decay} are one step's
 * batch. Before they enter any memory, each candidate's fields are evaluated at the batch's time
 * and the batch is scored by a Gaussian log-likelihood (terms common to all candidates dropped) of
 * two statistics: per bin, the scatter {@code S = sum dt (x - xbar_b)^2} of its {@code n}
 * increments about their mean, which depends on {@code D} alone: {@code -((n - 1)/2) ln D - S /
 * (4D)}; and per group of {@value #GROUP_BINS} adjacent bins, the summed drift residual {@code r =
 * sum_b U_b (xbar_b - mu_b)} (variance {@code V = sum_b U_b 2 D_b}): {@code -(1/2) ln V - r^2 /
 * (2V)}. Residuals are summed over a group rather than scored bin by bin because the never-reset
 * density responds to the drift averaged over its own width: bin by bin, each candidate's
 * estimation noise would count in full against it, and a lagging long memory (a bias, which the
 * density accumulates) would beat a short one whose noise the density averages away. For the same
 * reason the expected loss from a candidate's own estimation noise ({@code sum_b U_b^2 se_b^2 /
 * (2V)} for the drift, {@code (n - 1) / (2 n_eff)} per bin for {@code D}) is given back in the
 * share {@code 1 - min(1, n_steps / (2T))} that the density averages away: {@code n_steps = (1 + q)
 * / (1 - q)}, {@code q = 2^(-1/h)}, is the memory's effective number of steps (the correlation time
 * of its errors) and {@code T = 1 / |slope|} the relaxation time of the longest memory's OU fit
 * (nothing is given back while that fit is undefined). A bin is scored only where every candidate
 * has a finite drift and a positive finite diffusion, so all are scored on the same increments.
 * Scores are discounted with half-life {@link Memories#scoreHalfLifeSteps()} ({@code S_c <- 2^(-dt
 * / H) S_c + l_c}), and the candidate with the largest score is chosen (ties: the longest memory,
 * without the time term). Picking one rather than weighting them: with a few hundred increments per
 * step, the likelihood ratios {@code exp(S_c - S_best)} of the others are negligible within a few
 * steps, so Bayesian weights would pick anyway; a pick publishes one memory's estimate, whose
 * standard errors and counts are those of the weights actually used (Kish {@code n_eff = (sum c)^2
 * / sum c^2}), and whose half-life is a number a reader can see ({@link #chosenHalfLifeSteps()}).
 *
 * <p><b>Published estimate</b> ({@link #result()}, {@link #resultInto}): the chosen memory's, as
 * {@link BinnedKramersMoyal} computes it; with the time term, the drift, its standard error {@code
 * sqrt(2D (sum c^2 dt / (sum c dt)^2 + (sum c^2 / sum c) (s - sbar)^2 / C_ss))} (the slope's
 * variance in Kish's approximation, exact without forgetting) and the diffusion are the line's, in
 * bins with enough increments and a spread of times. Units: weight units, optimiser steps, drift
 * per step, {@code D} in {@code dW = mu dt + sqrt(2D) dB}.
 *
 * <p>With one memory and no time term there is nothing to choose: increments go straight into the
 * memory, and every number, the {@link #state()} included, is {@link BinnedKramersMoyal}'s bit for
 * bit. Non-finite input or {@code dt <= 0} is ignored (not counted); without data every field is
 * NaN, as there. {@link #merge} adds memories and scores of estimators on disjoint data (the merged
 * score is the sum of the shards' scores, each computed against its own memories).
 *
 * <p>Thread-safety: not thread-safe; confine to one thread.
 */
public final class PrequentialKramersMoyal
    implements KramersMoyalEstimator<PrequentialKramersMoyal> {
  /** Adjacent bins whose drift residuals are scored together (see the class comment). */
  static final int GROUP_BINS = 8;

  private static final OuAccumulator NO_OU = new OuAccumulator();
  private final Grid1D grid;
  private final Memories memories;
  private final int bins;
  private final double lo;
  private final double invH;
  private final BinnedKramersMoyal[] mem;

  /** Per memory and bin (only with the time term): mean time, C_ss, C_sx. */
  private final double[][] sbar;

  private final double[][] css;
  private final double[][] csx;
  private final double[] scores;
  private int chosen;

  /** The gap of the last batch, steps: the next interval's assumed length. */
  private double lastDt = 1;

  private long count;
  // the batch of increments since the last decay (only when there is a choice)
  private final BinStats batch;
  private final OuAccumulator batchOu = new OuAccumulator();
  private double batchN;
  private double batchDt;
  // scratch of the scoring: per candidate the bin's fields and the step's log-likelihood; per
  // memory its OU fit
  private final double[] mu;
  private final double[] d;
  private final double[] loglik;
  private final double[] residual;
  private final double[] variance;
  private final double[] se2;
  private final double[] neffBin;
  private final double[] noise;
  private final double[] refund;
  private final OuFit[] fits;

  /** Each memory's forgetting factor over one step, then the score's. */
  private final double[] perStep;

  /** Each memory's effective number of steps, (1 + q) / (1 - q), q its factor over one step. */
  private final double[] effectiveSteps;

  private double lineMu;
  private double lineD;
  private double lineLag;

  /** An empty estimator on {@code grid} keeping these memories. */
  public PrequentialKramersMoyal(Grid1D grid, Memories memories) {
    this(grid, memories, fresh(grid, memories));
  }

  private PrequentialKramersMoyal(Grid1D grid, Memories memories, BinnedKramersMoyal[] mem) {
    this.grid = grid;
    this.memories = memories;
    this.bins = grid.cells();
    this.lo = grid.lo();
    this.invH = 1.0 / grid.width();
    this.mem = mem;
    int m = memories.count();
    int trendRows = memories.trend() ? m : 0;
    sbar = new double[trendRows][bins];
    css = new double[trendRows][bins];
    csx = new double[trendRows][bins];
    int nc = memories.candidates();
    scores = new double[nc];
    batch = memories.adaptive() ? new BinStats(bins) : null;
    mu = new double[nc];
    d = new double[nc];
    loglik = new double[nc];
    residual = new double[nc];
    variance = new double[nc];
    se2 = new double[nc];
    neffBin = new double[nc];
    noise = new double[nc];
    refund = new double[nc];
    fits = new OuFit[m];
    perStep = new double[m + 1];
    effectiveSteps = new double[m];
    for (int i = 0; i < m; i++) {
      perStep[i] = Forgetting.factor(memories.halfLifeSteps(i), 1);
      effectiveSteps[i] = (1 + perStep[i]) / (1 - perStep[i]);
    }
    perStep[m] = Forgetting.factor(memories.scoreHalfLifeSteps(), 1);
  }

  private static BinnedKramersMoyal[] fresh(Grid1D grid, Memories memories) {
    BinnedKramersMoyal[] out = new BinnedKramersMoyal[memories.count()];
    for (int m = 0; m < out.length; m++) {
      out[m] = new BinnedKramersMoyal(grid, memories.halfLifeSteps(m));
    }
    return out;
  }

  @Override
  public Grid1D grid() {
    return grid;
  }

  /** The memories kept. */
  public Memories memories() {
    return memories;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public void increment(double w, double dw, double dt) {
    if (batch == null) {
      long before = mem[0].count();
      mem[0].increment(w, dw, dt);
      count += mem[0].count() - before;
      return;
    }
    if (!KramersMoyalEstimator.usable(w, dw, dt)) {
      return;
    }
    double s = (w - lo) * invH;
    int b = s >= 0 ? (s < bins ? (int) s : bins - 1) : 0;
    double x = dt == 1 ? dw : dw / dt;
    batch.add(b, x, dt, 1.0);
    batchOu.add(w, x, dt);
    batchN++;
    batchDt += dt;
    count++;
  }

  /**
   * Time moves on by {@code steps}: the increments fed since the last call are scored and enter
   * every memory, then every memory forgets ({@code 2^(-steps / h_m)}), the scores are discounted
   * and the times shift. Call it once per snapshot, before the increments that end at it.
   */
  @Override
  public void decay(double steps) {
    fold();
    if (batch == null) {
      mem[0].decay(steps);
      return;
    }
    for (int m = 0; m < mem.length; m++) {
      // the usual gap of one step: the factor computed once (a pow per memory and step saved)
      double f = steps == 1 ? perStep[m] : Forgetting.factor(memories.halfLifeSteps(m), steps);
      if (f != 1) {
        mem[m].stats.scale(f);
        mem[m].ou.scale(f);
      }
      if (memories.trend()) {
        double[] ss = css[m];
        double[] sx = csx[m];
        double[] sb = sbar[m];
        for (int b = 0; b < bins; b++) {
          ss[b] *= f;
          sx[b] *= f;
          sb[b] -= steps;
        }
      }
    }
    double f =
        steps == 1 ? perStep[mem.length] : Forgetting.factor(memories.scoreHalfLifeSteps(), steps);
    for (int c = 0; c < scores.length; c++) {
      scores[c] *= f;
    }
  }

  /** Scores the pending batch against every candidate, then adds it to every memory and chooses. */
  private void fold() {
    if (batch == null || batchN == 0) {
      return;
    }
    double dt = batchDt / batchN;
    double s = -0.5 * dt; // the batch's time: the midpoint of its interval, before the last step
    score(s);
    for (int m = 0; m < mem.length; m++) {
      if (memories.trend()) {
        addTimes(m, batch.st, null, null, null, s);
      }
      mem[m].stats.merge(batch, 0, 0, bins);
      mem[m].ou.merge(batchOu);
    }
    lastDt = dt;
    Arrays.fill(batch.st, 0);
    batchOu.copyFrom(NO_OU);
    batchN = 0;
    batchDt = 0;
    choose();
  }

  /** Adds the batch's log-likelihood under each candidate, evaluated at time s, to its score. */
  private void score(double s) {
    for (int m = 0; m < mem.length; m++) {
      fits[m] = mem[m].ou.fit();
    }
    refunds();
    Arrays.fill(loglik, 0);
    double[] q = batch.st;
    for (int g = 0; g < bins; g += GROUP_BINS) {
      Arrays.fill(residual, 0);
      Arrays.fill(variance, 0);
      Arrays.fill(noise, 0);
      boolean any = false;
      for (int b = g; b < Math.min(bins, g + GROUP_BINS); b++) {
        int o = b * BinStats.S;
        double ub = q[o + BinStats.U];
        if (ub == 0 || !fields(b, s, grid.centre(b))) {
          continue;
        }
        any = true;
        double within =
            q[o + BinStats.C] - 1; // the increments' scatter about their bin mean: D alone
        double sb = Math.max(0, q[o + BinStats.M2]);
        double xb = q[o + BinStats.M];
        double logD = Double.NaN;
        for (int c = 0; c < loglik.length; c++) {
          if (within > 0) { // one increment has no scatter about its own mean
            // a memory's line without a diffusion of its own shares the memory's: one log fewer
            logD = c > 0 && d[c] == d[c - 1] ? logD : Math.log(d[c]);
            loglik[c] += -0.5 * within * logD - sb / (4 * d[c]);
            if (neffBin[c] > 0) {
              loglik[c] += refund[c] * within / (2 * neffBin[c]);
            }
          }
          residual[c] += ub * (xb - mu[c]);
          variance[c] += ub * 2 * d[c];
          noise[c] += ub * ub * se2[c];
        }
      }
      if (any) {
        for (int c = 0; c < loglik.length; c++) {
          double v = variance[c];
          loglik[c] +=
              -0.5 * Math.log(v) - (residual[c] * residual[c] - refund[c] * noise[c]) / (2 * v);
        }
      }
    }
    for (int c = 0; c < scores.length; c++) {
      scores[c] += loglik[c];
    }
  }

  /**
   * The share of each candidate's expected estimation-noise loss given back ({@link #refund}):
   * {@code 1 - min(1, n_steps / (2 T))}, with {@code n_steps = (1 + q) / (1 - q)}, {@code q =
   * 2^(-1/h)}, the memory's effective number of steps (its errors' correlation time) and {@code T =
   * 1 / |slope|} the relaxation time of the longest memory's OU fit; none while that fit is
   * undefined.
   */
  private void refunds() {
    double slope = fits[0].slope();
    double relax = Double.isFinite(slope) && slope != 0 ? 1 / Math.abs(slope) : Double.NaN;
    int per = memories.trend() ? 2 : 1;
    for (int m = 0; m < mem.length; m++) {
      double share = relax > 0 ? 1 - Math.min(1, effectiveSteps[m] / (2 * relax)) : 0;
      for (int k = m * per; k < (m + 1) * per; k++) {
        refund[k] = share;
      }
    }
  }

  /**
   * Every candidate's drift and diffusion in bin b at time s into {@link #mu} and {@link #d}, the
   * low-count bins from the memory's OU fit; false unless all are finite with {@code D > 0}.
   */
  private boolean fields(int b, double s, double centre) {
    int o = b * BinStats.S;
    int per = memories.trend() ? 2 : 1;
    for (int m = 0; m < mem.length; m++) {
      double[] st = mem[m].stats.st;
      double c = st[o + BinStats.C];
      double u = st[o + BinStats.U];
      double neff = c > 0 ? c * c / st[o + BinStats.C2] : 0;
      boolean enough = u > 0 && neff >= memories.minBinCount();
      double m2 = Math.max(0, st[o + BinStats.M2]);
      double v2u = enough ? st[o + BinStats.V2] / u : 0;
      double dof = enough ? c - v2u : 0;
      double level = enough ? st[o + BinStats.M] : fits[m].driftAt(centre);
      double dl = dof > 0 ? m2 / (2 * dof) : fits[m].diffusion();
      int k = m * per;
      mu[k] = level;
      d[k] = dl;
      if (!(Double.isFinite(level) && dl > 0 && dl < Double.POSITIVE_INFINITY)) {
        return false;
      }
      double v2 = enough ? v2u / u : 0;
      se2[k] = 2 * dl * v2;
      neffBin[k] = dof > 0 ? neff : 0;
      if (per == 2) {
        boolean line = enough && lineAt(m, b, s, c - 2 * v2u);
        mu[k + 1] = line ? lineMu : level;
        d[k + 1] = line ? lineD : dl;
        neffBin[k + 1] = neffBin[k];
        se2[k + 1] =
            line
                ? 2 * lineD * (v2 + lineLag * lineLag * st[o + BinStats.C2] / (c * css[m][b]))
                : se2[k];
      }
    }
    return true;
  }

  /**
   * Chan's update of memory m's time means and co-moments per bin with another sample set, before
   * its weights enter the memory's bin sums: weights and rate means from the bin sums {@code src}
   * (a {@link BinStats} array), time means {@code sb} and co-moments {@code ssb, sxb} per bin, or
   * (when {@code sb} is null) all at time {@code s} (one step's batch: no spread in time).
   */
  private void addTimes(int m, double[] src, double[] sb, double[] ssb, double[] sxb, double s) {
    double[] st = mem[m].stats.st;
    double[] mt = sbar[m];
    double[] ss = css[m];
    double[] sx = csx[m];
    for (int b = 0; b < bins; b++) {
      int o = b * BinStats.S;
      double w2 = src[o + BinStats.U];
      if (w2 == 0) {
        continue;
      }
      double s2 = sb == null ? s : sb[b];
      double ss2 = sb == null ? 0 : ssb[b];
      double sx2 = sb == null ? 0 : sxb[b];
      double w1 = st[o + BinStats.U];
      if (w1 == 0) {
        mt[b] = s2;
        ss[b] = ss2;
        sx[b] = sx2;
        continue;
      }
      double w = w1 + w2;
      double ds = s2 - mt[b];
      double dx = src[o + BinStats.M] - st[o + BinStats.M];
      double k = w1 * w2 / w;
      ss[b] += ss2 + ds * ds * k;
      sx[b] += sx2 + ds * dx * k;
      mt[b] += ds * w2 / w;
    }
  }

  private void choose() {
    int best = 0;
    for (int c = 1; c < scores.length; c++) {
      if (scores[c] > scores[best]) {
        best = c;
      }
    }
    chosen = best;
  }

  /** Index of the chosen memory (longest first, as {@link Memories#halfLifeSteps(int)}). */
  private int chosenMemory() {
    return memories.trend() ? chosen / 2 : chosen;
  }

  /** Half-life of the memory the published estimate comes from, optimiser steps. */
  public double chosenHalfLifeSteps() {
    fold();
    return memories.halfLifeSteps(chosenMemory());
  }

  /** Whether the published drift is the chosen memory's line in time (rather than its mean). */
  public boolean trendChosen() {
    fold();
    return memories.trend() && chosen % 2 == 1;
  }

  /**
   * The discounted scores (log-likelihood units), one per candidate: memory 0 (the longest), memory
   * 0 with the time term if any, memory 1, ... A copy.
   */
  public double[] scores() {
    fold();
    return scores.clone();
  }

  @Override
  public KramersMoyalEstimate result() {
    KramersMoyalBins out = new KramersMoyalBins();
    resultInto(out);
    return out.toEstimate();
  }

  /** Writes the published estimate into {@code out} (the same numbers as {@link #result()}). */
  public void resultInto(KramersMoyalBins out) {
    fold();
    int m = chosenMemory();
    mem[m].resultInto(out);
    if (trendChosen()) {
      lineInto(m, 0.5 * lastDt, out);
    }
  }

  /**
   * Replaces drift, its error and diffusion by memory m's line in time at s where it is defined.
   */
  private void lineInto(int m, double s, KramersMoyalBins out) {
    double[] st = mem[m].stats.st;
    for (int b = 0; b < bins; b++) {
      if (lineAt(m, b, s)) {
        int o = b * BinStats.S;
        double c = st[o + BinStats.C];
        double u = st[o + BinStats.U];
        double lag = s - sbar[m][b];
        out.drift[b] = lineMu;
        out.diffusion[b] = lineD;
        out.driftStdErr[b] =
            Math.sqrt(
                2
                    * lineD
                    * (st[o + BinStats.V2] / (u * u)
                        + (st[o + BinStats.C2] / c) * lag * lag / css[m][b]));
      }
    }
  }

  /**
   * Memory m's line in time in bin b, read at time s, into {@link #lineMu} and {@link #lineD};
   * false (and nothing written) where it is not defined: too few effective increments, no spread in
   * time, fewer than two degrees of freedom, or no residual scatter.
   */
  private boolean lineAt(int m, int b, double s) {
    double[] st = mem[m].stats.st;
    int o = b * BinStats.S;
    double c = st[o + BinStats.C];
    double u = st[o + BinStats.U];
    return u > 0
        && c * c / st[o + BinStats.C2] >= memories.minBinCount()
        && lineAt(m, b, s, c - 2 * st[o + BinStats.V2] / u);
  }

  /**
   * {@link #lineAt(int, int, double)} in a bin known to have enough increments, {@code dof} its
   * degrees of freedom.
   */
  private boolean lineAt(int m, int b, double s, double dof) {
    double ss = css[m][b];
    if (!(ss > 0)) {
      return false;
    }
    double[] st = mem[m].stats.st;
    int o = b * BinStats.S;
    double sx = csx[m][b];
    double line =
        dof > 0 ? Math.max(0, Math.max(0, st[o + BinStats.M2]) - sx * sx / ss) / (2 * dof) : 0;
    if (!(line > 0)) {
      return false;
    }
    lineLag = s - sbar[m][b];
    lineMu = st[o + BinStats.M] + sx / ss * lineLag;
    lineD = line;
    return true;
  }

  @Override
  public PrequentialKramersMoyal copy() {
    fold();
    BinnedKramersMoyal[] m = new BinnedKramersMoyal[mem.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = mem[i].copy();
    }
    PrequentialKramersMoyal c = new PrequentialKramersMoyal(grid, memories, m);
    c.copyScalarsFrom(this, 0);
    return c;
  }

  /**
   * Scores, choice, gap, count and the time sums (shifted right by {@code offset} bins) of {@code
   * o}.
   */
  private void copyScalarsFrom(PrequentialKramersMoyal o, int offset) {
    System.arraycopy(o.scores, 0, scores, 0, scores.length);
    chosen = o.chosen;
    lastDt = o.lastDt;
    count = o.count;
    for (int m = 0; m < sbar.length; m++) {
      System.arraycopy(o.sbar[m], 0, sbar[m], offset, o.bins);
      System.arraycopy(o.css[m], 0, css[m], offset, o.bins);
      System.arraycopy(o.csx[m], 0, csx[m], offset, o.bins);
    }
  }

  /**
   * Adds another estimator's memories (same grid and memories; decay both to the same time first)
   * and scores into this one.
   *
   * @throws IllegalArgumentException if grids or memories differ
   */
  @Override
  public void merge(PrequentialKramersMoyal other) {
    if (!memories.equals(other.memories)) {
      throw new IllegalArgumentException("cannot merge " + other.memories + " into " + memories);
    }
    fold();
    other.fold();
    for (int m = 0; m < mem.length; m++) {
      if (memories.trend()) {
        addTimes(m, other.mem[m].stats.st, other.sbar[m], other.css[m], other.csx[m], 0);
      }
      mem[m].merge(other.mem[m]);
    }
    for (int c = 0; c < scores.length; c++) {
      scores[c] += other.scores[c];
    }
    count += other.count;
    if (batch != null) {
      choose();
    }
  }

  /**
   * This estimator moved onto {@code wider}, a grid that extends this one by whole cells of the
   * same width; bins keep their statistics, new bins are empty; scores and choice are kept.
   *
   * @throws IllegalArgumentException if {@code wider} is not such an extension
   */
  public PrequentialKramersMoyal regridded(Grid1D wider) {
    fold();
    int k = BinnedKramersMoyal.offsetIn(grid, wider);
    BinnedKramersMoyal[] m = new BinnedKramersMoyal[mem.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = mem[i].regridded(wider);
    }
    PrequentialKramersMoyal r = new PrequentialKramersMoyal(wider, memories, m);
    r.copyScalarsFrom(this, k);
    return r;
  }

  /**
   * The complete running state as one array: each memory's {@link BinnedKramersMoyal#state()}, then
   * (with the time term) its time means and co-moments per bin, then (with a choice) the scores,
   * the last gap and the chosen candidate. With {@link #grid()}, {@link #memories()} and {@link
   * #count()} it restores this estimator bit for bit through {@link #restore}. With one memory and
   * no time term it is that memory's state alone.
   */
  public double[] state() {
    double[] s = new double[stateLength()];
    stateInto(s);
    return s;
  }

  /** The length of {@link #state()}. */
  public int stateLength() {
    return stateLength(mem[0].stateLength());
  }

  /**
   * {@link #state()} into the first {@link #stateLength()} places of {@code s} (a checkpoint of
   * many entries reuses one array).
   */
  public void stateInto(double[] s) {
    fold();
    int per = mem[0].stateLength();
    int o = 0;
    for (int m = 0; m < mem.length; m++) {
      mem[m].stateInto(s, o);
      o += per;
      if (memories.trend()) {
        System.arraycopy(sbar[m], 0, s, o, bins);
        System.arraycopy(css[m], 0, s, o + bins, bins);
        System.arraycopy(csx[m], 0, s, o + 2 * bins, bins);
        o += 3 * bins;
      }
    }
    if (batch != null) {
      System.arraycopy(scores, 0, s, o, scores.length);
      o += scores.length;
      s[o] = lastDt;
      s[o + 1] = chosen;
    }
  }

  private int stateLength(int perMemory) {
    int trend = memories.trend() ? 3 * bins : 0;
    return mem.length * (perMemory + trend) + (batch != null ? scores.length + 2 : 0);
  }

  /**
   * The estimator whose {@link #state()} was {@code state}.
   *
   * @throws IllegalArgumentException if the state does not fit the grid and memories
   */
  public static PrequentialKramersMoyal restore(
      Grid1D grid, Memories memories, long count, double[] state) {
    PrequentialKramersMoyal e = new PrequentialKramersMoyal(grid, memories);
    int per = e.mem[0].stateLength();
    if (state.length != e.stateLength(per)) {
      throw new IllegalArgumentException(
          "state of " + state.length + " values does not fit " + grid + " and " + memories);
    }
    int o = 0;
    for (int m = 0; m < e.mem.length; m++) {
      e.mem[m] =
          BinnedKramersMoyal.restore(
              grid, memories.halfLifeSteps(m), count, Arrays.copyOfRange(state, o, o + per));
      o += per;
      if (memories.trend()) {
        System.arraycopy(state, o, e.sbar[m], 0, e.bins);
        System.arraycopy(state, o + e.bins, e.css[m], 0, e.bins);
        System.arraycopy(state, o + 2 * e.bins, e.csx[m], 0, e.bins);
        o += 3 * e.bins;
      }
    }
    if (e.batch != null) {
      System.arraycopy(state, o, e.scores, 0, e.scores.length);
      o += e.scores.length;
      e.lastDt = state[o];
      e.chosen = (int) state[o + 1];
    }
    e.count = count;
    return e;
  }
}
