package dev.fpk.physics.cs;

/**
 * Split of {@code dp/dt} of the Fokker-Planck equation into its flow part {@code -d(mu p)/dw =
 * -(beta dp/dw + gamma p)} (the Callan-Symanzik operator) and its diffusion part {@code d^2(D
 * p)/dw^2}, per cell (per step), with the share of the flow: {@code share = |flow|_1 / (|flow|_1 +
 * |diffusion|_1)} in {@code [0, 1]} (1 = drift-dominated, 0 = noise-dominated; NaN when both
 * vanish).
 *
 * @param share flow share of the L1 norm of dp/dt
 *     <p>The arrays are the record's own (not copied); immutable by convention.
 * @param flow flow part per cell
 * @param diffusion diffusion part per cell
 */
public record FlowShare(double share, double[] flow, double[] diffusion) {}
