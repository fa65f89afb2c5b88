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
 *   <li><b>drift</b> {@code mu = sum u x / sum u = sum c dw / sum c dt} (weight units per step), the
 *       {@code dt}-weighted mean of {@code dw/dt}: with variable gaps each rate counts by the
 *       precision {@code dt / 2D} it carries;
 *   <li><b>diffusion</b> from the residuals {@code z = (dw - mu dt) / sqrt(dt)}, which have variance
 *       {@code 2D} whatever {@code dt} is: {@code D = sum c z^2 / (2 (sum c - sum c^2 dt / sum c dt))}.
 *       This is the conditional variance, not the raw second moment (no {@code mu^2 dt} bias), and
 *       the denominator makes it unbiased for any gaps and weights ({@code n - 1} for equal ones);
 *   <li>standard errors: {@code se(mu) = sqrt(2D sum c^2 dt) / sum c dt}, {@code se(D) = sqrt((m4 -
 *       m2^2) / n_eff) / 2} with {@code m2, m4} the weighted moments of {@code z} (so heavy tails
 *       widen it); effective count {@code n_eff = (sum c)^2 / sum c^2};
 *   <li>fourth coefficient {@code D4 = kappa4(dw) / (4! dt)} from the fourth <em>cumulant</em>
 *       {@code m4 - 3 m2^2} of {@code z} times {@code dt^2}, with {@code dt = sum c dt / sum c}; the
 *       Pawula ratio {@code D4 / (D^2 dt)} is then the excess kurtosis of {@code z} over 6: 0 for a
 *       diffusion at any {@code dt} (the raw moment would give 1/2 from Gaussian increments alone);
 *   <li>the {@link OuFit}: weighted least squares of {@code x} on {@code w} with weights {@code u}
 *       through <em>all</em> increments (not bin means), from running co-moments.
 * </ul>
 *
 * <p>All sums are Welford-style: weighted means and central moments {@code sum u (x - m)^k}, {@code k
 * = 2, 3, 4}, updated and merged by the formulas of Chan et al. and Pebay (2008), so there is no
 * cancellation, {@link #merge} of estimators built on disjoint data gives the single-pass result up
 * to round-off, and {@link #decay} is a scaling. The fourth moment of {@code z} is estimated as
 * {@code sum u (x - m)^4 / sum (c / dt)}, consistent for any mix of gaps.
 * Non-finite input, or {@code dt <= 0}, is ignored (not counted). Empty bins report NaN; an
 * estimator with no data reports NaN everywhere, including the OU fit.
 *
 * <p>At a finite gap the estimator measures the discrete-time process: for an exact OU stream with
 * rate {@code k} it converges to slope {@code (e^{-k dt} - 1) / dt} and diffusion {@code D (1 -
 * e^{-2k dt}) / (2k dt)}, which differ from {@code -k} and {@code D} at order {@code k dt}.
 *
 * <p>Thread-safety: not thread-safe; confine to one thread (or shard and {@link #merge}).
 */
public final class BinnedKramersMoyal {
  // per-bin layout, stride S
  private static final int C = 0; // sum c
  private static final int C2 = 1; // sum c^2
  private static final int U = 2; // sum c dt
  private static final int V2 = 3; // sum c^2 dt
  private static final int IDT = 4; // sum c / dt
  private static final int M = 5; // weighted mean of x (weights u = c dt)
  private static final int M2 = 6; // sum u (x - m)^2
  private static final int M3 = 7; // sum u (x - m)^3
  private static final int M4 = 8; // sum u (x - m)^4
  private static final int S = 9;

  private final Grid1D grid;
  private final double halfLife;
  private final double lo;
  private final double invH;
  private final int bins;
  private final double[] st;
  private final OuAccumulator ou = new OuAccumulator();
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
    if (!(halfLifeSteps > 0)) {
      throw new IllegalArgumentException("need halfLifeSteps > 0, got " + halfLifeSteps);
    }
    this.grid = grid;
    this.halfLife = halfLifeSteps;
    this.lo = grid.lo();
    this.invH = 1.0 / grid.width();
    this.bins = grid.cells();
    this.st = new double[bins * S];
  }

  /** The bins. */
  public Grid1D grid() {
    return grid;
  }

  /** Half-life of the forgetting in steps. */
  public double halfLifeSteps() {
    return halfLife;
  }

  /** Number of increments accepted so far (not decayed). */
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
  public void increment(double w, double dw, double dt) {
    if (!(dt > 0) || !Double.isFinite(w) || !Double.isFinite(dw) || dt == Double.POSITIVE_INFINITY) {
      return;
    }
    double s = (w - lo) * invH;
    int b = s >= 0 ? (s < bins ? (int) s : bins - 1) : 0;
    double x = dw / dt;
    addToBin(b * S, x, dt);
    ou.add(w, x, dt);
    count++;
  }

  /**
   * Adds the increments {@code after[i] - before[i]} from {@code before[i]} over {@code dt} steps for
   * every {@code i}: one snapshot pair of an ensemble (replicas of one entry) or of a pooled matrix
   * (its entries as samples of one scalar weight).
   */
  public void incrementAll(double[] before, double[] after, double dt) {
    if (before.length != after.length) {
      throw new IllegalArgumentException("before and after differ in length");
    }
    for (int i = 0; i < before.length; i++) {
      increment(before[i], after[i] - before[i], dt);
    }
  }

  /** Pebay's update of weighted central moments by one sample of weight u = dt (c = 1). */
  private void addToBin(int o, double x, double dt) {
    double[] a = st;
    a[o + C] += 1;
    a[o + C2] += 1;
    a[o + V2] += dt;
    a[o + IDT] += 1 / dt;
    double wa = a[o + U];
    double wn = wa + dt;
    a[o + U] = wn;
    double d = x - a[o + M];
    double dn = d * (dt / wn); // delta * u / W
    a[o + M] += dn;
    double m2 = a[o + M2];
    double m3 = a[o + M3];
    double t = d * dn * wa; // delta^2 wa u / W
    a[o + M4] += t * dn * dn * (wa * wa - wa * dt + dt * dt) / (dt * dt) + 6 * dn * dn * m2 - 4 * dn * m3;
    a[o + M3] += t * dn * (wa - dt) / dt - 3 * dn * m2;
    a[o + M2] = m2 + t;
  }

  /**
   * Forgets: multiplies the weight of everything seen so far by {@code 2^(-steps / halfLife)}. Call
   * it with the number of steps that passed (e.g. once per snapshot). No effect with an infinite
   * half-life.
   */
  public void decay(double steps) {
    if (halfLife == Double.POSITIVE_INFINITY || steps == 0) {
      return;
    }
    if (!(steps > 0)) {
      throw new IllegalArgumentException("need steps >= 0, got " + steps);
    }
    double f = Math.pow(0.5, steps / halfLife);
    double f2 = f * f;
    double[] a = st;
    for (int o = 0; o < a.length; o += S) {
      a[o + C] *= f;
      a[o + C2] *= f2;
      a[o + U] *= f;
      a[o + V2] *= f2;
      a[o + IDT] *= f;
      a[o + M2] *= f;
      a[o + M3] *= f;
      a[o + M4] *= f;
    }
    ou.scale(f);
  }

  /** A deep copy. */
  public BinnedKramersMoyal copy() {
    BinnedKramersMoyal c = new BinnedKramersMoyal(grid, halfLife);
    System.arraycopy(st, 0, c.st, 0, st.length);
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
  public void merge(BinnedKramersMoyal other) {
    if (!grid.equals(other.grid)) {
      throw new IllegalArgumentException("cannot merge " + other.grid + " into " + grid);
    }
    mergeBins(other.st, 0, 0, bins);
    ou.merge(other.ou);
    count += other.count;
  }

  /** Chan / Pebay combination of weighted central moments, bin by bin. */
  private void mergeBins(double[] src, int srcBin, int dstBin, int n) {
    double[] a = st;
    for (int k = 0; k < n; k++) {
      int p = (dstBin + k) * S;
      int q = (srcBin + k) * S;
      double wb = src[q + U];
      if (wb == 0) {
        continue;
      }
      double wa = a[p + U];
      double w = wa + wb;
      double d = src[q + M] - a[p + M];
      double r = d / w;
      double m2a = a[p + M2];
      double m2b = src[q + M2];
      double m3a = a[p + M3];
      double m3b = src[q + M3];
      double wab = wa * wb;
      a[p + M4] +=
          src[q + M4]
              + d * d * d * r * wab * (wa * wa - wab + wb * wb) / (w * w)
              + 6 * r * r * (wa * wa * m2b + wb * wb * m2a)
              + 4 * r * (wa * m3b - wb * m3a);
      a[p + M3] += m3b + d * d * r * wab * (wa - wb) / w + 3 * r * (wa * m2b - wb * m2a);
      a[p + M2] = m2a + m2b + d * r * wab;
      a[p + M] += r * wb;
      a[p + U] = w;
      a[p + C] += src[q + C];
      a[p + C2] += src[q + C2];
      a[p + V2] += src[q + V2];
      a[p + IDT] += src[q + IDT];
    }
  }

  /**
   * This estimator moved onto {@code wider}, a grid that extends this one by whole cells of the same
   * width (as from {@link Grid1D#extendedToCover}); bins keep their statistics, new bins are empty.
   *
   * @throws IllegalArgumentException if {@code wider} is not such an extension
   */
  public BinnedKramersMoyal regridded(Grid1D wider) {
    double h = grid.width();
    double off = (grid.lo() - wider.lo()) / h;
    long k = Math.round(off);
    if (Math.abs(wider.width() - h) > 1e-9 * h
        || Math.abs(off - k) > 1e-9 * Math.max(1, Math.abs(off))
        || k < 0
        || k + bins > wider.cells()) {
      throw new IllegalArgumentException(wider + " does not extend " + grid + " by whole cells");
    }
    BinnedKramersMoyal r = new BinnedKramersMoyal(wider, halfLife);
    System.arraycopy(st, 0, r.st, (int) k * S, st.length);
    r.ou.copyFrom(ou);
    r.count = count;
    return r;
  }

  /** The current estimate (a snapshot; later increments do not change it). */
  public KramersMoyalEstimate result() {
    double[] drift = new double[bins];
    double[] driftSe = new double[bins];
    double[] diff = new double[bins];
    double[] diffSe = new double[bins];
    double[] counts = new double[bins];
    double[] fourth = new double[bins];
    double[] pawula = new double[bins];
    double sumC = 0;
    double sumM2 = 0;
    double sumZ4 = 0;
    for (int b = 0; b < bins; b++) {
      int o = b * S;
      double c = st[o + C];
      double u = st[o + U];
      double neff = c > 0 ? c * c / st[o + C2] : 0;
      counts[b] = neff;
      if (!(u > 0)) {
        drift[b] = driftSe[b] = diff[b] = diffSe[b] = fourth[b] = pawula[b] = Double.NaN;
        continue;
      }
      double m = st[o + M];
      double m2sum = Math.max(0, st[o + M2]);
      double z4sum = Math.max(0, st[o + M4]) * (c / st[o + IDT]); // c * estimate of E z^4
      drift[b] = m;
      double dof = c - st[o + V2] / u;
      double d = dof > 0 ? m2sum / (2 * dof) : Double.NaN;
      diff[b] = d;
      driftSe[b] = Math.sqrt(2 * d * st[o + V2]) / u;
      double mu2 = m2sum / c;
      double mu4 = z4sum / c;
      diffSe[b] = dof > 0 && neff > 1 ? 0.5 * Math.sqrt(Math.max(0, mu4 - mu2 * mu2) / neff) : Double.NaN;
      double excess = mu4 / (mu2 * mu2) - 3;
      pawula[b] = dof > 0 && mu2 > 0 ? excess / 6 : Double.NaN;
      fourth[b] = pawula[b] * d * d * (u / c);
      if (dof > 0) {
        sumC += c;
        sumM2 += m2sum;
        sumZ4 += z4sum;
      }
    }
    double mu2 = sumM2 / sumC;
    double pooledPawula = sumC > 0 && mu2 > 0 ? ((sumZ4 / sumC) / (mu2 * mu2) - 3) / 6 : Double.NaN;
    return new KramersMoyalEstimate(
        grid, drift, driftSe, diff, diffSe, counts, fourth, pawula, ou.fit(), pooledPawula);
  }

}
