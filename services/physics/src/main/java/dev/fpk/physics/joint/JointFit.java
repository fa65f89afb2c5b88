package dev.fpk.physics.joint;

/**
 * The joint linear fit of {@link LinearDriftEstimator}: drift {@code mu(w) = A w + b} of a {@code
 * d}-dimensional weight vector (e.g. the four entries of a 2x2 matrix, row-major) and the full
 * diffusion matrix {@code D} of the residuals, in the convention {@code dW = mu dt + sqrt(2D) dB}.
 *
 * <p>Units: {@code A} per optimiser step; {@code b} and drift in weight units per step; {@code D}
 * in weight units squared per step. Matrices are row-major {@code d x d}: {@code a[k * d + j]} is
 * {@code d mu_k / d w_j}. Standard errors assume independent increments with a constant {@code D};
 * they are exact without forgetting. A fit without data (too few increments, or replicas without
 * spread in some direction) is {@link #usable()} false, its fields NaN. Immutable by convention
 * (the arrays are not copied), thread-safe.
 *
 * @param a drift matrix {@code A}, per step
 * @param aStdErr standard error of each element of {@code A}
 * @param b drift at {@code w = 0}
 * @param bStdErr standard error of each element of {@code b}
 * @param diffusion residual diffusion matrix {@code D} (symmetric)
 * @param diffusionStdErr standard error of the diagonal {@code D_kk} (Gaussian increments)
 * @param count effective (forgetting-weighted) number of increments
 */
public record JointFit(
    int dimension,
    double[] a,
    double[] aStdErr,
    double[] b,
    double[] bStdErr,
    double[] diffusion,
    double[] diffusionStdErr,
    double count) {

  /** The fit of dimension {@code d} with every field NaN. */
  public static JointFit empty(int d, double count) {
    double[] m = nan(d * d);
    double[] v = nan(d);
    return new JointFit(d, m, m, v, v, m, v, count);
  }

  /** True when every coefficient is finite and every {@code D_kk > 0}. */
  public boolean usable() {
    for (double[] xs : new double[][] {a, b, diffusion}) {
      for (double x : xs) {
        if (!Double.isFinite(x)) {
          return false;
        }
      }
    }
    for (int k = 0; k < dimension; k++) {
      if (!(diffusionAt(k, k) > 0)) {
        return false;
      }
    }
    return true;
  }

  /** {@code A_kj}, per step. */
  public double aAt(int k, int j) {
    return a[k * dimension + j];
  }

  /** {@code D_ij}, weight units squared per step. */
  public double diffusionAt(int i, int j) {
    return diffusion[i * dimension + j];
  }

  /** Drift component {@code mu_k(w) = sum_j A_kj w_j + b_k}. */
  public double driftAt(int k, double[] w) {
    double s = b[k];
    for (int j = 0; j < dimension; j++) {
      s += a[k * dimension + j] * w[j];
    }
    return s;
  }

  /**
   * The largest off-diagonal diffusion relative to the diagonal, {@code max_{i != j} |D_ij| /
   * sqrt(D_ii D_jj)} (the residual correlation): what a solver with diagonal diffusion neglects. 0
   * in one dimension, NaN when the fit is not usable.
   */
  public double largestNeglectedCorrelation() {
    if (!usable()) {
      return Double.NaN;
    }
    double worst = 0;
    for (int i = 0; i < dimension; i++) {
      for (int j = i + 1; j < dimension; j++) {
        worst =
            Math.max(
                worst,
                Math.abs(diffusionAt(i, j)) / Math.sqrt(diffusionAt(i, i) * diffusionAt(j, j)));
      }
    }
    return worst;
  }

  /**
   * The largest coupling in units of its standard error, {@code max_{k != j} |A_kj| / se(A_kj)}:
   * how clearly the data show drift that an entry-wise model cannot have. NaN when not usable.
   */
  public double largestCouplingZ() {
    if (!usable()) {
      return Double.NaN;
    }
    double worst = 0;
    for (int k = 0; k < dimension; k++) {
      for (int j = 0; j < dimension; j++) {
        if (k != j) {
          worst = Math.max(worst, Math.abs(aAt(k, j)) / aStdErr[k * dimension + j]);
        }
      }
    }
    return worst;
  }

  private static double[] nan(int n) {
    double[] x = new double[n];
    java.util.Arrays.fill(x, Double.NaN);
    return x;
  }
}
