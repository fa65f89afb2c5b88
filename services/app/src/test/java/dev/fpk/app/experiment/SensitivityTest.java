package dev.fpk.app.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.app.experiment.ExperimentSettings.Variant;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import org.junit.jupiter.api.Test;

class SensitivityTest {

  private static DriftDiffusionEstimate estimate(double... diffusion) {
    DriftDiffusionEstimate.Builder b = DriftDiffusionEstimate.newBuilder().setRunId("r").setLayer("l").setStep(100);
    for (double d : diffusion) {
      b.addEntriesBuilder().setDiffusionMean(d);
    }
    return b.build();
  }

  @Test
  void shouldMeasureTheFactorAsTheGeometricMeanOverTheEntries() {
    Sensitivity.Factor f = Sensitivity.factor(estimate(1e-8, 2e-8), estimate(2e-8, 16e-8), Variant.LEARNING_RATE_X2);
    assertEquals(4.0, f.predicted());
    assertEquals(4.0, f.measured(), 1e-12); // sqrt(2 x 8)
    assertEquals(2.0, f.perEntry()[0], 1e-12);
    assertTrue(f.holds());
  }

  @Test
  void shouldHoldOnlyWithinTheToleranceOfThePrediction() {
    double edge = 0.5 * (1 + Sensitivity.TOLERANCE);
    assertTrue(Sensitivity.factor(estimate(1.0), estimate(edge * 0.999), Variant.BATCH_X2).holds());
    assertFalse(Sensitivity.factor(estimate(1.0), estimate(edge * 1.001), Variant.BATCH_X2).holds());
    assertFalse(Sensitivity.factor(estimate(1.0), estimate(0.5 / (1 + Sensitivity.TOLERANCE) * 0.999), Variant.BATCH_X2).holds());
  }

  @Test
  void shouldNotHoldWithoutEstimates() {
    Sensitivity.Factor f = Sensitivity.factor(null, estimate(1.0), Variant.BATCH_X2);
    assertTrue(Double.isNaN(f.measured()));
    assertFalse(f.holds());
  }
}
