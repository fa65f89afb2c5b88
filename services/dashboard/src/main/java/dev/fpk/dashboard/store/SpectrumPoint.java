package dev.fpk.dashboard.store;

import dev.fpk.protocol.v1.SpectrumUpdate;

/**
 * One point of a layer's spectral series: what a {@link SpectrumUpdate} says in numbers, without
 * its eigenvalues (so the series costs a few doubles per update).
 *
 * @param step optimiser step of the spectrum
 * @param alpha power-law tail exponent (dimensionless; NaN without a tail fit)
 * @param mpKs KS distance of the eigenvalues to the fitted Marchenko-Pastur law, in [0, 1]
 * @param spacingKs KS distance of the level spacings to the Wigner surmise, in [0, 1]
 * @param spikes eigenvalues above the bulk edge, per replica
 * @param temperature Dyson temperature since the previous update, weight units^4 per unit of eta t
 *     (NaN for the first)
 */
public record SpectrumPoint(
    long step, double alpha, double mpKs, double spacingKs, double spikes, double temperature) {

  public static SpectrumPoint of(SpectrumUpdate u) {
    return new SpectrumPoint(
        u.getStep(),
        u.getAlpha(),
        u.getMp().getKs(),
        u.getSpacingKs(),
        u.getSpikes(),
        u.getTemperature());
  }
}
