package dev.fpk.physics.km;

import dev.fpk.physics.grid.Grid1D;

/**
 * Per-bin weighted moments of Kramers-Moyal increments, flat in one array (stride {@link #S}).
 * Sample {@code (x = dw/dt, dt)} with weight {@code c} (forgetting times kernel weight) enters with
 * regression weight {@code u = c dt}. Kept per bin: {@code sum c, sum c^2, sum c dt, sum c^2 dt,
 * sum c/dt}, the weighted mean {@code m} of {@code x} and the central sums {@code sum u (x - m)^k},
 * {@code k = 2, 3, 4}, updated and merged by Pebay's (2008) formulas. The formulas of the estimate
 * are on {@link BinnedKramersMoyal}. Package-private; not thread-safe.
 */
final class BinStats {
  static final int C = 0;
  static final int C2 = 1;
  static final int U = 2;
  static final int V2 = 3;
  static final int IDT = 4;
  static final int M = 5;
  static final int M2 = 6;
  static final int M3 = 7;
  static final int M4 = 8;
  static final int S = 9;

  final int bins;
  final double[] st;

  BinStats(int bins) {
    this.bins = bins;
    this.st = new double[bins * S];
  }

  /** Adds sample x over gap dt with weight c to bin b (Pebay's one-sample update). */
  void add(int b, double x, double dt, double c) {
    double[] a = st;
    int o = b * S;
    double u = c * dt;
    a[o + C] += c;
    a[o + C2] += c * c;
    a[o + V2] += c * u;
    a[o + IDT] += c / dt;
    double wa = a[o + U];
    double wn = wa + u;
    a[o + U] = wn;
    double d = x - a[o + M];
    double dn = d * (u / wn); // delta * u / W
    a[o + M] += dn;
    double m2 = a[o + M2];
    double m3 = a[o + M3];
    double t = d * dn * wa; // delta^2 wa u / W
    double r = u == 1 ? wa : wa / u; // exactly wa / u: divisions bound the cost of an increment
    a[o + M4] += t * dn * dn * (r * r - r + 1) + 6 * dn * dn * m2 - 4 * dn * m3;
    a[o + M3] += t * dn * (r - 1) - 3 * dn * m2;
    a[o + M2] = m2 + t;
  }

  /** Multiplies all weights by f (sums of c^2 by f^2). */
  void scale(double f) {
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
  }

  BinStats copy() {
    BinStats c = new BinStats(bins);
    System.arraycopy(st, 0, c.st, 0, st.length);
    return c;
  }

  /** Chan / Pebay combination of bins {@code srcBin..srcBin+n} of src into {@code dstBin..}. */
  void merge(BinStats src, int srcBin, int dstBin, int n) {
    double[] a = st;
    double[] s = src.st;
    for (int k = 0; k < n; k++) {
      int p = (dstBin + k) * S;
      int q = (srcBin + k) * S;
      double wb = s[q + U];
      if (wb == 0) {
        continue;
      }
      double wa = a[p + U];
      if (wa == 0) {
        System.arraycopy(s, q, a, p, S);
        continue;
      }
      double w = wa + wb;
      double d = s[q + M] - a[p + M];
      double r = d / w;
      double m2a = a[p + M2];
      double m2b = s[q + M2];
      double m3a = a[p + M3];
      double m3b = s[q + M3];
      double wab = wa * wb;
      a[p + M4] +=
          s[q + M4]
              + d * d * d * r * wab * (wa * wa - wab + wb * wb) / (w * w)
              + 6 * r * r * (wa * wa * m2b + wb * wb * m2a)
              + 4 * r * (wa * m3b - wb * m3a);
      a[p + M3] += m3b + d * d * r * wab * (wa - wb) / w + 3 * r * (wa * m2b - wb * m2a);
      a[p + M2] = m2a + m2b + d * r * wab;
      a[p + M] += r * wb;
      a[p + U] = w;
      a[p + C] += s[q + C];
      a[p + C2] += s[q + C2];
      a[p + V2] += s[q + V2];
      a[p + IDT] += s[q + IDT];
    }
  }

  /** The estimate per bin (formulas on {@link BinnedKramersMoyal}) with the given OU fit. */
  KramersMoyalEstimate result(Grid1D grid, OuFit fit) {
    KramersMoyalBins out = new KramersMoyalBins();
    fill(grid, fit, out);
    return out.toEstimate();
  }

  /**
   * Writes the estimate per bin with the given OU fit into {@code out} (the one computation behind
   * {@link #result}).
   */
  void fill(Grid1D grid, OuFit fit, KramersMoyalBins out) {
    out.reset(grid, bins, fit);
    double[] drift = out.drift;
    double[] driftSe = out.driftStdErr;
    double[] diff = out.diffusion;
    double[] diffSe = out.diffusionStdErr;
    double[] counts = out.counts;
    double[] fourth = out.fourth;
    double[] pawula = out.pawula;
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
      double m2sum = Math.max(0, st[o + M2]);
      double z4sum = Math.max(0, st[o + M4]) * (c / st[o + IDT]); // c times the estimate of E z^4
      drift[b] = st[o + M];
      double dof = c - st[o + V2] / u;
      double d = dof > 0 ? m2sum / (2 * dof) : Double.NaN;
      diff[b] = d;
      driftSe[b] = Math.sqrt(2 * d * st[o + V2]) / u;
      double mu2 = m2sum / c;
      double mu4 = z4sum / c;
      diffSe[b] =
          dof > 0 && neff > 1 ? 0.5 * Math.sqrt(Math.max(0, mu4 - mu2 * mu2) / neff) : Double.NaN;
      pawula[b] = dof > 0 && mu2 > 0 ? (mu4 / (mu2 * mu2) - 3) / 6 : Double.NaN;
      fourth[b] = pawula[b] * d * d * (u / c);
      if (dof > 0) {
        sumC += c;
        sumM2 += m2sum;
        sumZ4 += z4sum;
      }
    }
    double mu2 = sumM2 / sumC;
    out.pawulaRatio = sumC > 0 && mu2 > 0 ? ((sumZ4 / sumC) / (mu2 * mu2) - 3) / 6 : Double.NaN;
  }
}
