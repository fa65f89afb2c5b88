package dev.fpk.physics.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Replicas that each keep a drift of their own (a constant {@code v_r}, spread {@code s}) beside a
 * field and noise: the velocities find each replica's drift, shrunk by the signal-to-noise the
 * forgetting average allows, and say how much of a step's variance the drifts explain; without own
 * drifts they keep nothing; a drift common to all replicas that the field misses stays whole; a
 * checkpoint restores them bit for bit.
 */
class ReplicaVelocitiesTest {
  private static final Grid1D G = Grid1D.of(-10, 10, 200);
  private static final int R = 256;
  private static final double HALF_LIFE = 50;
  private static final double NOISE = 1e-2; // per-step noise sd, weight units

  /** The field -a w at the cell centres. */
  private static double[] field(double a) {
    double[] mu = new double[G.cells()];
    for (int c = 0; c < mu.length; c++) {
      mu[c] = -a * G.centre(c);
    }
    return mu;
  }

  /** Runs the replicas {@code steps} steps: w += -a w + common + own[r] + noise. */
  private static ReplicaVelocities run(double a, double common, double[] own, int steps) {
    SplittableRandom random = new SplittableRandom(11);
    double[] w = new double[R];
    for (int r = 0; r < R; r++) {
      w[r] = random.nextGaussian();
    }
    double[] mu = field(a);
    ReplicaVelocities v = ReplicaVelocities.start(w, HALF_LIFE);
    for (int t = 0; t < steps; t++) {
      for (int r = 0; r < R; r++) {
        w[r] += -a * w[r] + common + own[r] + NOISE * random.nextGaussian();
      }
      v.observe(w, 1, G, mu);
    }
    return v;
  }

  private static double[] ownDrifts(double s) {
    SplittableRandom random = new SplittableRandom(4);
    double[] own = new double[R];
    for (int r = 0; r < R; r++) {
      own[r] = s * random.nextGaussian();
    }
    return own;
  }

  @Test
  void shouldFindEachReplicasOwnDriftShrunkBySignalToNoise() {
    double s = 2e-3;
    double[] own = ownDrifts(s);
    ReplicaVelocities v = run(0.01, 0, own, 600);
    double[] found = v.ownDrift();
    // the forgetting average's noise: sigma^2 (1 - q) / (1 + q) at steady state
    double q = Math.pow(2, -1 / HALF_LIFE);
    double noise = NOISE * NOISE * (1 - q) / (1 + q);
    double spread = variance(own);
    double k = spread / (spread + noise);
    assertTrue(k > 0.5 && k < 0.9, "a case where shrinkage matters: k = " + k);
    assertEquals(k * spread, v.explainedVariance(), 0.25 * k * spread);
    assertTrue(correlation(found, own) > 0.85, "found " + correlation(found, own));
    // shrunk: the found drifts spread less than the true ones, by about k
    double ratio = Math.sqrt(variance(found) / spread);
    assertTrue(ratio > 0.7 * k && ratio < 1.15, "spread of the found over the true " + ratio);
  }

  @Test
  void shouldKeepNothingWithoutOwnDrifts() {
    ReplicaVelocities v = run(0.01, 0, new double[R], 600);
    double q = Math.pow(2, -1 / HALF_LIFE);
    double noise = NOISE * NOISE * (1 - q) / (1 + q);
    assertTrue(v.explainedVariance() < 0.1 * noise, "explained " + v.explainedVariance());
    assertTrue(Math.sqrt(variance(v.ownDrift())) < 0.35 * Math.sqrt(noise));
  }

  @Test
  void shouldKeepADriftCommonToAllReplicasThatTheFieldMisses() {
    double common = 3e-3;
    double[] found = run(0.01, common, new double[R], 600).ownDrift();
    assertEquals(common, mean(found), 2e-4);
    assertEquals(0, mean(run(0.01, 0, new double[R], 600).ownDrift()), 2e-4);
  }

  @Test
  void shouldBeZeroBeforeAnyResidual() {
    ReplicaVelocities v = ReplicaVelocities.start(new double[] {0.1, 0.2}, HALF_LIFE);
    assertArrayEquals(new double[2], v.ownDrift());
    assertEquals(0, v.explainedVariance());
  }

  @Test
  void shouldRestoreFromACheckpointBitForBit() throws IOException {
    ReplicaVelocities v = run(0.01, 1e-3, ownDrifts(1e-3), 80);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    v.writeTo(new DataOutputStream(bytes));
    ReplicaVelocities back =
        ReplicaVelocities.readFrom(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertEquals(v, back);
    double[] w = new double[R];
    java.util.Arrays.fill(w, 0.5);
    v.observe(w, 2, G, field(0.01));
    back.observe(w, 2, G, field(0.01));
    assertArrayEquals(v.ownDrift(), back.ownDrift());
    assertEquals(v.explainedVariance(), back.explainedVariance());
  }

  private static double mean(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    return sum / x.length;
  }

  private static double variance(double[] x) {
    double m = mean(x);
    double sum = 0;
    for (double v : x) {
      sum += (v - m) * (v - m);
    }
    return sum / (x.length - 1);
  }

  private static double correlation(double[] x, double[] y) {
    double mx = mean(x);
    double my = mean(y);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }
}
