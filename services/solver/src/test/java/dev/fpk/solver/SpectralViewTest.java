package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.estimator.EnsembleStep;
import dev.fpk.protocol.v1.SpectrumUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpectralViewTest {
  private static final int ROWS = 40;
  private static final int COLS = 80;

  /** Replicas of i.i.d. N(0, 0.1^2) matrices, each entry then moving by N(0, 0.001^2) per step. */
  private static final class Walk {
    final SplittableRandom rnd = new SplittableRandom(21);
    final float[] values;
    final int replicas;

    Walk(int replicas) {
      this.replicas = replicas;
      values = new float[replicas * ROWS * COLS];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (0.1 * rnd.nextGaussian());
      }
    }

    EnsembleStep step(long step) {
      for (int i = 0; i < values.length; i++) {
        values[i] += (float) (0.001 * rnd.nextGaussian());
      }
      int[] ids = new int[replicas];
      for (int r = 0; r < replicas; r++) {
        ids[r] = r;
      }
      return new EnsembleStep(
          "run", "enc", step, new int[] {ROWS, COLS}, ids, values.clone(), 0.05, 32, 1000 + step);
    }
  }

  @Test
  void shouldPublishOncePerWindowOfEverySteps() {
    SpectralView view = new SpectralView(10);
    Walk walk = new Walk(1);
    List<Long> published = new ArrayList<>();
    for (long t = 3; t <= 45; t++) {
      view.observe(walk.step(t)).ifPresent(u -> published.add(u.getStep()));
    }
    assertEquals(List.of(3L, 10L, 20L, 30L, 40L), published);
  }

  @Test
  void shouldFillTheMessageFromTheLayersSpectrum() {
    SpectralView view = new SpectralView(5);
    Walk walk = new Walk(3);
    SpectrumUpdate first = view.observe(walk.step(0)).orElseThrow();
    assertEquals("run", first.getRunId());
    assertEquals("enc", first.getLayer());
    assertEquals("ensemble", first.getMode());
    assertEquals(3, first.getReplicas());
    assertEquals(List.of(ROWS, COLS), first.getShapeList());
    assertEquals(3 * ROWS, first.getEigenvalueCount());
    assertEquals(3 * ROWS, first.getEigenvaluesCount());
    for (int i = 1; i < first.getEigenvaluesCount(); i++) {
      assertTrue(first.getEigenvalues(i - 1) <= first.getEigenvalues(i), "ascending at " + i);
    }
    assertEquals(0.01, first.getMp().getSigma2(), 0.1 * 0.01);
    assertEquals(0.5, first.getMp().getRatio(), 0.0);
    assertTrue(first.getMp().getKs() < 0.1, "MP KS " + first.getMp().getKs());
    assertTrue(Double.isNaN(first.getTemperature()), "no temperature before a second spectrum");
    assertEquals(0.05, first.getLearningRate(), 0.0);
    assertEquals(32, first.getBatchSize());
    assertEquals(1000, first.getSourceTimeUnixMillis());
    for (long t = 1; t < 5; t++) {
      assertTrue(view.observe(walk.step(t)).isEmpty());
    }
    SpectrumUpdate second = view.observe(walk.step(5)).orElseThrow();
    assertTrue(second.getTemperature() > 0, "temperature " + second.getTemperature());
  }

  @Test
  void shouldCallASingleRunPooled() {
    assertEquals(
        "pooled", new SpectralView(1).observe(new Walk(1).step(0)).orElseThrow().getMode());
  }

  @Test
  void shouldIgnoreBiasesAndStepsThatDoNotAdvance() {
    SpectralView view = new SpectralView(1);
    EnsembleStep bias =
        new EnsembleStep("run", "b", 0, new int[] {8}, new int[] {0}, new float[8], 0.1, 1, 0);
    assertTrue(view.observe(bias).isEmpty());
    Walk walk = new Walk(1);
    assertTrue(view.observe(walk.step(1)).isPresent());
    assertTrue(view.observe(walk.step(1)).isEmpty());
    assertTrue(view.observe(walk.step(0)).isEmpty());
  }

  @Test
  void shouldReadAHigherRankKernelAsOutputChannelsAgainstTheRest() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] w = new float[6 * 2 * 3 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    EnsembleStep conv =
        new EnsembleStep("run", "conv", 0, new int[] {6, 2, 3, 3}, new int[] {0}, w, 0.1, 1, 0);
    SpectrumUpdate u = new SpectralView(1).observe(conv).orElseThrow();
    assertEquals(List.of(6, 18), u.getShapeList());
    assertEquals(6, u.getEigenvalueCount());
  }

  @Test
  void shouldKeepEvenlySpacedOrderStatisticsBeyondTheLimit() {
    double[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    assertArrayEquals(new float[] {0, 2, 4, 6, 8}, SpectralView.orderStatistics(x, 5));
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, SpectralView.orderStatistics(x, 9));
  }

  @Test
  void shouldRejectAWindowBelowOneStep() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SpectralView(0));
    assertTrue(e.getMessage().contains("every-steps"), e.getMessage());
  }
}
