package dev.fpk.physics.joint;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Running joint Kramers-Moyal estimate for a {@code d}-dimensional weight vector ({@code 1 <= d <=
 * 8}, e.g. the four entries of a 2x2 matrix across an ensemble): the drift linear in all
 * coordinates, {@code mu(w) = A w + b}, fitted by weighted least squares of the rates {@code x = dW
 * / dt} on the positions {@code W(t)}, and the residual diffusion matrix
 *
 * <pre>  D = RSS / (2 dof),   RSS = sum_i u_i e_i e_i^T,   e_i = x_i - A w_i - b</pre>
 *
 * in the convention {@code dW = mu dt + sqrt(2D) dB} (PHYSICS.md §2 in several dimensions). An
 * increment over {@code dt} steps has {@code Var x = 2D / dt}, so it weighs {@code u = c dt}
 * ({@code c} the forgetting weight, {@link #decay}), which makes the weighted residuals
 * homoscedastic. {@code dof = sum c - (d + 1) sum c^2 dt / sum c dt} ({@code n - d - 1} without
 * forgetting).
 *
 * <p>What it can show that {@code d} separate 1-D fits cannot: the off-diagonal {@code A_kj} (the
 * drift of one entry depending on another) and the off-diagonal {@code D_ij} that a
 * diagonal-diffusion solver neglects ({@link JointFit#largestNeglectedCorrelation}). It needs
 * replicas spread in every direction: with {@code R} replicas per step a fit has {@code d + 1}
 * unknowns per component, so {@code R >= 64} gives a usable fit after one step.
 *
 * <p>State: Welford-style weighted means and co-moments (Chan et al.), so two estimators merge
 * exactly ({@link #merge}) and there is no cancellation in the means. Units: steps, weight units.
 * Empty input: {@link #fit()} is {@link JointFit#empty}. Not thread-safe.
 */
public final class LinearDriftEstimator {
  private final int d;
  private final double halfLife;

  /** sum c, sum c^2, sum c dt, sum c^2 dt. */
  private double c;

  private double c2;
  private double u;
  private double v2;
  private final double[] mw;
  private final double[] mx;

  /**
   * co-moments sum u (w - mw)(w - mw)^T, (w - mw)(x - mx)^T, (x - mx)(x - mx)^T, row-major d x d.
   */
  private final double[] cww;

  private final double[] cwx;
  private final double[] cxx;
  private final double[] dW;
  private final double[] dX;

  /**
   * @param dimension number of coordinates, 1..8
   * @param halfLifeSteps half-life of the forgetting in optimiser steps ({@code > 0}; infinity
   *     keeps everything)
   */
  public LinearDriftEstimator(int dimension, double halfLifeSteps) {
    if (dimension < 1 || dimension > 8) {
      throw new IllegalArgumentException("dimension = " + dimension + ": need 1..8");
    }
    if (!(halfLifeSteps > 0)) {
      throw new IllegalArgumentException("halfLifeSteps = " + halfLifeSteps + ": need > 0");
    }
    this.d = dimension;
    this.halfLife = halfLifeSteps;
    mw = new double[d];
    mx = new double[d];
    cww = new double[d * d];
    cwx = new double[d * d];
    cxx = new double[d * d];
    dW = new double[d];
    dX = new double[d];
  }

  public int dimension() {
    return d;
  }

  public double halfLifeSteps() {
    return halfLife;
  }

  /** Effective (forgetting-weighted) number of increments. */
  public double count() {
    return c;
  }

  /**
   * Adds one increment of one replica: positions {@code w} at step {@code t}, {@code dw = W(t + dt)
   * - W(t)}, {@code dt > 0} steps. Increments with a non-finite value are ignored.
   */
  public void increment(double[] w, double[] dw, double dt) {
    if (w.length != d || dw.length != d) {
      throw new IllegalArgumentException(
          "need " + d + " coordinates, got " + w.length + " and " + dw.length);
    }
    if (!(dt > 0) || dt == Double.POSITIVE_INFINITY || !finite(w) || !finite(dw)) {
      return;
    }
    c += 1;
    c2 += 1;
    v2 += dt;
    u += dt;
    double r = dt / u;
    for (int i = 0; i < d; i++) {
      dW[i] = w[i] - mw[i];
      dX[i] = dw[i] / dt - mx[i];
      mw[i] += dW[i] * r;
      mx[i] += dX[i] * r;
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        int ij = i * d + j;
        cww[ij] += dt * dW[i] * (w[j] - mw[j]);
        cwx[ij] += dt * dW[i] * (dw[j] / dt - mx[j]);
        cxx[ij] += dt * dX[i] * (dw[j] / dt - mx[j]);
      }
    }
  }

  /** Forgets: multiplies the weight of everything seen so far by {@code 2^(-steps / halfLife)}. */
  public void decay(double steps) {
    if (!(steps >= 0)) {
      throw new IllegalArgumentException("steps = " + steps + ": need >= 0");
    }
    if (halfLife == Double.POSITIVE_INFINITY || steps == 0) {
      return;
    }
    double f = Math.pow(0.5, steps / halfLife);
    c *= f;
    u *= f;
    c2 *= f * f;
    v2 *= f * f;
    for (int i = 0; i < d * d; i++) {
      cww[i] *= f;
      cwx[i] *= f;
      cxx[i] *= f;
    }
  }

  /**
   * Adds another estimator's data (same dimension; decay both to the same time first): the result
   * is what one estimator fed with both streams would hold, up to round-off.
   */
  public void merge(LinearDriftEstimator o) {
    if (o.d != d) {
      throw new IllegalArgumentException("dimension " + o.d + " != " + d);
    }
    if (o.u == 0) {
      return;
    }
    double un = u + o.u;
    double k = u * o.u / un;
    for (int i = 0; i < d; i++) {
      dW[i] = o.mw[i] - mw[i];
      dX[i] = o.mx[i] - mx[i];
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        int ij = i * d + j;
        cww[ij] += o.cww[ij] + dW[i] * dW[j] * k;
        cwx[ij] += o.cwx[ij] + dW[i] * dX[j] * k;
        cxx[ij] += o.cxx[ij] + dX[i] * dX[j] * k;
      }
      mw[i] += dW[i] * o.u / un;
      mx[i] += dX[i] * o.u / un;
    }
    u = un;
    c += o.c;
    c2 += o.c2;
    v2 += o.v2;
  }

  /** An independent copy. */
  public LinearDriftEstimator copy() {
    LinearDriftEstimator e = new LinearDriftEstimator(d, halfLife);
    e.merge(this);
    return e;
  }

  /** The fit; {@link JointFit#empty} without enough data or spread (see the class comment). */
  public JointFit fit() {
    int p = d + 1;
    double dof = c - p * v2 / u;
    double[] chol = cholesky(cww, d);
    if (!(u > 0) || !(dof > 0) || chol == null) {
      return JointFit.empty(d, c);
    }
    // G = Cww^-1 Cwx, column by column; A = G^T
    double[] g = new double[d * d];
    double[] col = new double[d];
    for (int k = 0; k < d; k++) {
      for (int i = 0; i < d; i++) {
        col[i] = cwx[i * d + k];
      }
      solve(chol, d, col);
      for (int i = 0; i < d; i++) {
        g[i * d + k] = col[i];
      }
    }
    double[] inv = new double[d * d];
    for (int j = 0; j < d; j++) {
      java.util.Arrays.fill(col, 0);
      col[j] = 1;
      solve(chol, d, col);
      for (int i = 0; i < d; i++) {
        inv[i * d + j] = col[i];
      }
    }
    double[] a = new double[d * d];
    double[] b = new double[d];
    double[] diffusion = new double[d * d];
    for (int k = 0; k < d; k++) {
      double bk = mx[k];
      for (int j = 0; j < d; j++) {
        a[k * d + j] = g[j * d + k];
        bk -= g[j * d + k] * mw[j];
      }
      b[k] = bk;
      for (int l = 0; l < d; l++) {
        double rss = cxx[k * d + l];
        for (int j = 0; j < d; j++) {
          rss -= cwx[j * d + k] * g[j * d + l];
        }
        diffusion[k * d + l] = rss / (2 * dof);
      }
    }
    double[] aSe = new double[d * d];
    double[] bSe = new double[d];
    double[] dSe = new double[d];
    double inflate = c2 / c; // 1 without forgetting
    double neff = c * c / c2;
    double meanLeverage = 0; // mw^T Cww^-1 mw
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        meanLeverage += mw[i] * inv[i * d + j] * mw[j];
      }
    }
    for (int k = 0; k < d; k++) {
      double dkk = Math.max(0, diffusion[k * d + k]);
      diffusion[k * d + k] = dkk;
      for (int j = 0; j < d; j++) {
        aSe[k * d + j] = Math.sqrt(2 * dkk * inflate * inv[j * d + j]);
      }
      bSe[k] = Math.sqrt(2 * dkk * inflate * (1 / u + meanLeverage));
      dSe[k] = neff > p ? dkk * Math.sqrt(2 / (neff - p)) : Double.NaN;
    }
    return new JointFit(d, a, aSe, b, bSe, diffusion, dSe, c);
  }

  /** Writes the state bit for bit (checkpoints). */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(d);
    out.writeDouble(halfLife);
    for (double x : new double[] {c, c2, u, v2}) {
      out.writeDouble(x);
    }
    for (double[] xs : new double[][] {mw, mx, cww, cwx, cxx}) {
      for (double x : xs) {
        out.writeDouble(x);
      }
    }
  }

  /** The estimator {@link #writeTo} wrote. */
  public static LinearDriftEstimator readFrom(DataInput in) throws IOException {
    int d = in.readInt();
    if (d < 1 || d > 8) {
      throw new IOException("dimension " + d + " in a joint estimator state: need 1..8");
    }
    LinearDriftEstimator e = new LinearDriftEstimator(d, in.readDouble());
    e.c = in.readDouble();
    e.c2 = in.readDouble();
    e.u = in.readDouble();
    e.v2 = in.readDouble();
    for (double[] xs : new double[][] {e.mw, e.mx, e.cww, e.cwx, e.cxx}) {
      for (int i = 0; i < xs.length; i++) {
        xs[i] = in.readDouble();
      }
    }
    return e;
  }

  private static boolean finite(double[] xs) {
    for (double x : xs) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Lower Cholesky factor of a symmetric d x d matrix, or null if it is not positive definite to a
   * relative pivot of 1e-12 (replicas without spread in some direction).
   */
  static double[] cholesky(double[] m, int d) {
    double[] l = new double[d * d];
    double scale = 0;
    for (int i = 0; i < d; i++) {
      scale = Math.max(scale, m[i * d + i]);
    }
    if (!(scale > 0) || !Double.isFinite(scale)) {
      return null;
    }
    for (int j = 0; j < d; j++) {
      double s = m[j * d + j];
      for (int k = 0; k < j; k++) {
        s -= l[j * d + k] * l[j * d + k];
      }
      if (!(s > 1e-12 * scale)) {
        return null;
      }
      l[j * d + j] = Math.sqrt(s);
      for (int i = j + 1; i < d; i++) {
        double t = m[i * d + j];
        for (int k = 0; k < j; k++) {
          t -= l[i * d + k] * l[j * d + k];
        }
        l[i * d + j] = t / l[j * d + j];
      }
    }
    return l;
  }

  /** Solves L L^T x = v in place. */
  private static void solve(double[] l, int d, double[] v) {
    for (int i = 0; i < d; i++) {
      double s = v[i];
      for (int k = 0; k < i; k++) {
        s -= l[i * d + k] * v[k];
      }
      v[i] = s / l[i * d + i];
    }
    for (int i = d - 1; i >= 0; i--) {
      double s = v[i];
      for (int k = i + 1; k < d; k++) {
        s -= l[k * d + i] * v[k];
      }
      v[i] = s / l[i * d + i];
    }
  }
}
