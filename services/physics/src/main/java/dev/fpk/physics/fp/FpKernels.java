package dev.fpk.physics.fp;

/**
 * Array kernels of the finite-volume Fokker-Planck solvers, on one grid line of {@code n} cells
 * stored at {@code [off, off + n)} of flat arrays. Stateless, thread-safe; package-private.
 *
 * <p>Face {@code f} ({@code 0 <= f < n - 1}) lies between cells {@code f} and {@code f + 1}; its
 * flux is {@code J_f = a[f] p[f] - b[f] p[f + 1]} with the Scharfetter-Gummel / Chang-Cooper
 * coefficients {@code b = (D/h) Bern(x)}, {@code a = (D/h) Bern(-x) = b + A}, Peclet number {@code
 * x = A h / D} and {@code A = mu - dD/dw}. Walls carry no flux. The semi-discrete system is {@code
 * dp_i/dt = (J_{i-1} - J_i) / h = (L p)_i}.
 */
final class FpKernels {
  /** TR-BDF2 parameter gamma = 2 - sqrt 2. */
  static final double GAMMA = 2 - Math.sqrt(2);

  /** Both TR-BDF2 stages solve with I - ALPHA tau L. */
  static final double ALPHA = 1 - 1 / Math.sqrt(2);

  /** BDF2 stage: p' solves M p' = W1 p* - W0 p. */
  static final double W1 = 1 / (GAMMA * (2 - GAMMA));

  static final double W0 = (1 - GAMMA) * (1 - GAMMA) / (GAMMA * (2 - GAMMA));

  private FpKernels() {}

  /**
   * Bernoulli function {@code B(x) = x / (e^x - 1)}, {@code B(0) = 1}: Taylor series through {@code
   * x^14} for {@code |x| < 1/2} (relative error below 1e-16), {@code x / (e^x - 1)} beyond (no
   * cancellation there); {@code B(x) -> 0} for large positive and {@code -x} for large negative x.
   */
  static double bern(double x) {
    if (Math.abs(x) < 0.5) {
      double x2 = x * x;
      double s =
          1.0 / 12
              + x2
                  * (-1.0 / 720
                      + x2
                          * (1.0 / 30240
                              + x2
                                  * (-1.0 / 1209600
                                      + x2
                                          * (1.0 / 47900160
                                              + x2
                                                  * (-691.0 / 1307674368000.0
                                                      + x2 / 74724249600.0)))));
      return 1 - 0.5 * x + x2 * s;
    }
    if (x > 745) {
      return 0;
    }
    return x / (Math.exp(x) - 1);
  }

  /**
   * Face coefficients from drift and diffusion at the cell centres. The exponential fitting treats
   * {@code A} as constant between two centres, so the face uses its mean over that interval: {@code
   * (-mu[f-1] + 13 mu[f] + 13 mu[f+1] - mu[f+2]) / 24} (fourth order; the plain average next to the
   * walls) minus {@code (D[f+1] - D[f]) / h}, which is the exact mean of {@code dD/dw}; the face
   * diffusion is the average of the two centres.
   */
  static void facesFromFields(
      double[] mu, double[] d, int off, int n, double h, double[] a, double[] b, int abOff) {
    double invH = 1 / h;
    for (int f = 0; f < n - 1; f++) {
      double d0 = d[off + f];
      double d1 = d[off + f + 1];
      double df = 0.5 * (d0 + d1);
      double m0 = mu[off + f];
      double m1 = mu[off + f + 1];
      double muf =
          f == 0 || f == n - 2
              ? 0.5 * (m0 + m1)
              : (13 * (m0 + m1) - mu[off + f - 1] - mu[off + f + 2]) * (1.0 / 24);
      setFace(muf - (d1 - d0) * invH, df, invH, a, b, abOff + f);
    }
    a[abOff + n - 1] = 0;
    b[abOff + n - 1] = 0;
  }

  /**
   * Face coefficients of a gradient flux {@code J = -D (p' + p Phi')} with {@code Phi = U / D}:
   * Peclet number {@code x = -(Phi[f+1] - Phi[f])}, so {@code p = exp(-U / D)} at the centres has
   * zero flux through every face (exactly, up to the rounding of {@code exp}).
   */
  static void facesFromPotential(
      double[] u, double[] d, int off, int n, double h, double[] a, double[] b, int abOff) {
    double invH = 1 / h;
    for (int f = 0; f < n - 1; f++) {
      double d0 = d[off + f];
      double d1 = d[off + f + 1];
      double df = 0.5 * (d0 + d1);
      double x = -(u[off + f + 1] / d1 - u[off + f] / d0);
      double k = df * invH;
      double bf = k * bern(x);
      b[abOff + f] = bf;
      a[abOff + f] = k * bern(-x);
    }
    a[abOff + n - 1] = 0;
    b[abOff + n - 1] = 0;
  }

