package dev.fpk.physics.align;

import dev.fpk.physics.grid.Grid1D;

/**
 * A distance or divergence between two densities on the same {@link Grid1D} (per unit weight,
 * normalised by their own mass before comparison): zero for equal shapes, non-negative, NaN when
 * either has zero mass (the contract every implementation is tested against). Implementations are
 * stateless and thread-safe.
 */
@FunctionalInterface
public interface DensityDistance {
  /** The distance from {@code p} to {@code q}. */
  double between(Grid1D g, double[] p, double[] q);

  /** Exact Wasserstein-1 in weight units ({@link Alignment#wasserstein1Densities}). */
  DensityDistance WASSERSTEIN1 = Alignment::wasserstein1Densities;

  /** Jensen-Shannon divergence in nats. */
  DensityDistance JENSEN_SHANNON = Alignment::jensenShannon;

  /** Hellinger distance. */
  DensityDistance HELLINGER = Alignment::hellinger;

  /** KL divergence in nats with additive smoothing {@code s} per cell ({@link Alignment#kl}). */
  static DensityDistance kl(double smoothing) {
    return (g, p, q) -> Alignment.kl(g, p, q, smoothing);
  }
}
