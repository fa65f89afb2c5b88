package dev.fpk.app.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.app.experiment.ExperimentSettings.Variant;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import org.junit.jupiter.api.Test;

class SensitivityTest {

  private static DriftDiffusionEstimate estimate(double... diffusion) {
    DriftDiffusionEstimate.Builder b =
        DriftDiffusionEstimate.newBuilder().setRunId("r").setLayer("l").setStep(100);
    for (double d : diffusion) {
      b.addEntriesBuilder().setDiffusionMean(d);
    }
    return b.build();
  }

  @Test
  void shouldMeasureTheFactorAsTheMedianOverTheEntries() {
    // one entry far off (its D dominated by something else) does not move the median
    Sensitivity.Factor f =
        Sensitivity.factor(
            estimate(1e-8, 2e-8, 1e-8, 1e-8),
            estimate(1e-8, 7e-8, 4.2e-8, 4e-8),
            Variant.LEARNING_RATE_X2);
    assertEquals(4.0, f.predicted());
    assertEquals(3.75, f.measured(), 1e-12); // median of 1, 3.5, 4, 4.2
    assertEquals(Math.pow(1 * 3.5 * 4.2 * 4, 0.25), f.geometricMean(), 1e-12);
    assertEquals(1.0, f.perEntry()[0], 1e-12);
    assertTrue(f.holds());
  }

  @Test
  void shouldHoldOnlyWithinTheToleranceOfThePrediction() {
    double edge = 0.5 * (1 + Sensitivity.TOLERANCE);
    assertTrue(Sensitivity.factor(estimate(1.0), estimate(edge * 0.999), Variant.BATCH_X2).holds());
    assertFalse(
        Sensitivity.factor(estimate(1.0), estimate(edge * 1.001), Variant.BATCH_X2).holds());
    assertFalse(
        Sensitivity.factor(
                estimate(1.0),
                estimate(0.5 / (1 + Sensitivity.TOLERANCE) * 0.999),
                Variant.BATCH_X2)
            .holds());
  }

  @Test
  void shouldNotHoldWithoutEstimates() {
    Sensitivity.Factor f = Sensitivity.factor(null, estimate(1.0), Variant.BATCH_X2);
    assertTrue(Double.isNaN(f.measured()));
    assertFalse(f.holds());
  }
}
