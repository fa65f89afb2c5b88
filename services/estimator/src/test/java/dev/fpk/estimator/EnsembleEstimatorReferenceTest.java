package dev.fpk.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The estimator gives, step by step, the same estimate as {@link ReferenceEnsembleEstimator} (its
 * former plain implementation), bit for bit, on random streams that exercise every path: replicas
 * missing at some steps, gaps of several steps, forgetting, grids that grow with the weights and
 * restart after a jump, bins below the minimum count, pooled mode, replica ids out of order, and a
 * checkpoint restore half way.
 */
class EnsembleEstimatorReferenceTest {

  @Test
  void shouldGiveTheReferenceEstimateInEnsembleModeWithDropoutsGapsGrowthAndRestarts()
      throws IOException {
    EstimatorSettings settings = new EstimatorSettings(8, 25, 5, 1000, 16);
    int changedGrids = compare(settings, new Stream(12, 3, 4, false, 1), 80, -1);
    assertTrue(changedGrids > 0, "the stream should move some grids");
  }

  @Test
  void shouldGiveTheReferenceEstimateWithoutForgettingOnTheDefaultBins() throws IOException {
    compare(
        new EstimatorSettings(32, Double.POSITIVE_INFINITY, 20, 1000, 16),
        new Stream(64, 4, 4, false, 2),
        40,
        -1);
  }

  @Test
  void shouldGiveTheReferenceEstimateWhenReplicaIdsAreNotInOrder() throws IOException {
    compare(new EstimatorSettings(8, 40, 3, 1000, 16), new Stream(9, 2, 3, true, 3), 50, -1);
  }

  @Test
  void shouldGiveTheReferenceEstimateInPooledModeAlsoWhenMoreReplicasJoinLater()
      throws IOException {
    compare(new EstimatorSettings(16, 30, 4, 1000, 16), new Stream(1, 5, 5, false, 4), 60, -1);
    // a first step of one replica makes the layer pooled; replicas joining later feed the one
    // variable
    compare(
        new EstimatorSettings(16, 30, 4, 1000, 16),
        new Stream(3, 5, 5, false, 6).startingAlone(),
        60,
        -1);
  }

  @Test
  void shouldGiveTheReferenceEstimateAfterACheckpointRestore() throws IOException {
    compare(new EstimatorSettings(8, 25, 5, 1000, 16), new Stream(12, 3, 4, false, 5), 60, 23);
  }

  /**
   * Feeds {@code steps} steps to both estimators and asserts equal estimates at each; the fast one
   * goes through writeTo / readFrom after step {@code restoreAt} (none if negative). Returns how
   * many steps changed some entry's grid.
   */
  private static int compare(EstimatorSettings settings, Stream stream, int steps, int restoreAt)
      throws IOException {
    ReferenceEnsembleEstimator reference = new ReferenceEnsembleEstimator(settings);
    EnsembleEstimator fast = new EnsembleEstimator(settings);
    DriftDiffusionEstimate last = null;
    int changedGrids = 0;
    for (int t = 0; t < steps; t++) {
      EnsembleStep step = stream.next();
      DriftDiffusionEstimate expected = reference.update(step);
      DriftDiffusionEstimate actual = fast.update(step);
      assertEquals(expected, actual, "step " + step.step());
      assertArrayEquals(expected.toByteArray(), actual.toByteArray(), "step " + step.step());
      if (last != null
          && !last.getEntries(0).getGridList().equals(actual.getEntries(0).getGridList())) {
        changedGrids++;
      }
      last = actual;
      if (t == restoreAt) {
        fast = restored(fast, settings);
      }
    }
    return changedGrids;
  }

  private static EnsembleEstimator restored(EnsembleEstimator e, EstimatorSettings settings)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      e.writeTo(out);
    }
    return EnsembleEstimator.readFrom(
        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), settings);
  }

  /**
   * Replicas of OU entries around a centre that drifts (so grids grow), with one jump of the whole
   * ensemble far away (so grids restart); each step after the first lacks some replicas and comes 1
   * to 3 optimiser steps after the last.
   */
  private static final class Stream {
    private final int rows;
    private final int cols;
    private final boolean shuffled;
    private final SplittableRandom random;
    private final double[][] w;
    private long step = -1;
    private int made;
    private boolean alone;

    Stream(int replicas, int rows, int cols, boolean shuffled, long seed) {
      this.rows = rows;
      this.cols = cols;
      this.shuffled = shuffled;
      this.random = new SplittableRandom(seed);
      this.w = new double[replicas][rows * cols];
      for (double[] r : w) {
        for (int e = 0; e < r.length; e++) {
          r[e] = 0.05 * e + 0.02 * random.nextGaussian();
        }
      }
    }

    /** The first step has replica 0 only. */
    Stream startingAlone() {
      alone = true;
      return this;
    }

    EnsembleStep next() {
      long gap = made == 0 ? 1 : 1 + random.nextInt(3);
      step += gap;
      made++;
      for (double[] r : w) {
        for (int e = 0; e < r.length; e++) {
          double centre = 0.05 * e + 0.004 * step;
          r[e] += -0.05 * gap * (r[e] - centre) + 0.01 * Math.sqrt(gap) * random.nextGaussian();
          if (made == 30) {
            r[e] += 3; // far outside every grid: the entries start afresh
          }
        }
      }
      int[] present = present();
      int n = rows * cols;
      float[] values = new float[present.length * n];
      for (int k = 0; k < present.length; k++) {
        for (int e = 0; e < n; e++) {
          values[k * n + e] = (float) w[present[k]][e];
        }
      }
      return new EnsembleStep(
          "run", "layer", step, new int[] {rows, cols}, present, values, 0.01, 32, 0);
    }

    /**
     * All replicas at first, then each with probability 0.8 (at least one), ascending unless
     * shuffled.
     */
    private int[] present() {
      if (made == 1 && alone) {
        return new int[] {0};
      }
      int[] ids = new int[w.length];
      int count = 0;
      for (int k = 0; k < w.length; k++) {
        if (made == 1 || random.nextDouble() < 0.8) {
          ids[count++] = k;
        }
      }
      if (count == 0) {
        ids[count++] = random.nextInt(w.length);
      }
      int[] out = java.util.Arrays.copyOf(ids, count);
      if (shuffled) {
        for (int i = out.length - 1; i > 0; i--) {
          int j = random.nextInt(i + 1);
          int t = out[i];
          out[i] = out[j];
          out[j] = t;
        }
      }
      return out;
    }
  }
}
