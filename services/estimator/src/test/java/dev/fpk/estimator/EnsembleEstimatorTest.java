package dev.fpk.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EnsembleEstimatorTest {
  private static final EstimatorSettings SETTINGS = new EstimatorSettings(32, Double.POSITIVE_INFINITY, 20, 1000, 16);

  /** One replica of a 64x64 matrix whose entries are independent OU processes with rate k. */
  @Test
  void shouldPoolTheEntriesOfASingleReplicaIntoOneOrnsteinUhlenbeckFitWithinFourStandardErrors() {
    double k = 0.02;
    double d = 1e-4;
    int entries = 64 * 64;
    SplittableRandom random = new SplittableRandom(11);
    double[] w = new double[entries];
    for (int e = 0; e < entries; e++) {
      w[e] = 0.3 * gaussian(random);
    }
    EnsembleEstimator estimator = new EnsembleEstimator(SETTINGS);
    DriftDiffusionEstimate estimate = null;
    for (int step = 0; step <= 50; step++) {
      estimate = estimator.update(step(step, w));
      double decay = Math.exp(-k);
      for (int e = 0; e < entries; e++) {
        w[e] = w[e] * decay + Math.sqrt(d * (1 - decay * decay) / k) * gaussian(random);
      }
    }
    assertEquals("pooled", estimate.getMode());
    assertEquals(1, estimate.getEntriesCount(), "one variable for the whole matrix");
    EntryEstimate e = estimate.getEntries(0);
    assertEquals(0, e.getIndexCount(), "a pooled variable has no entry index");
    double slope = -(1 - Math.exp(-k));
    double diffusion = d * (1 - Math.exp(-2 * k)) / (2 * k);
    assertTrue(Math.abs(e.getDriftSlope() - slope) <= 4 * e.getDriftSlopeStderr(),
        e.getDriftSlope() + " +- " + e.getDriftSlopeStderr() + " vs " + slope);
    assertTrue(Math.abs(e.getDiffusionMean() - diffusion) <= 4 * e.getDiffusionMeanStderr(),
        e.getDiffusionMean() + " +- " + e.getDiffusionMeanStderr() + " vs " + diffusion);
  }

  @Test
  void shouldEstimateEachEntryApartInEnsembleMode() {
    EnsembleEstimator estimator = new EnsembleEstimator(SETTINGS);
    float[] values = {0f, 1f, 0.1f, 1.1f, 0.2f, 1.2f};
    DriftDiffusionEstimate estimate = estimator.update(new EnsembleStep("r", "l", 0, new int[] {1, 2},
        new int[] {0, 1, 2}, values, 0.1, 8, 0));
    assertEquals("ensemble", estimate.getMode());
    assertEquals(2, estimate.getEntriesCount());
    assertEquals(java.util.List.of(0, 1), estimate.getEntries(1).getIndexList());
  }

  private static EnsembleStep step(long step, double[] w) {
    float[] values = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      values[i] = (float) w[i];
    }
    return new EnsembleStep("run", "big", step, new int[] {64, 64}, new int[] {0}, values, 0.01, 32, 0);
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
