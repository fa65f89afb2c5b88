package dev.fpk.physics.spectral;

import java.util.Arrays;

/**
 * The spectral view of one (run, layer), step after step: the squared singular values of each
 * replica's weight matrix ({@link SingularValues}), their Marchenko-Pastur fit and spikes,
 * power-law tail and level spacings, all of the replicas' spectra pooled, and the Dyson temperature
 * since the previous call ({@link DysonTemperature}). A single run is an ensemble of one.
 *
 * <p>Cost: one eigenvalue problem of size {@code min(rows, cols)} per replica (see {@code bench
 * physics}, entry {@code spectral}), then statistics linear to quadratic in the pooled spectrum's
 * size (the tail fit's {@code O(N * min(N, 512))} dominates). Not thread-safe: one instance per
 * (run, layer), fed in step order.
 */
public final class SpectralTracker {
  private final DysonTemperature temperature = new DysonTemperature();

  /**
   * The spectral view at {@code step} of {@code replicas} row-major matrices {@code [rows, cols]}
   * stored one after the other in {@code values} (replica-major, weight units).
   *
   * @param learningRate the optimiser's learning rate at this step, for the temperature
   * @throws IllegalArgumentException if {@code values} does not hold {@code replicas} such matrices
   */
  public Spectrum observe(
      long step, float[] values, int replicas, int rows, int cols, double learningRate) {
    if (replicas < 1 || (long) replicas * rows * cols != values.length) {
      throw new IllegalArgumentException(
          values.length + " values are not " + replicas + " matrices [" + rows + ", " + cols + "]");
    }
    double[][] spectra = new double[replicas][];
    for (int r = 0; r < replicas; r++) {
      spectra[r] = SingularValues.squared(values, r * rows * cols, rows, cols);
    }
    return analyse(step, spectra, rows, cols, learningRate);
  }

  /**
   * The spectral view of given spectra (each ascending, {@code min(rows, cols)} eigenvalues of a
   * {@code [rows, cols]} matrix; kept for the next temperature, not modified).
   */
  public Spectrum analyse(long step, double[][] spectra, int rows, int cols, double learningRate) {
    int total = 0;
    for (double[] s : spectra) {
      total += s.length;
    }
    double[] pooled = new double[total];
    int at = 0;
    for (double[] s : spectra) {
      System.arraycopy(s, 0, pooled, at, s.length);
      at += s.length;
    }
    Arrays.sort(pooled);
    MarchenkoPastur.Fit mp = MarchenkoPastur.fit(pooled, rows, cols);
    double edge = mp.edge() > 0 ? mp.edge() : Double.NaN;
    int above = 0;
    for (int i = total - 1; i >= 0 && pooled[i] > edge; i--) {
      above++;
    }
    return new Spectrum(
        step,
        pooled,
        spectra.length,
        mp,
        spectra.length == 0 ? 0 : (double) above / spectra.length,
        PowerLawTail.fit(pooled),
        LevelSpacings.of(spectra, edge),
        temperature.observe(step, spectra, edge, learningRate));
  }
}
