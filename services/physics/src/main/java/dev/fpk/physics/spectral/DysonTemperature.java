package dev.fpk.physics.spectral;

/**
 * The Dyson temperature of a layer's spectrum, streaming over its successive spectra: between the
 * last two spectra (at steps {@code t0 < t1}, eigenvalues matched by rank within each replica), the
 * variance of the bulk eigenvalues' increments per optimiser step, divided by the learning rate:
 *
 * <pre>
 * T = sum_r sum_i e_ri^2 / ((N - 2R) (t1 - t0) eta),  e_ri = d_ri - a_r - b_r x_ri(t0),  d_ri = x_ri(t1) - x_ri(t0)
 * </pre>
 *
 * over the {@code N} bulk ranks {@code i} of all {@code R} replicas, where {@code a_r + b_r x} is
 * replica {@code r}'s least-squares line of its increments against its eigenvalues (2 degrees of
 * freedom each): a shift of the whole spectrum and a rescaling of it ({@code d ~ x}, as when the
 * weights' norm grows or decays) are drift, not diffusion, and would otherwise count as
 * temperature, growing with the interval {@code t1 - t0}. That is the eigenvalues' diffusion per
 * unit of gradient-flow time {@code eta t}, in weight units to the fourth power (eigenvalues are
 * weight units squared) per unit of {@code eta t}. Dyson theory: it scales as {@code eta / B} (the
 * per-step variance as {@code eta^2 / B}). What drift is not linear in the eigenvalue still counts,
 * by {@code (t1 - t0)} times its variance across ranks per step: intervals no longer than needed
 * keep it small. Bulk ranks: those at or below the Marchenko-Pastur edge in both spectra (spikes
 * drift, they do not diffuse like the bulk). {@code eta} is the learning rate at the later step.
 *
 * <p>NaN until two spectra have been seen, when the replicas or their sizes changed between them
 * (the tracker restarts from the new spectra), when the step did not advance, when the learning
 * rate is not positive, and without a bulk rank beyond the lines' 2 per replica. Not thread-safe:
 * one instance per (run, layer), fed in step order.
 */
public final class DysonTemperature {
  private double[][] previous;
  private long previousStep;

  /**
   * Takes the spectra of the replicas at {@code step} (each ascending; kept, not modified) and
   * returns the temperature since the previous spectra.
   *
   * @param edge the bulk edge (eigenvalues above it are left out; NaN keeps them all)
   */
  public double observe(long step, double[][] spectra, double edge, double learningRate) {
    double[][] before = previous;
    long beforeStep = previousStep;
    previous = spectra;
    previousStep = step;
    if (before == null
        || before.length != spectra.length
        || step <= beforeStep
        || !(learningRate > 0)) {
      return Double.NaN;
    }
    double squares = 0;
    long dof = 0;
    for (int r = 0; r < spectra.length; r++) {
      double[] x0 = before[r];
      double[] x1 = spectra[r];
      if (x0.length != x1.length) {
        return Double.NaN;
      }
      int bulk = x1.length;
      while (bulk > 0 && (x1[bulk - 1] > edge || x0[bulk - 1] > edge)) {
        bulk--;
      }
      if (bulk < 3) {
        continue;
      }
      squares += residualSquares(x0, x1, bulk);
      dof += bulk - 2;
    }
    if (dof < 1) {
      return Double.NaN;
    }
    return squares / dof / (step - beforeStep) / learningRate;
  }

  /**
   * Sum of squared residuals of the increments' least-squares line against the earlier eigenvalues.
   */
  private static double residualSquares(double[] x0, double[] x1, int n) {
    double mx = 0;
    double md = 0;
    for (int i = 0; i < n; i++) {
      mx += x0[i];
      md += x1[i] - x0[i];
    }
    mx /= n;
    md /= n;
    double sxx = 0;
    double sxd = 0;
    double sdd = 0;
    for (int i = 0; i < n; i++) {
      double dx = x0[i] - mx;
      double dd = x1[i] - x0[i] - md;
      sxx += dx * dx;
      sxd += dx * dd;
      sdd += dd * dd;
    }
    return sxx > 0 ? Math.max(0, sdd - sxd * sxd / sxx) : sdd;
  }
}
