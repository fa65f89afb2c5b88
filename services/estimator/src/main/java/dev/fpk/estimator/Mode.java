package dev.fpk.estimator;

/**
 * What the random variable of a (run, layer) is (services/physics/PHYSICS.md §1).
 *
 * <ul>
 *   <li>{@link #ENSEMBLE}: each matrix entry is its own variable, sampled across replicas.
 *   <li>{@link #POOLED}: the entries of the matrix (of every replica present) are samples of one
 *       scalar weight; the mode of a single long run of a large model.
 * </ul>
 */
public enum Mode {
  ENSEMBLE,
  POOLED;

  /** Pooled for a single replica, ensemble otherwise. */
  public static Mode of(EnsembleStep step) {
    return step.size() == 1 ? POOLED : ENSEMBLE;
  }

  /** The wire name, as in the estimate's {@code mode} field. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Number of variables a step of this layer has. */
  public int variables(EnsembleStep step) {
    return this == POOLED ? 1 : step.entries();
  }

  /** The variable a matrix entry feeds. */
  public int variableOf(int entry) {
    return this == POOLED ? 0 : entry;
  }

  /** The samples of one variable at this step. */
  public double[] samples(EnsembleStep step, int variable) {
    if (this == ENSEMBLE) {
      return step.samples(variable);
    }
    double[] all = new double[step.values().length];
    for (int i = 0; i < all.length; i++) {
      all[i] = step.values()[i];
    }
    return all;
  }

  /**
   * The smallest and largest sample of every variable at this step, into {@code min} and {@code
   * max} (one slot per variable): what {@link Grids} needs of {@link #samples}, without copying
   * them.
   */
  public void ranges(EnsembleStep step, double[] min, double[] max) {
    float[] values = step.values();
    int vars = variables(step);
    java.util.Arrays.fill(min, 0, vars, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, 0, vars, Double.NEGATIVE_INFINITY);
    int n = this == POOLED ? values.length : step.entries();
    // replica-major: values[k * n + e] is a sample of variable e (of variable 0 when pooled, n =
    // all values)
    for (int base = 0; base < values.length; base += n) {
      for (int e = 0; e < n; e++) {
        double x = values[base + e];
        int v = this == POOLED ? 0 : e;
        min[v] = Math.min(min[v], x);
        max[v] = Math.max(max[v], x);
      }
    }
  }

  /** The index reported for a variable: the entry's multi-index, or empty when pooled. */
  public int[] index(EnsembleStep step, int variable) {
    return this == POOLED ? new int[0] : step.index(variable);
  }
}
