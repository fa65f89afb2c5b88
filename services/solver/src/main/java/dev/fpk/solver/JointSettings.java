package dev.fpk.solver;

import com.typesafe.config.Config;
import dev.fpk.estimator.HalfLife;

/**
 * Settings of the joint 4-D model of 2x2 layers ({@link JointSolver}), built once from the {@code
 * fpk.solver.joint} config section (reference.conf documents every key).
 *
 * @param enabled whether solver entities of layers with exactly 4 entries (ensemble mode) run it
 * @param cells cells per axis of the tensor grid, 4..40 (the cost of a step grows as cells^4)
 * @param halfLifeSteps half-life of the joint drift fit's forgetting in optimiser steps (+infinity:
 *     none)
 */
public record JointSettings(boolean enabled, int cells, double halfLifeSteps) {
  public static final JointSettings DEFAULTS = new JointSettings(true, 16, 1000);

  public JointSettings {
    if (cells < 4 || cells > 40) {
      throw new IllegalArgumentException("fpk.solver.joint.cells = " + cells + ": must be 4..40");
    }
    if (!(halfLifeSteps > 0)) {
      throw new IllegalArgumentException("fpk.solver.joint.half-life-steps = " + halfLifeSteps + ": must be > 0 (or inf)");
    }
  }

  public static JointSettings fromConfig(Config root) {
    Config c = root.getConfig("fpk.solver.joint");
    // the joint drift fit has no memory choice of its own: "adaptive" (the estimators' default) keeps its former 1000 steps
    double steps = HalfLife.parse(c, "half-life-steps", "fpk.solver.joint.half-life-steps")
        .stepsOr(DEFAULTS.halfLifeSteps());
    return new JointSettings(c.getBoolean("enabled"), c.getInt("cells"), steps);
  }
}
