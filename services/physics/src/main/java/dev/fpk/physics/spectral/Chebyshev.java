package dev.fpk.physics.spectral;

/**
 * Least-squares polynomials in the Chebyshev basis {@code T_0 .. T_d} of {@code u = (2x - lo - hi)
 * / (hi - lo)} on {@code [lo, hi]} (well conditioned where the monomials are not), by the normal
 * equations solved with partial pivoting. Stateless, thread-safe.
 */
final class Chebyshev {
  private Chebyshev() {}

  /** Coefficients {@code c_0 .. c_degree} of the least-squares fit of {@code y} at {@code x}. */
  static double[] leastSquares(double[] x, double[] y, int degree, double lo, double hi) {
    int p = degree + 1;
    double[][] a = new double[p][p + 1];
    double[] t = new double[p];
    for (int i = 0; i < x.length; i++) {
      basis(x[i], lo, hi, t);
      for (int r = 0; r < p; r++) {
        for (int c = 0; c < p; c++) {
          a[r][c] += t[r] * t[c];
        }
        a[r][p] += t[r] * y[i];
      }
    }
    return solve(a);
  }

  /** The polynomial with coefficients {@code coef} at {@code x}. */
  static double value(double[] coef, double x, double lo, double hi) {
    double u = (2 * x - lo - hi) / (hi - lo);
    double prev = 1;
    double cur = u;
    double sum = coef[0] + (coef.length > 1 ? coef[1] * u : 0);
    for (int k = 2; k < coef.length; k++) {
      double next = 2 * u * cur - prev;
      sum += coef[k] * next;
      prev = cur;
      cur = next;
    }
    return sum;
  }

  private static void basis(double x, double lo, double hi, double[] t) {
    double u = (2 * x - lo - hi) / (hi - lo);
    t[0] = 1;
    if (t.length > 1) {
      t[1] = u;
    }
    for (int k = 2; k < t.length; k++) {
      t[k] = 2 * u * t[k - 1] - t[k - 2];
    }
  }

  /** Gaussian elimination with partial pivoting of the augmented system {@code a [p, p + 1]}. */
  private static double[] solve(double[][] a) {
    int p = a.length;
    for (int col = 0; col < p; col++) {
      int piv = col;
      for (int r = col + 1; r < p; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
          piv = r;
        }
      }
      double[] tmp = a[col];
      a[col] = a[piv];
      a[piv] = tmp;
      for (int r = col + 1; r < p; r++) {
        double f = a[r][col] / a[col][col];
        for (int c = col; c <= p; c++) {
          a[r][c] -= f * a[col][c];
        }
      }
    }
    double[] x = new double[p];
    for (int r = p - 1; r >= 0; r--) {
      double s = a[r][p];
      for (int c = r + 1; c < p; c++) {
        s -= a[r][c] * x[c];
      }
      x[r] = s / a[r][r];
    }
    return x;
  }
}
