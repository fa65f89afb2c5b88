package dev.fpk.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EnsembleEstimatorTest {
  private static final EstimatorSettings SETTINGS =
      new EstimatorSettings(32, Double.POSITIVE_INFINITY, 20, 1000, 16);

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
    assertTrue(
        Math.abs(e.getDriftSlope() - slope) <= 4 * e.getDriftSlopeStderr(),
        e.getDriftSlope() + " +- " + e.getDriftSlopeStderr() + " vs " + slope);
    assertTrue(
        Math.abs(e.getDiffusionMean() - diffusion) <= 4 * e.getDiffusionMeanStderr(),
        e.getDiffusionMean() + " +- " + e.getDiffusionMeanStderr() + " vs " + diffusion);
  }

  @Test
  void shouldEstimateEachEntryApartInEnsembleMode() {
    EnsembleEstimator estimator = new EnsembleEstimator(SETTINGS);
    float[] values = {0f, 1f, 0.1f, 1.1f, 0.2f, 1.2f};
    DriftDiffusionEstimate estimate =
        estimator.update(
            new EnsembleStep(
                "r", "l", 0, new int[] {1, 2}, new int[] {0, 1, 2}, values, 0.1, 8, 0));
    assertEquals("ensemble", estimate.getMode());
    assertEquals(2, estimate.getEntriesCount());
    assertEquals(java.util.List.of(0, 1), estimate.getEntries(1).getIndexList());
  }

  /** Three entries around attractors that move at different speeds, 64 replicas. */
  private static EnsembleStep moving(long step, double[][] w, SplittableRandom random) {
    float[] values = new float[w.length * 3];
    for (int r = 0; r < w.length; r++) {
      for (int e = 0; e < 3; e++) {
        values[r * 3 + e] = (float) w[r][e];
        w[r][e] += -0.05 * (w[r][e] - 0.002 * e * step) + 0.01 * gaussian(random);
      }
    }
    return new EnsembleStep(
        "run",
        "moving",
        step,
        new int[] {1, 3},
        java.util.stream.IntStream.range(0, w.length).toArray(),
        values,
        0.01,
        32,
        0);
  }

  @Test
  void shouldPublishTheChosenMemoryAndRestoreTheAdaptiveEstimatorBitForBit()
      throws java.io.IOException {
    EstimatorSettings adaptive = SETTINGS.withHalfLife(HalfLife.ADAPTIVE);
    SplittableRandom random = new SplittableRandom(4);
    double[][] w = new double[64][3];
    EnsembleEstimator estimator = new EnsembleEstimator(adaptive);
    EnsembleEstimator restored = null;
    java.util.Set<Double> halfLives = new java.util.TreeSet<>();
    boolean timeTerm = false;
    for (int t = 0; t < 150; t++) {
      EnsembleStep step = moving(t, w, random);
      DriftDiffusionEstimate estimate = estimator.update(step);
      if (restored != null) {
        assertEquals(estimate, restored.update(step), "step " + t + " after the restore");
      }
      if (t == 70) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        estimator.writeTo(new java.io.DataOutputStream(bytes));
        restored =
            EnsembleEstimator.readFrom(
                new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())),
                adaptive);
      }
      for (EntryEstimate e : estimate.getEntriesList()) {
        assertTrue(e.getMemoryChosenOnline());
        halfLives.add(e.getMemoryHalfLifeSteps());
        timeTerm |= e.getDriftTimeTerm();
      }
    }
    assertTrue(
        halfLives.stream()
            .allMatch(
                h ->
                    java.util.Arrays.stream(dev.fpk.physics.km.Memories.DEFAULT_HALF_LIVES_STEPS)
                        .anyMatch(d -> d == h)),
        "one of the memories: " + halfLives);
    assertTrue(timeTerm, "the moving attractors use the drift's time term at some steps");
  }

  @Test
  void shouldStartEachVariableAfreshWhenTheCheckpointHasOtherMemories() throws java.io.IOException {
    SplittableRandom random = new SplittableRandom(5);
    double[][] w = new double[16][3];
    EnsembleEstimator fixed = new EnsembleEstimator(SETTINGS);
    for (int t = 0; t < 10; t++) {
      fixed.update(moving(t, w, random));
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    fixed.writeTo(new java.io.DataOutputStream(bytes));
    EnsembleEstimator adaptive =
        EnsembleEstimator.readFrom(
            new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())),
            SETTINGS.withHalfLife(HalfLife.ADAPTIVE));
    DriftDiffusionEstimate next = adaptive.update(moving(10, w, random));
    assertEquals(3, next.getEntriesCount());
    assertTrue(next.getEntries(0).getMemoryChosenOnline());
    double total =
        next.getEntries(0).getCountList().stream().mapToDouble(Double::doubleValue).sum();
    assertEquals(16, total, 1e-9, "afresh: the one step's 16 increments since the restore");
    assertEquals(
        Double.POSITIVE_INFINITY,
        fixed.update(moving(10, w, random)).getEntries(0).getMemoryHalfLifeSteps(),
        "the fixed memory's half-life on the wire");
  }

  private static EnsembleStep step(long step, double[] w) {
    float[] values = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      values[i] = (float) w[i];
    }
    return new EnsembleStep(
        "run", "big", step, new int[] {64, 64}, new int[] {0}, values, 0.01, 32, 0);
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