  private static void setFace(double af, double df, double invH, double[] a, double[] b, int i) {
    if (df > 0) {
      double x = af / (df * invH);
      if (Double.isFinite(x)) {
        double bf = df * invH * bern(x);
        b[i] = bf;
        a[i] = bf + af;
        if (a[i] < 0) { // rounding for large negative x, where a = (D/h) Bern(-x) is tiny
          a[i] = df * invH * bern(-x);
        }
        return;
      }
    }
    a[i] = Math.max(af, 0);
    b[i] = Math.max(-af, 0);
  }

  // FpPairKernels repeats factorise, solve and trBdf2 for two lines at once, on purpose: two FMA
  // chains, ~2x throughput
  /**
   * LU factors of {@code M = I - c L} ({@code ch = c / h}) in the form the sweeps use: {@code wn[i]
   * = -l[i] / piv[i-1]} (minus the lower multiplier), {@code gn[i] = -u[i] / piv[i]} (minus the
   * scaled upper entry), the pivots {@code dp} and their inverses {@code ip}. M is an M-matrix with
   * unit column sums, so pivots are positive and {@code wn, gn >= 0}: the sweeps add non-negative
   * terms only, which keeps backward Euler positive in floating point too. Reads faces at {@code
   * off}, writes factors at {@code ooff}.
   */
  static void factorise(
      double[] a,
      double[] b,
      int off,
      int n,
      double ch,
      double[] wn,
      double[] gn,
      double[] dp,
      double[] ip,
      int ooff) {
    double cbPrev = 0; // ch * b[i-1]
    double caPrev = 0; // ch * a[i-1]
    double ipPrev = 0;
    for (int i = 0; i < n; i++) {
      double ca = ch * a[off + i];
      double cb = ch * b[off + i];
      double w = caPrev * ipPrev;
      double piv = 1 + cbPrev + ca - w * cbPrev;
      double inv = 1 / piv;
      wn[ooff + i] = w;
      gn[ooff + i] = cb * inv;
      dp[ooff + i] = piv;
      ip[ooff + i] = inv;
      cbPrev = cb;
      caPrev = ca;
      ipPrev = inv;
    }
  }

  /** Solves {@code M x = r} in place in {@code r}. */
  static void solve(double[] r, int roff, double[] wn, double[] gn, double[] ip, int off, int n) {
    double y = 0;
    for (int i = 0; i < n; i++) {
      y = Math.fma(wn[off + i], y, r[roff + i]);
      r[roff + i] = y * ip[off + i];
    }
    double x = 0;
    for (int i = n - 1; i >= 0; i--) {
      x = Math.fma(gn[off + i], x, r[roff + i]);
      r[roff + i] = x;
    }
  }

  /**
   * One TR-BDF2 substep for the line {@code p[poff ..]}, result in {@code out[0 .. n)}: stage 1
   * solves {@code M p* = (2I - M) p} (the trapezoidal rule to {@code gamma tau}), stage 2 {@code M
   * p' = W1 p* - W0 p} (BDF2), the right-hand sides fused into the forward sweeps. Returns the sum
   * of the negative values of the result (0 if none).
   */
  static double trBdf2(
      double[] p,
      int poff,
      double[] wn,
      double[] gn,
      double[] dp,
      double[] ip,
      int off,
      int n,
      double[] out) {
    // stage 1: r = 2p - L U p with q = U p = dp (p_i - gn_i p_{i+1}), (L q)_i = q_i - wn_i q_{i-1}
    double y = 0;
    double qPrev = 0;
    for (int i = 0; i < n; i++) {
      double pi = p[poff + i];
      double pn = i < n - 1 ? p[poff + i + 1] : 0;
      double q = dp[off + i] * (pi - gn[off + i] * pn);
      double r = 2 * pi - q + wn[off + i] * qPrev;
      qPrev = q;
      y = Math.fma(wn[off + i], y, r);
      out[i] = y * ip[off + i];
    }
    double x = 0;
    for (int i = n - 1; i >= 0; i--) {
      x = Math.fma(gn[off + i], x, out[i]);
      out[i] = x;
    }
    // stage 2
    y = 0;
    for (int i = 0; i < n; i++) {
      double r = W1 * out[i] - W0 * p[poff + i];
      y = Math.fma(wn[off + i], y, r);
      out[i] = y * ip[off + i];
    }
    x = 0;
    double negative = 0;
    for (int i = n - 1; i >= 0; i--) {
      x = Math.fma(gn[off + i], x, out[i]);
      out[i] = x;
      negative += Math.min(x, 0);
    }
    return negative;
  }

  /** {@code (L p)_i h = J_{i-1} - J_i}, i.e. {@code h dp/dt}, into {@code out}. */
  static void rateTimesH(
      double[] a, double[] b, int off, double[] p, int poff, int n, double[] out, int ooff) {
    double jPrev = 0;
    for (int i = 0; i < n; i++) {
      double j = i < n - 1 ? a[off + i] * p[poff + i] - b[off + i] * p[poff + i + 1] : 0;
      out[ooff + i] = jPrev - j;
      jPrev = j;
    }
  }

  /** Sum of {@code p[off .. off + n)}. */
  static double sum(double[] p, int off, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += p[off + i];
    }
    return s;
  }
}
