package dev.fpk.physics.cs;

/**
 * Eigenvalues of small real matrices (the Jacobian {@code d mu_i / d w_j} of the drift at a fixed
 * point, dimension 1 to 4): roots of the characteristic polynomial (coefficients by
 * Faddeev-LeVerrier) by the Durand-Kerner iteration, polished to machine precision for simple
 * roots. Negative real parts = attractive directions. Stateless, thread-safe.
 */
public final class Jacobians {
  private Jacobians() {}

  /**
   * The eigenvalues as {@code {re, im}} pairs, sorted by real part then imaginary part.
   *
   * @throws IllegalArgumentException if the matrix is not square of size 1 to 4
   */
  public static double[][] eigenvalues(double[][] j) {
    int n = j.length;
    if (n < 1 || n > 4) {
      throw new IllegalArgumentException("need a 1x1 to 4x4 matrix, got " + n + " rows");
    }
    for (double[] row : j) {
      if (row.length != n) {
        throw new IllegalArgumentException("matrix is not square");
      }
    }
    double[] c = characteristic(j); // monic: x^n + c[1] x^(n-1) + ... + c[n]
    double scale = 1;
    for (int k = 1; k <= n; k++) {
      scale = Math.max(scale, Math.pow(Math.abs(c[k]), 1.0 / k));
    }
    double[] re = new double[n];
    double[] im = new double[n];
    for (int k = 0; k < n; k++) { // standard start: powers of 0.4 + 0.9i, scaled
      double ang = k * Math.atan2(0.9, 0.4);
      double mag = Math.pow(Math.hypot(0.4, 0.9), k) * scale;
      re[k] = mag * Math.cos(ang);
      im[k] = mag * Math.sin(ang);
    }
    for (int it = 0; it < 500; it++) {
      double change = 0;
      for (int k = 0; k < n; k++) {
        double[] p = poly(c, re[k], im[k]);
        double dr = 1;
        double di = 0;
        for (int m = 0; m < n; m++) {
          if (m != k) {
            double ar = re[k] - re[m];
            double ai = im[k] - im[m];
            double t = dr * ar - di * ai;
            di = dr * ai + di * ar;
            dr = t;
          }
        }
        double den = dr * dr + di * di;
        if (den == 0) {
          den = 1e-300;
        }
        double qr = (p[0] * dr + p[1] * di) / den;
        double qi = (p[1] * dr - p[0] * di) / den;
        re[k] -= qr;
        im[k] -= qi;
        change = Math.max(change, Math.hypot(qr, qi));
      }
      if (change <= 1e-15 * scale) {
        break;
      }
    }
    double[][] out = new double[n][];
    for (int k = 0; k < n; k++) {
      double tol = 1e-10 * scale;
      out[k] = new double[] {re[k], Math.abs(im[k]) < tol ? 0 : im[k]};
    }
    java.util.Arrays.sort(
        out, (a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
    return out;
  }

  /** Characteristic polynomial coefficients c[0] = 1, c[1..n] by Faddeev-LeVerrier. */
  static double[] characteristic(double[][] a) {
    int n = a.length;
    double[] c = new double[n + 1];
    c[0] = 1;
    double[][] m = new double[n][n]; // M_0 = 0
    for (int k = 1; k <= n; k++) {
      // M_k = A M_{k-1} + c_{k-1} I ; c_k = -tr(A M_k) / k
      double[][] next = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int jj = 0; jj < n; jj++) {
          double s = 0;
          for (int l = 0; l < n; l++) {
            s += a[i][l] * m[l][jj];
          }
          next[i][jj] = s + (i == jj ? c[k - 1] : 0);
        }
      }
      double tr = 0;
      for (int i = 0; i < n; i++) {
        for (int l = 0; l < n; l++) {
          tr += a[i][l] * next[l][i];
        }
      }
      c[k] = -tr / k;
      m = next;
    }
    return c;
  }

  private static double[] poly(double[] c, double xr, double xi) {
    double pr = 1;
    double pi = 0;
    for (int k = 1; k < c.length; k++) {
      double t = pr * xr - pi * xi + c[k];
      pi = pr * xi + pi * xr;
      pr = t;
    }
    return new double[] {pr, pi};
  }
}
