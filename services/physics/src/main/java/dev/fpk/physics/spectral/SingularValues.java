package dev.fpk.physics.spectral;

import java.util.Arrays;
import org.bytedeco.openblas.global.openblas;

/**
 * The squared singular values of a matrix {@code W [rows, cols]}: the eigenvalues of the smaller
 * Gram matrix ({@code W W^T} when {@code rows <= cols}, else {@code W^T W}), {@code min(rows,
 * cols)} of them, ascending, in weight units squared. The one class of fpk-physics that calls
 * native code.
 *
 * <p>Default route {@link Route#SYRK_SYEV}: {@code ssyrk} forms the smaller Gram matrix (half of a
 * matrix product, level-3 BLAS) and {@code ssyev} with {@code jobz = 'N'} (values only: Householder
 * tridiagonalisation, then the root-free QR of {@code ssterf}) finds its eigenvalues, in single
 * precision, the precision of the weights on the wire. Against the double-precision route the
 * largest difference was 2e-6 of the largest eigenvalue at 512 x 512 and 1.3e-5 at 2048 x 2048
 * (uniform entries), about 3 % of a mean bulk spacing at 2048: an absolute error, so eigenvalues
 * near zero (the hard edge of a square matrix) lose their relative accuracy; roundoff below zero is
 * clamped to 0. On one core the route took 11-14 ms at 512 x 512 and 0.57-0.69 s at 2048 x 2048
 * (thread CPU time on a shared machine); the other routes, 1.4 to 2.8 times as long, are there to
 * be measured against it ({@code bench physics}, entry {@code spectral}).
 *
 * <p>The routines are OpenBLAS's LAPACKE and CBLAS through the JavaCPP binding that ND4J's native
 * backend ({@code nd4j-native}) ships and calls itself (ND4J's own {@code Lapack} interface works
 * on {@code INDArray}s and offers {@code syev} but neither {@code syevd} nor {@code gesdd}). No
 * ND4J context is started. Threads: OpenBLAS's pool ({@code OMP_NUM_THREADS}, or {@link
 * #setBlasThreads}).
 *
 * <p>Empty input: a matrix without rows or columns has no singular values (an empty array).
 * Stateless: each call uses its own arrays; concurrent calls rely on OpenBLAS being safe to call
 * from several threads, as ND4J's own concurrent use of it does.
 */
public final class SingularValues {
  /** How the values are computed; all give the same values to single (or double) precision. */
  public enum Route {
    /** {@code ssyrk} then {@code ssyev} (values only): the default, fastest measured. */
    SYRK_SYEV,
    /** {@code ssyrk} then the divide-and-conquer {@code ssyevd} (values only). */
    SYRK_SYEVD,
    /** {@code ssyrk} then the two-stage (band, then tridiagonal) {@code ssyev_2stage}. */
    SYRK_SYEV_2STAGE,
    /** {@code dsyrk} then {@code dsyev}, in double precision. */
    DOUBLE_SYRK_SYEV,
    /** {@code sgesdd} on W itself (values only), squared: no Gram matrix. */
    GESDD
  }

  private SingularValues() {}

  /** {@link #squared(float[], int, int, int, Route)} by the default route. */
  public static double[] squared(float[] w, int offset, int rows, int cols) {
    return squared(w, offset, rows, cols, Route.SYRK_SYEV);
  }

  /**
   * The squared singular values of the whole row-major array {@code w} of shape {@code [rows,
   * cols]}.
   */
  public static double[] squared(float[] w, int rows, int cols) {
    return squared(w, 0, rows, cols, Route.SYRK_SYEV);
  }

  /**
   * The squared singular values of the row-major matrix {@code w[offset .. offset + rows * cols)},
   * ascending: {@code min(rows, cols)} values.
   *
   * @throws IllegalArgumentException if the block does not fit in {@code w}
   * @throws ArithmeticException if LAPACK reports a failure (no convergence)
   */
  public static double[] squared(float[] w, int offset, int rows, int cols, Route route) {
    if (rows < 0 || cols < 0 || offset < 0 || (long) offset + (long) rows * cols > w.length) {
      throw new IllegalArgumentException(
          "matrix ["
              + rows
              + ", "
              + cols
              + "] at "
              + offset
              + " does not fit in "
              + w.length
              + " values");
    }
    int k = Math.min(rows, cols);
    if (k == 0) {
      return new double[0];
    }
    // Row-major W [rows, cols] is column-major A = W^T [cols, rows], leading dimension cols:
    // W W^T = A^T A (rows <= cols), W^T W = A A^T (rows > cols).
    int trans = rows <= cols ? openblas.CblasTrans : openblas.CblasNoTrans;
    int inner = Math.max(rows, cols);
    double[] out = new double[k];
    int info;
    if (route == Route.DOUBLE_SYRK_SYEV) {
      double[] a = new double[rows * cols];
      for (int i = 0; i < a.length; i++) {
        a[i] = w[offset + i];
      }
      double[] gram = new double[k * k];
      openblas.cblas_dsyrk(
          openblas.CblasColMajor, openblas.CblasUpper, trans, k, inner, 1.0, a, cols, 0.0, gram, k);
      info =
          openblas.LAPACKE_dsyev(
              openblas.LAPACK_COL_MAJOR, (byte) 'N', (byte) 'U', k, gram, k, out);
    } else {
      float[] a = Arrays.copyOfRange(w, offset, offset + rows * cols);
      float[] ev = new float[k];
      if (route == Route.GESDD) {
        // values only: U and V^T are not referenced (leading dimensions 1)
        info =
            openblas.LAPACKE_sgesdd(
                openblas.LAPACK_COL_MAJOR,
                (byte) 'N',
                cols,
                rows,
                a,
                cols,
                ev,
                (float[]) null,
                1,
                (float[]) null,
                1);
        for (int i = 0; i < k; i++) {
          ev[i] *= ev[i];
        }
        reverse(ev); // descending singular values
      } else {
        float[] gram = new float[k * k];
        openblas.cblas_ssyrk(
            openblas.CblasColMajor, openblas.CblasUpper, trans, k, inner, 1f, a, cols, 0f, gram, k);
        byte n = (byte) 'N';
        byte u = (byte) 'U';
        int col = openblas.LAPACK_COL_MAJOR;
        info =
            switch (route) {
              case SYRK_SYEVD -> openblas.LAPACKE_ssyevd(col, n, u, k, gram, k, ev);
              case SYRK_SYEV_2STAGE -> openblas.LAPACKE_ssyev_2stage(col, n, u, k, gram, k, ev);
              default -> openblas.LAPACKE_ssyev(col, n, u, k, gram, k, ev);
            };
      }
      for (int i = 0; i < k; i++) {
        out[i] = ev[i];
      }
    }
    if (info != 0) {
      throw new ArithmeticException(
          "LAPACK failed (info "
              + info
              + ", route "
              + route
              + ") on a ["
              + rows
              + ", "
              + cols
              + "] matrix");
    }
    for (int i = 0; i < k; i++) {
      out[i] = Math.max(0.0, out[i]);
    }
    return out;
  }

  /**
   * Sets the number of threads of OpenBLAS's pool for the whole process (also the trainer's ND4J
   * matrix products when they share the process); the benchmarks use 1.
   */
  public static void setBlasThreads(int threads) {
    openblas.blas_set_num_threads(threads);
  }

  private static void reverse(float[] x) {
    for (int i = 0, j = x.length - 1; i < j; i++, j--) {
      float t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }
}
