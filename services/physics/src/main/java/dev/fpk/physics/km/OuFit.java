package dev.fpk.physics.km;

/**
 * Ornstein-Uhlenbeck fit of Kramers-Moyal data: drift {@code mu(w) = slope * w + intercept} (weight
 * units per optimiser step) and one constant diffusion {@code D} (weight units squared per step, in
 * the convention {@code dW = mu dt + sqrt(2D) dB}), each with a standard error. An OU process
 * {@code -k (w - a)} has {@code slope = -k}, {@code intercept = k a}.
 *
 * <p>All fields are NaN when there were too few increments to fit (fewer than three, or no spread
 * of {@code w}). Immutable, thread-safe.
 *
 * @param slope drift slope {@code d mu / dw} (per step)
 * @param intercept drift at {@code w = 0} (weight units per step)
 * @param slopeStdErr standard error of the slope
 * @param diffusion pooled diffusion coefficient {@code D}
 * @param diffusionStdErr standard error of {@code D}
 */
public record OuFit(
    double slope, double intercept, double slopeStdErr, double diffusion, double diffusionStdErr) {

  /** The fit with every field NaN (no data). */
  public static final OuFit EMPTY =
      new OuFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  /** The fitted drift at {@code w}. */
  public double driftAt(double w) {
    return slope * w + intercept;
  }

  /** The fixed point {@code -intercept / slope} of the fitted drift (NaN if slope is 0 or NaN). */
  public double fixedPoint() {
    return slope == 0 ? Double.NaN : -intercept / slope;
  }
}
