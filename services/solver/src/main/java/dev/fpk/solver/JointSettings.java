package dev.fpk.solver;

import com.typesafe.config.Config;
import dev.fpk.estimator.HalfLife;

/**
 * Settings of the joint 4-D model of 2x2 layers ({@link JointSolver}), built once from the {@code
 * fpk.solver.joint} config section (reference.conf documents every key).
 *
 * @param enabled whether solver entities of layers with exactly 4 entries (ensemble mode) run it
 * @param particles particles of the joint density, 64..1,000,000 (the cost of a step and the state
 *     grow linearly; the Monte Carlo error falls as 1/sqrt(particles))
 * @param halfLifeSteps half-life of the joint drift fit's forgetting in optimiser steps (+infinity:
 *     none)
 * @param entrywiseFields whether each entry's nonlinear drift and its diffusion from the entry-wise
 *     estimate join the joint linear fit (false: the linear SDE of the fit alone)
 * @param neighbours the drift is the mean rate of this many replicas nearest to a particle over the
 *     last interval ({@code NeighbourDrift}), >= 0; 0: the fit's drift
 */
public record JointSettings(
    boolean enabled, int particles, double halfLifeSteps, boolean entrywiseFields, int neighbours) {
  /**
   * The joint drift fit's half-life when the estimators' memory is "adaptive": the fit chooses no
   * memory of its own, and its linear part must keep up with entry-wise fields that are local in
   * time, or the joint marginals lag them. 40 steps is the memory the experiment's entries choose
   * in the slow phase (README, Results).
   */
  public static final double ADAPTIVE_HALF_LIFE_STEPS = 40;

  /** {@code neighbours} of reference.conf. */
  public static final int DEFAULT_NEIGHBOURS = 8;

  /** What reference.conf gives under the estimators' default (adaptive) memory. */
  public static final JointSettings DEFAULTS =
      new JointSettings(true, 4096, ADAPTIVE_HALF_LIFE_STEPS, true, DEFAULT_NEIGHBOURS);

  public JointSettings {
    if (particles < 64 || particles > 1_000_000) {
      throw new IllegalArgumentException(
          "fpk.solver.joint.particles = " + particles + ": must be 64..1000000");
    }
    if (!(halfLifeSteps > 0)) {
      throw new IllegalArgumentException(
          "fpk.solver.joint.half-life-steps = " + halfLifeSteps + ": must be > 0 (or inf)");
    }
    if (neighbours < 0) {
      throw new IllegalArgumentException(
          "fpk.solver.joint.neighbours = " + neighbours + ": must be >= 0 (0 = the fit's drift)");
    }
  }

  public static JointSettings fromConfig(Config root) {
    Config c = root.getConfig("fpk.solver.joint");
    double steps =
        HalfLife.parse(c, "half-life-steps", "fpk.solver.joint.half-life-steps")
            .stepsOr(ADAPTIVE_HALF_LIFE_STEPS);
    return new JointSettings(
        c.getBoolean("enabled"),
        c.getInt("particles"),
        steps,
        c.getBoolean("entrywise-fields"),
        c.getInt("neighbours"));
  }
}
