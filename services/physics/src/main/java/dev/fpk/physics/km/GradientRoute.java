package dev.fpk.physics.km;

/**
 * Drift and diffusion straight from published gradient statistics (PHYSICS.md sections 1 and 2),
 * the second route beside the Kramers-Moyal estimate. For SGD with learning rate {@code eta} and
 * batch size {@code B}, in optimiser steps and weight units: {@code mu = -eta * g} with {@code g}
 * the mean minibatch gradient, and {@code D = eta^2 Sigma / (2B) = eta^2 Var(g_B) / 2} with {@code
 * Sigma} the per-sample gradient covariance (diagonal entry) and {@code Var(g_B) = Sigma / B} the
 * variance of the minibatch gradient. The disagreement of the two routes is reported in standard
 * errors of the Kramers-Moyal estimate. NaN in, NaN out. Stateless, thread-safe.
 */
public final class GradientRoute {
  private GradientRoute() {}

  /** {@code mu = -eta * meanGradient} (weight units per step). */
  public static double drift(double learningRate, double meanGradient) {
    return -learningRate * meanGradient;
  }

  /** {@code D = eta^2 Var(g_B) / 2} from the variance of the minibatch gradient. */
  public static double diffusionFromMinibatchVariance(
      double learningRate, double minibatchGradientVariance) {
    return learningRate * learningRate * minibatchGradientVariance / 2;
  }

  /** {@code D = eta^2 Sigma / (2B)} from the per-sample gradient variance and the batch size. */
  public static double diffusionFromPerSampleVariance(
      double learningRate, double perSampleGradientVariance, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("need batchSize >= 1, got " + batchSize);
    }
    return learningRate * learningRate * perSampleGradientVariance / (2.0 * batchSize);
  }

  /**
   * {@code (kramersMoyal - gradientRoute) / kramersMoyalStdErr}: how many standard errors the two
   * routes disagree by (NaN if the standard error is not positive).
   */
  public static double disagreement(
      double kramersMoyal, double kramersMoyalStdErr, double gradientRoute) {
    return kramersMoyalStdErr > 0
        ? (kramersMoyal - gradientRoute) / kramersMoyalStdErr
        : Double.NaN;
  }
}
