package dev.fpk.app.experiment;

/**
 * SGD theory's diffusion: D = eta^2 Sigma / (2B) per step (weight units^2 per step, in dW = mu dt +
 * sqrt(2D) dB), with Sigma the per-sample gradient covariance. Where Sigma is the same for two
 * runs, their diffusions differ by the factor (eta ratio)^2 / (B ratio): what the experiment's
 * sensitivity runs and {@code fpk sweep} hold the estimated D against.
 */
public final class SgdDiffusion {
  private SgdDiffusion() {}

  /**
   * The factor by which D changes when the learning rate is multiplied by {@code etaRatio} and the
   * batch size by {@code batchRatio}: {@code etaRatio^2 / batchRatio}.
   */
  public static double factor(double etaRatio, double batchRatio) {
    return etaRatio * etaRatio / batchRatio;
  }

  /**
   * The diffusion theory expects of a run at ({@code eta}, {@code batch}) given a reference run's
   * diffusion {@code referenceD} at ({@code referenceEta}, {@code referenceBatch}).
   */
  public static double expected(
      double referenceD, double referenceEta, int referenceBatch, double eta, int batch) {
    return referenceD * factor(eta / referenceEta, (double) batch / referenceBatch);
  }
}
