package dev.fpk.app.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.app.experiment.ExperimentSettings.Variant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentSettingsTest {
  private final ExperimentSettings settings = new ExperimentSettings(256, 3000, 1, 0.1, 32, 100);

  @Test
  void shouldCompareTheLearningRateRunAtTheSameGradientFlowTime() {
    assertEquals(100, settings.comparisonStep(Variant.SENSITIVITY_BASE));
    assertEquals(50, settings.comparisonStep(Variant.LEARNING_RATE_X2));
    assertEquals(100, settings.comparisonStep(Variant.BATCH_X2));
    assertEquals(50, settings.steps(Variant.LEARNING_RATE_X2));
    assertEquals(3000, settings.steps(Variant.MAIN));
  }

  @Test
  void shouldPlaceFiveCheckpointsOnKeptStepsLeavingRoomForTheKpzPair() {
    List<Long> c = settings.checkpoints();
    assertEquals(List.of(150L, 740L, 1480L, 2210L, 2950L), c);
    assertTrue(c.get(c.size() - 1) + ExperimentSettings.KPZ_DT_STEPS <= 3000);
  }

  @Test
  void shouldNameTheOptionAndValueOfABadSetting() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ExperimentSettings(256, 3000, 1, 0.1, 32, 50));
    assertTrue(
        e.getMessage().contains("--sensitivity-steps") && e.getMessage().contains("50"),
        e.getMessage());
    var r =
        assertThrows(
            IllegalArgumentException.class, () -> new ExperimentSettings(4, 3000, 1, 0.1, 32, 100));
    assertTrue(
        r.getMessage().contains("--replicas") && r.getMessage().contains("4"), r.getMessage());
  }
}
