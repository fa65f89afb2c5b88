package dev.fpk.physics.spectral;

/**
 * The Dyson temperature of a layer's spectrum, streaming over its successive spectra: between the
 * last two spectra (at steps {@code t0 < t1}, eigenvalues matched by rank within each replica),
 * the variance of the bulk eigenvalues' increments per optimiser step, divided by the learning
 * rate:
 *
 * <pre>T = sum_r sum_i (d_ri - mean_r d)^2 / ((N - R) (t1 - t0) eta),  d_ri = x_ri(t1) - x_ri(t0)</pre>
 *
 * over the {@code N} bulk ranks {@code i} of all {@code R} replicas (each replica's own mean
 * increment removed: {@code R} degrees of freedom), i.e. the eigenvalues' diffusion per unit of
 * gradient-flow time {@code eta t}, in weight units to the fourth power (eigenvalues are weight
 * units squared) per unit of {@code eta t}. Dyson theory: it scales as {@code eta / B} (the per-step
 * variance as {@code eta^2 / B}). Bulk ranks: those at or below the Marchenko-Pastur edge in both
 * spectra (spikes drift, they do not diffuse like the bulk). {@code eta} is the learning rate at
 * the later step.
 *
 * <p>NaN until two spectra have been seen, when the replicas or their sizes changed between them
 * (the tracker restarts from the new spectra), when the step did not advance, when the learning
 * rate is not positive, and with fewer than {@code R + 1} bulk ranks. Not thread-safe: one
 * instance per (run, layer), fed in step order.
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
    if (before == null || before.length != spectra.length || step <= beforeStep || !(learningRate > 0)) {
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
      double mean = 0;
      for (int i = 0; i < bulk; i++) {
        mean += x1[i] - x0[i];
      }
      mean /= Math.max(1, bulk);
      for (int i = 0; i < bulk; i++) {
        double d = x1[i] - x0[i] - mean;
        squares += d * d;
      }
      dof += Math.max(0, bulk - 1);
    }
    if (dof < 1) {
      return Double.NaN;
    }
    return squares / dof / (step - beforeStep) / learningRate;
  }
}
