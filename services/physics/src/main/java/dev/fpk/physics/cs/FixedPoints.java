package dev.fpk.physics.cs;

import java.util.ArrayList;
import java.util.List;

/**
 * Fixed points of a 1-D drift given at grid centres: the zeros of {@code beta(w) = mu(w)}, found by
 * sign changes between consecutive valid (non-NaN) samples and located by linear interpolation.
 *
 * <p>The slope at a zero is the secant slope of its interval, corrected by the curvature from the
 * neighbouring samples ({@code f'(w*) ~ s + f'' (w* - midpoint)}, second order on a uniform grid);
 * a sample that is exactly zero is reported at its centre with the central-difference slope. Drift
 * in weight units per step, slope per step; negative slope = attractive. Empty or all-NaN input
 * gives an empty list. Stateless, thread-safe.
 */
public final class FixedPoints {
  private FixedPoints() {}

  /**
   * The fixed points, in increasing {@code w}.
   *
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public static List<FixedPoint> of(double[] centres, double[] drift) {
    if (centres.length != drift.length) {
      throw new IllegalArgumentException("centres and drift differ in length");
    }
    int[] idx = new int[drift.length];
    int n = 0;
    for (int i = 0; i < drift.length; i++) {
      if (!Double.isNaN(drift[i]) && !Double.isNaN(centres[i])) {
        idx[n++] = i;
      }
    }
    List<FixedPoint> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      double f = drift[idx[k]];
      double x = centres[idx[k]];
      if (f == 0) {
        out.add(new FixedPoint(x, derivative(centres, drift, idx, n, k)));
        continue;
      }
      if (k + 1 < n) {
        double f1 = drift[idx[k + 1]];
        double x1 = centres[idx[k + 1]];
        if (f1 != 0 && (f < 0) != (f1 < 0)) {
          double s = (f1 - f) / (x1 - x);
          double w = x - f / s;
          out.add(
              new FixedPoint(w, s + curvature(centres, drift, idx, n, k) * (w - 0.5 * (x + x1))));
        }
      }
    }
    return out;
  }

  /**
   * Fixed points of a 2-D drift {@code (mu_x, mu_y)} given at the centres of a tensor grid (flat,
   * row-major, {@code y} fastest: cell {@code (i, j)} at {@code i * ny + j}): in every square of
   * four neighbouring centres the field is interpolated bilinearly and its zero found by Newton's
   * method from the square's centre; zeros inside the square (edges included, duplicates within
   * 1e-9 of a cell removed) are reported with the bilinear Jacobian there and its eigenvalues.
   * Squares with a NaN corner are skipped. Exact for fields linear in each coordinate.
   */
  public static List<FixedPoint2D> of2d(double[] cx, double[] cy, double[] muX, double[] muY) {
    int nx = cx.length;
    int ny = cy.length;
    if (muX.length != nx * ny || muY.length != nx * ny) {
      throw new IllegalArgumentException("fields need " + nx * ny + " values");
    }
    List<FixedPoint2D> out = new ArrayList<>();
    for (int i = 0; i + 1 < nx; i++) {
      for (int j = 0; j + 1 < ny; j++) {
        double[] fx = corners(muX, i, j, ny);
        double[] fy = corners(muY, i, j, ny);
        if (fx == null || fy == null || !signChangePossible(fx) || !signChangePossible(fy)) {
          continue;
        }
        double hx = cx[i + 1] - cx[i];
        double hy = cy[j + 1] - cy[j];
        double u = 0.5;
        double v = 0.5;
        for (int it = 0; it < 50; it++) {
          double[] gx = bilinear(fx, u, v);
          double[] gy = bilinear(fy, u, v);
          double det = gx[1] * gy[2] - gx[2] * gy[1];
          if (det == 0) {
            break;
          }
          double du = (gx[0] * gy[2] - gx[2] * gy[0]) / det;
          double dv = (gx[1] * gy[0] - gx[0] * gy[1]) / det;
          u -= du;
          v -= dv;
          if (Math.abs(du) + Math.abs(dv) < 1e-15) {
            break;
          }
        }
        double eps = 1e-9;
        if (u < -eps || u > 1 + eps || v < -eps || v > 1 + eps) {
          continue;
        }
        double[] gx = bilinear(fx, u, v);
        double[] gy = bilinear(fy, u, v);
        if (Math.abs(gx[0]) + Math.abs(gy[0])
            > 1e-9 * (Math.abs(fx[0]) + Math.abs(fy[0]) + 1e-300)) {
          continue;
        }
        double x = cx[i] + u * hx;
        double y = cy[j] + v * hy;
        if (isDuplicate(out, x, y, 1e-9 * Math.max(hx, hy))) {
          continue;
        }
        double[][] jac = {{gx[1] / hx, gx[2] / hy}, {gy[1] / hx, gy[2] / hy}};
        out.add(new FixedPoint2D(x, y, jac, Jacobians.eigenvalues(jac)));
      }
    }
    return out;
  }

  /** f00, f10, f01, f11 of the square (i, j) - (i+1, j+1), or null with a NaN. */
  private static double[] corners(double[] f, int i, int j, int ny) {
    double[] c = {f[i * ny + j], f[(i + 1) * ny + j], f[i * ny + j + 1], f[(i + 1) * ny + j + 1]};
    for (double v : c) {
      if (Double.isNaN(v)) {
        return null;
      }
    }
    return c;
  }

  private static boolean signChangePossible(double[] c) {
    double min = Math.min(Math.min(c[0], c[1]), Math.min(c[2], c[3]));
    double max = Math.max(Math.max(c[0], c[1]), Math.max(c[2], c[3]));
    return min <= 0 && max >= 0;
  }

  /** Value and derivatives in u and v of the bilinear interpolant at (u, v). */
  private static double[] bilinear(double[] c, double u, double v) {
    double a = c[0];
    double b = c[1] - c[0];
    double d = c[2] - c[0];
    double e = c[3] - c[1] - c[2] + c[0];
    return new double[] {a + b * u + d * v + e * u * v, b + e * v, d + e * u};
  }

  private static boolean isDuplicate(List<FixedPoint2D> found, double x, double y, double tol) {
    for (FixedPoint2D f : found) {
      if (Math.abs(f.x() - x) <= tol && Math.abs(f.y() - y) <= tol) {
        return true;
      }
    }
    return false;
  }

  private static double derivative(double[] c, double[] f, int[] idx, int n, int k) {
    int a = idx[Math.max(k - 1, 0)];
    int b = idx[Math.min(k + 1, n - 1)];
    return a == b ? Double.NaN : (f[b] - f[a]) / (c[b] - c[a]);
  }

  /**
   * Second derivative near the interval (k, k+1) from three or four valid samples, 0 if too few.
   */
  private static double curvature(double[] c, double[] f, int[] idx, int n, int k) {
    double sum = 0;
    int m = 0;
    for (int j = k; j <= k + 1; j++) {
      if (j - 1 >= 0 && j + 1 < n) {
        int a = idx[j - 1];
        int b = idx[j];
        int d = idx[j + 1];
        double s1 = (f[b] - f[a]) / (c[b] - c[a]);
        double s2 = (f[d] - f[b]) / (c[d] - c[b]);
        sum += 2 * (s2 - s1) / (c[d] - c[a]);
        m++;
      }
    }
    return m == 0 ? 0 : sum / m;
  }
}
