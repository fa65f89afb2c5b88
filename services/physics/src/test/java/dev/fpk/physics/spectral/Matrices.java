package dev.fpk.physics.spectral;

import java.util.SplittableRandom;

/** Random row-major matrices of known spectra, as float arrays (the wire's precision). */
final class Matrices {
  private Matrices() {}

  /** {@code [rows, cols]} of i.i.d. N(0, sd^2) entries. */
  static float[] gaussian(SplittableRandom rnd, int rows, int cols, double sd) {
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (sd * rnd.nextGaussian());
    }
    return w;
  }

  /**
   * {@code [rows, cols]} of i.i.d. Student-t entries with 2 degrees of freedom: Z / sqrt(chi2_2 /
   * 2).
   */
  static float[] studentT2(SplittableRandom rnd, int rows, int cols) {
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      double chi2Half = -Math.log(1 - rnd.nextDouble()); // chi2_2 / 2 is Exp(1)
      w[i] = (float) (rnd.nextGaussian() / Math.sqrt(chi2Half));
    }
    return w;
  }

  /**
   * {@code diag(sqrt(x)) Q} for a random orthogonal {@code Q [n, n]} (modified Gram-Schmidt of a
   * Gaussian matrix): its squared singular values are exactly {@code x}.
   */
  static float[] withSquaredSingularValues(SplittableRandom rnd, double[] x) {
    int n = x.length;
    double[][] q = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        q[i][j] = rnd.nextGaussian();
      }
      for (int k = 0; k < i; k++) {
        double dot = 0;
        for (int j = 0; j < n; j++) {
          dot += q[i][j] * q[k][j];
        }
        for (int j = 0; j < n; j++) {
          q[i][j] -= dot * q[k][j];
        }
      }
      double norm = 0;
      for (int j = 0; j < n; j++) {
        norm += q[i][j] * q[i][j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < n; j++) {
        q[i][j] /= norm;
      }
    }
    float[] w = new float[n * n];
    for (int i = 0; i < n; i++) {
      double s = Math.sqrt(x[i]);
      for (int j = 0; j < n; j++) {
        w[i * n + j] = (float) (s * q[i][j]);
      }
    }
    return w;
  }

  /** The transpose of a row-major {@code [rows, cols]} matrix. */
  static float[] transpose(float[] w, int rows, int cols) {
    float[] t = new float[w.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = w[i * cols + j];
      }
    }
    return t;
  }
}
