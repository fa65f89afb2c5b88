package dev.fpk.physics.cs;

/**
 * Kardar-Parisi-Zhang reading of the Fokker-Planck equation with constant {@code D} (PHYSICS.md
 * section 6): with {@code p = e^h}, {@code dh/dt = D h'' + D (h')^2 - mu h' - mu'}, i.e. KPZ with
 * {@code nu = D} and {@code lambda = 2D}, advected by the drift and sourced by {@code -div mu}. The
 * arrays are the record's own (not copied); immutable by convention, safe to share once built.
 *
 * @param nu {@code D} (weight units squared per step)
 * @param lambda {@code 2D}
 * @param height {@code h = ln p} at the later time (NaN where the density is below the floor)
 * @param residual {@code dh/dt} minus the right-hand side, per step (NaN where not computable);
 *     divided by... it is the FP residual divided by {@code p}
 */
public record KpzObservables(double nu, double lambda, double[] height, double[] residual) {}
