package dev.fpk.physics.spectral;

/**
 * The spectral view of one (run, layer) at one step: what the report, the wire message and the
 * meters carry. Eigenvalues (squared singular values of the weight matrix) are in weight units
 * squared; for an ensemble every statistic is of the replicas' spectra pooled.
 *
 * @param step optimiser step of the spectra
 * @param eigenvalues the eigenvalues of every replica, pooled, ascending ({@code replicas *
 *     min(rows, cols)} of them); shared, not copied: do not modify
 * @param replicas number of replicas pooled
 * @param mp the Marchenko-Pastur fit ({@link MarchenkoPastur#fit})
 * @param spikes eigenvalues above the bulk edge, per replica (the count for a single run)
 * @param tail the power-law tail ({@link PowerLawTail#fit})
 * @param spacings level-spacing statistics ({@link LevelSpacings#of})
 * @param temperature the Dyson temperature since the previous spectrum ({@link DysonTemperature}),
 *     weight units^4 per unit of {@code eta t}; NaN for the first
 */
public record Spectrum(
    long step,
    double[] eigenvalues,
    int replicas,
    MarchenkoPastur.Fit mp,
    double spikes,
    PowerLawTail.Fit tail,
    LevelSpacings.Result spacings,
    double temperature) {

  /** The tail exponent alpha (NaN without a tail fit). */
  public double alpha() {
    return tail.alpha();
  }

  /** The KS distance of the spacings to the Wigner surmise. */
  public double spacingKs() {
    return spacings.wignerKs();
  }

  /** The KS distance of the spacings to Poisson. */
  public double poissonKs() {
    return spacings.poissonKs();
  }
}
