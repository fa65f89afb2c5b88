package dev.fpk.physics.fp;

/**
 * The kernels of {@link FpKernels} for two independent lines at once (offsets {@code oa, ob}, same
 * {@code n}). The Thomas sweeps are chains of dependent FMAs, so one line is bound by FMA latency;
 * two interleaved chains fill the pipeline and nearly double the throughput. The arithmetic per
 * line is exactly that of {@link FpKernels} (results are bit-identical). Stateless,
 * package-private.
 */
final class FpPairKernels {
  private FpPairKernels() {}

  static void factorise(
      double[] a,
      double[] b,
      int oa,
      int ob,
      int n,
      double cha,
      double chb,
      double[] wn,
      double[] gn,
      double[] dp,
      double[] ip) {
    double cbA = 0, caA = 0, ipA = 0;
    double cbB = 0, caB = 0, ipB = 0;
    for (int i = 0; i < n; i++) {
      double ca = cha * a[oa + i];
      double cb = cha * b[oa + i];
      double w = caA * ipA;
      double piv = 1 + cbA + ca - w * cbA;
      double inv = 1 / piv;
      double ca2 = chb * a[ob + i];
      double cb2 = chb * b[ob + i];
      double w2 = caB * ipB;
      double piv2 = 1 + cbB + ca2 - w2 * cbB;
      double inv2 = 1 / piv2;
      wn[oa + i] = w;
      gn[oa + i] = cb * inv;
      dp[oa + i] = piv;
      ip[oa + i] = inv;
      wn[ob + i] = w2;
      gn[ob + i] = cb2 * inv2;
      dp[ob + i] = piv2;
      ip[ob + i] = inv2;
      cbA = cb;
      caA = ca;
      ipA = inv;
      cbB = cb2;
      caB = ca2;
      ipB = inv2;
    }
  }

  static void solve(double[] r, int oa, int ob, double[] wn, double[] gn, double[] ip, int n) {
    double ya = 0;
    double yb = 0;
    for (int i = 0; i < n; i++) {
      ya = Math.fma(wn[oa + i], ya, r[oa + i]);
      yb = Math.fma(wn[ob + i], yb, r[ob + i]);
      r[oa + i] = ya * ip[oa + i];
      r[ob + i] = yb * ip[ob + i];
    }
    double xa = 0;
    double xb = 0;
    for (int i = n - 1; i >= 0; i--) {
      xa = Math.fma(gn[oa + i], xa, r[oa + i]);
      xb = Math.fma(gn[ob + i], xb, r[ob + i]);
      r[oa + i] = xa;
      r[ob + i] = xb;
    }
  }

  /**
   * {@link FpKernels#trBdf2} for two lines; results in {@code outA, outB}, the sums of negative
   * values in {@code negative[0], negative[1]}.
   */
  static void trBdf2(
      double[] p,
      int oa,
      int ob,
      double[] wn,
      double[] gn,
      double[] dp,
      double[] ip,
      int n,
      double[] outA,
      double[] outB,
      double[] negative) {
    double ya = 0, yb = 0, qa = 0, qb = 0;
    for (int i = 0; i < n; i++) {
      double pa = p[oa + i];
      double pb = p[ob + i];
      double pna = i < n - 1 ? p[oa + i + 1] : 0;
      double pnb = i < n - 1 ? p[ob + i + 1] : 0;
      double q1 = dp[oa + i] * (pa - gn[oa + i] * pna);
      double q2 = dp[ob + i] * (pb - gn[ob + i] * pnb);
      double ra = 2 * pa - q1 + wn[oa + i] * qa;
      double rb = 2 * pb - q2 + wn[ob + i] * qb;
      qa = q1;
      qb = q2;
      ya = Math.fma(wn[oa + i], ya, ra);
      yb = Math.fma(wn[ob + i], yb, rb);
      outA[i] = ya * ip[oa + i];
      outB[i] = yb * ip[ob + i];
    }
    double xa = 0, xb = 0;
    for (int i = n - 1; i >= 0; i--) {
      xa = Math.fma(gn[oa + i], xa, outA[i]);
      xb = Math.fma(gn[ob + i], xb, outB[i]);
      outA[i] = xa;
      outB[i] = xb;
    }
    ya = 0;
    yb = 0;
    for (int i = 0; i < n; i++) {
      double ra = FpKernels.W1 * outA[i] - FpKernels.W0 * p[oa + i];
      double rb = FpKernels.W1 * outB[i] - FpKernels.W0 * p[ob + i];
      ya = Math.fma(wn[oa + i], ya, ra);
      yb = Math.fma(wn[ob + i], yb, rb);
      outA[i] = ya * ip[oa + i];
      outB[i] = yb * ip[ob + i];
    }
    // stage 2 repeats stage 1's sweeps inline (not solve()): its backward sweep also sums the
    // negatives, one pass
    xa = 0;
    xb = 0;
    double na = 0, nb = 0;
    for (int i = n - 1; i >= 0; i--) {
      xa = Math.fma(gn[oa + i], xa, outA[i]);
      xb = Math.fma(gn[ob + i], xb, outB[i]);
      outA[i] = xa;
      outB[i] = xb;
      na += Math.min(xa, 0);
      nb += Math.min(xb, 0);
    }
    negative[0] = na;
    negative[1] = nb;
  }
}
