package dev.fpk.app.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.app.experiment.ExperimentSettings.Variant;
import dev.fpk.protocol.v1.SpectrumUpdate;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TemperatureSensitivityTest {

  @Test
  void comparesTheMeanTemperaturesUpToTheSameGradientFlowTime() {
    // 100-step window: base and batch x2 compared up to step 100, lr x2 up to step 50
    ExperimentSettings s = new ExperimentSettings(8, 300, 1, 0.1, 32, 100);
    Map<Variant, NavigableMap<Long, SpectrumUpdate>> spectra = new EnumMap<>(Variant.class);
    spectra.put(Variant.SENSITIVITY_BASE, spectra(100, 2.5e-4, 2.5e-4));
    // lr x2: 2x until step 50, anything after it is not compared
    NavigableMap<Long, SpectrumUpdate> lr = spectra(50, 4e-4, 6e-4);
    lr.put(60L, update(60, 1.0));
    spectra.put(Variant.LEARNING_RATE_X2, lr);
    spectra.put(Variant.BATCH_X2, spectra(100, 2e-4, 2e-4));
    TemperatureSensitivity t = new TemperatureSensitivity(s, spectra);

    TemperatureSensitivity.Factor lrFactor = t.factor(Variant.LEARNING_RATE_X2);
    assertEquals(2.0, lrFactor.predicted());
    assertEquals(2.0, lrFactor.measured(), 1e-12, "means 5e-4 over 2.5e-4");
    assertTrue(lrFactor.holds());
    TemperatureSensitivity.Factor batch = t.factor(Variant.BATCH_X2);
    assertEquals(0.5, batch.predicted());
    assertEquals(0.8, batch.measured(), 1e-12, "2e-4 over 2.5e-4");
    assertFalse(batch.holds(), "0.8 is not within 25% of 0.5");
  }

  /**
   * Updates every 10 steps from 10 to {@code until}: the first without a temperature (NaN, left
   * out), then alternately {@code a} and {@code b}.
   */
  private static NavigableMap<Long, SpectrumUpdate> spectra(long until, double a, double b) {
    NavigableMap<Long, SpectrumUpdate> out = new TreeMap<>();
    out.put(10L, update(10, Double.NaN));
    for (long step = 20; step <= until; step += 10) {
      out.put(step, update(step, (step / 10) % 2 == 0 ? a : b));
    }
    return out;
  }

  private static SpectrumUpdate update(long step, double temperature) {
    return SpectrumUpdate.newBuilder().setStep(step).setTemperature(temperature).build();
  }
}
