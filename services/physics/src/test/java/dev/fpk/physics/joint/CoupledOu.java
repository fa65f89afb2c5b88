package dev.fpk.physics.joint;

import java.util.SplittableRandom;

/**
 * A 4-D Ornstein-Uhlenbeck ensemble with coupled drift {@code mu = A w + b} and correlated
 * diffusion {@code D}, simulated by Euler-Maruyama with a step of one optimiser step (the process
 * the linear estimator models exactly), and its exact moments by integrating {@code dm/dt = A m +
 * b}, {@code dS/dt = A S + S A^T + 2D} with RK4.
 */
final class CoupledOu {
  static final int D = 4;

  /** Stable, clearly coupled drift matrix (per step), row-major. */
  static final double[] A = {
    -0.05, 0.02, 0.0, 0.0,
    0.01, -0.04, 0.0, 0.015,
    0.0, -0.02, -0.06, 0.0,
    0.01, 0.0, 0.02, -0.03
  };

  static final double[] B = {0.001, -0.002, 0.0005, 0.0};

  /** Diffusion (weight units^2 per step), residual correlation 0.3 between coordinates 0 and 1. */
  static final double[] DIFF = {
    1e-4,
    0.3 * Math.sqrt(1e-4 * 2e-4),
    0,
    0,
    0.3 * Math.sqrt(1e-4 * 2e-4),
    2e-4,
    0,
    0,
    0,
    0,
    1e-4,
    0,
    0,
    0,
    0,
    1.5e-4
  };

  private CoupledOu() {}

  /** Replicas x coordinates at step 0: N(m0, s0^2) independently. */
  static double[][] start(int replicas, double[] m0, double s0, SplittableRandom rnd) {
    double[][] w = new double[replicas][D];
    for (double[] x : w) {
      for (int k = 0; k < D; k++) {
        x[k] = m0[k] + s0 * rnd.nextGaussian();
      }
    }
    return w;
  }

  /** One Euler-Maruyama step of one optimiser step, in place; returns the increments. */
  static double[][] step(double[][] w, SplittableRandom rnd) {
    double[] l = cholesky2D();
    double[][] dw = new double[w.length][D];
    double[] z = new double[D];
    for (int r = 0; r < w.length; r++) {
      for (int k = 0; k < D; k++) {
        z[k] = rnd.nextGaussian();
      }
      for (int k = 0; k < D; k++) {
        double s = B[k];
        for (int j = 0; j < D; j++) {
          s += A[k * D + j] * w[r][j] + l[k * D + j] * z[j];
        }
        dw[r][k] = s;
      }
      for (int k = 0; k < D; k++) {
        w[r][k] += dw[r][k];
      }
    }
    return dw;
  }

  /**
   * Exact mean and covariance at time t from (m0, diagonal s0^2) with diffusion {@code diff}:
   * {m[4], S[16]}.
   */
  static double[][] moments(double[] m0, double s0, double[] diff, double t) {
    double[] m = m0.clone();
    double[] s = new double[D * D];
    for (int k = 0; k < D; k++) {
      s[k * D + k] = s0 * s0;
    }
    int n = (int) Math.ceil(t * 20);
    double h = t / n;
    double[] y = new double[D + D * D];
    System.arraycopy(m, 0, y, 0, D);
    System.arraycopy(s, 0, y, D, D * D);
    for (int i = 0; i < n; i++) {
      double[] k1 = rate(y, diff);
      double[] k2 = rate(axpy(y, k1, h / 2), diff);
      double[] k3 = rate(axpy(y, k2, h / 2), diff);
      double[] k4 = rate(axpy(y, k3, h), diff);
      for (int j = 0; j < y.length; j++) {
        y[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
      }
    }
    return new double[][] {
      java.util.Arrays.copyOf(y, D), java.util.Arrays.copyOfRange(y, D, y.length)
    };
  }

  private static double[] rate(double[] y, double[] diff) {
    double[] r = new double[y.length];
    for (int k = 0; k < D; k++) {
      double s = B[k];
      for (int j = 0; j < D; j++) {
        s += A[k * D + j] * y[j];
      }
      r[k] = s;
    }
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        double s = 2 * diff[i * D + j];
        for (int l = 0; l < D; l++) {
          s += A[i * D + l] * y[D + l * D + j] + y[D + i * D + l] * A[j * D + l];
        }
        r[D + i * D + j] = s;
      }
    }
    return r;
  }

  private static double[] axpy(double[] y, double[] k, double h) {
    double[] out = y.clone();
    for (int j = 0; j < y.length; j++) {
      out[j] += h * k[j];
    }
    return out;
  }

  /** Lower Cholesky factor of 2D. */
  private static double[] cholesky2D() {
    double[] l = new double[D * D];
    for (int j = 0; j < D; j++) {
      double s = 2 * DIFF[j * D + j];
      for (int k = 0; k < j; k++) {
        s -= l[j * D + k] * l[j * D + k];
      }
      l[j * D + j] = Math.sqrt(s);
      for (int i = j + 1; i < D; i++) {
        double t = 2 * DIFF[i * D + j];
        for (int k = 0; k < j; k++) {
          t -= l[i * D + k] * l[j * D + k];
        }
        l[i * D + j] = t / l[j * D + j];
      }
    }
    return l;
  }
}
