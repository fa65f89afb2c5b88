package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.app.experiment.ExperimentSettings.Variant;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import java.util.Map;

/**
 * Diffusion against SGD theory: D = eta^2 Sigma / (2B) per step, so learning rate x2 should
 * multiply the estimated diffusion by 4 and batch size x2 by 0.5.
 *
 * <p>Where: three runs of the same seed whose replicas start from the same weights and differ in
 * data order only, early, while the replicas are still close, so the spread of an increment across
 * replicas is the minibatch noise and not the spread of the drifts of replicas that started apart
 * (which scales with eta^2 but not with 1/B, and dominates in the main run). And at the same
 * gradient-flow time {@code eta t}: the lr x2 run after half the steps, where it has come as far
 * through the landscape and sees the same gradient-noise covariance (measured directly on the
 * trainer's weights over 10 to 200 steps: x3.1 to x5.7 at the same step for seeds 1 and 2, x3.95 to
 * x4.26 at the same eta t for seeds 1 to 3).
 *
 * <p>What: the estimators' mean diffusion (weight units^2 per step, over the run's steps up to
 * then) of each variant against the base run's, entry by entry. The factor is the median over the
 * entries (the geometric mean is reported beside it): the estimator pools increments over its
 * forgetting window, so a drift that changes during the window adds its variation in time to D;
 * that part does not scale with 1/B and dominates the entry whose noise is smallest (entry [0,0] of
 * seed 1: 5x the diffusion measured directly on the trainer). It holds within a factor {@code 1 +
 * }{@value #TOLERANCE} of the prediction.
 */
public final class Sensitivity {
  /** Relative tolerance on the factor (as a ratio: within [1/(1+t), 1+t] times the prediction). */
  public static final double TOLERANCE = 0.25;

  /**
   * The measured factor of one variant against the base run: median and geometric mean over the
   * entries.
   */
  public record Factor(double predicted, double measured, double geometricMean, double[] perEntry) {
    public boolean holds() {
      double r = measured / predicted;
      return r <= 1 + TOLERANCE && r >= 1 / (1 + TOLERANCE);
    }
  }

  private Sensitivity() {}

  /**
   * The factor of {@code variant}'s diffusion over the base run's at the same step; NaN when either
   * is missing.
   */
  public static Factor factor(
      DriftDiffusionEstimate base, DriftDiffusionEstimate variant, Variant v) {
    if (base == null || variant == null) {
      return new Factor(v.predictedDiffusionFactor, Double.NaN, Double.NaN, new double[0]);
    }
    int n = Math.min(base.getEntriesCount(), variant.getEntriesCount());
    double[] per = new double[n];
    double logSum = 0;
    for (int e = 0; e < n; e++) {
      per[e] = variant.getEntries(e).getDiffusionMean() / base.getEntries(e).getDiffusionMean();
      logSum += Math.log(per[e]);
    }
    double[] sorted = per.clone();
    java.util.Arrays.sort(sorted);
    double median =
        n == 0
            ? Double.NaN
            : n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    return new Factor(
        v.predictedDiffusionFactor, median, n == 0 ? Double.NaN : Math.exp(logSum / n), per);
  }

  /** The report's sensitivity section for the estimates of every run at the comparison step. */
  public static ObjectNode write(
      ExperimentSettings s, Map<Variant, DriftDiffusionEstimate> atWindow, ObjectNode o) {
    o.put("windowSteps", s.sensitivitySteps())
        .put(
            "where",
            "the pipeline's estimated mean diffusion of three runs of the same seed whose replicas start"
                + " from the same weights and differ in data order only (so the spread of an increment across replicas"
                + " is minibatch noise; in the main run, whose replicas start apart, the spread of their drifts adds a"
                + " part that scales with eta^2 but not with 1/B), at the same gradient-flow time eta t: over the first"
                + " windowSteps steps, and over the first windowSteps/2 of the lr x2 run")
        .put("tolerance", TOLERANCE);
    ArrayNode runs = o.putArray("runs");
    for (Variant v :
        new Variant[] {Variant.SENSITIVITY_BASE, Variant.LEARNING_RATE_X2, Variant.BATCH_X2}) {
      ObjectNode r =
          runs.addObject()
              .put("runId", s.runId(v))
              .put("comparedAtStep", s.comparisonStep(v))
              .put("seeding", v.seeding.name())
              .put("learningRate", s.learningRate() * v.learningRateFactor)
              .put("batchSize", s.batchSize() * v.batchFactor);
      DriftDiffusionEstimate e = atWindow.get(v);
      ArrayNode d = r.putArray("diffusionMean");
      if (e != null) {
        e.getEntriesList().forEach(x -> Json.addNumber(d, x.getDiffusionMean()));
      }
    }
    for (Variant v : new Variant[] {Variant.LEARNING_RATE_X2, Variant.BATCH_X2}) {
      Factor f = factor(atWindow.get(Variant.SENSITIVITY_BASE), atWindow.get(v), v);
      ObjectNode x =
          o.putObject(v == Variant.LEARNING_RATE_X2 ? "learningRateX2" : "batchSizeX2")
              .put("predicted", f.predicted());
      Json.putNumber(x, "measured", f.measured());
      Json.putNumber(x, "geometricMean", f.geometricMean());
      Json.numbers(x.putArray("perEntry"), f.perEntry());
      x.put("holds", f.holds());
    }
    return o;
  }
}
