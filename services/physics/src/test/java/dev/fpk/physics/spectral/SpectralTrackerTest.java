package dev.fpk.physics.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpectralTrackerTest {
  @Test
  void shouldSeeMarchenkoPasturAndLevelRepulsionInAGaussianMatrix() {
    for (int seed = 1; seed <= 5; seed++) {
      float[] w = Matrices.gaussian(new SplittableRandom(seed), 160, 320, 0.1);
      Spectrum s = new SpectralTracker().observe(7, w, 1, 160, 320, 0.01);
      assertEquals(160, s.eigenvalues().length);
      assertTrue(s.mp().ks() <= 0.05, "seed " + seed + ": MP KS " + s.mp().ks());
      assertTrue(s.spacingKs() <= 0.10, "seed " + seed + ": Wigner KS " + s.spacingKs());
      assertTrue(s.spikes() <= 2, "seed " + seed + ": spikes " + s.spikes());
      assertTrue(Double.isNaN(s.temperature()), "one spectrum has no temperature");
    }
  }

  @Test
  void shouldSeePoissonSpacingsInAMatrixOfIndependentUniformEigenvalues() {
    SplittableRandom rnd = new SplittableRandom(11);
    double[] u = new double[300];
    for (int i = 0; i < u.length; i++) {
      u[i] = 1 + rnd.nextDouble();
    }
    float[] w = Matrices.withSquaredSingularValues(rnd, u);
    Spectrum s = new SpectralTracker().observe(0, w, 1, 300, 300, 0.01);
    assertTrue(
        s.poissonKs() < s.spacingKs(),
        "Poisson KS " + s.poissonKs() + ", Wigner KS " + s.spacingKs());
  }

  @Test
  void shouldCountTheSpikesOfAPlantedLowRankSignal() {
    SplittableRandom rnd = new SplittableRandom(12);
    int m = 200;
    int n = 400;
    float[] w = Matrices.gaussian(rnd, m, n, 0.05);
    // two strong rank-one directions: eigenvalues far above the bulk edge 0.05^2 * 400 * 2.91 = 2.9
    for (int k = 0; k < 2; k++) {
      float[] a = Matrices.gaussian(rnd, 1, m, 1.0 / Math.sqrt(m));
      float[] b = Matrices.gaussian(rnd, 1, n, 1.0 / Math.sqrt(n));
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          w[i * n + j] += (float) (4.0 * (k + 1) * a[i] * b[j]);
        }
      }
    }
    Spectrum s = new SpectralTracker().observe(0, w, 1, m, n, 0.01);
    assertEquals(2.0, s.spikes(), 0.0);
    assertEquals(0.0025, s.mp().sigma2(), 0.05 * 0.0025);
  }

  @Test
  void shouldPoolReplicasAndTrackTheirTemperature() {
    SplittableRandom rnd = new SplittableRandom(13);
    int rows = 60;
    int cols = 90;
    float[] w0 = Matrices.gaussian(rnd, 3 * rows, cols, 0.2);
    SpectralTracker tracker = new SpectralTracker();
    Spectrum first = tracker.observe(10, w0, 3, rows, cols, 0.1);
    assertEquals(3, first.replicas());
    assertEquals(3 * rows, first.eigenvalues().length);
    double[] expected = new double[3 * rows];
    for (int r = 0; r < 3; r++) {
      System.arraycopy(
          SingularValues.squared(w0, r * rows * cols, rows, cols), 0, expected, r * rows, rows);
    }
    Arrays.sort(expected);
    assertArrayEquals(expected, first.eigenvalues(), 0.0);
    float[] w1 = w0.clone();
    for (int i = 0; i < w1.length; i++) {
      w1[i] += (float) (0.01 * rnd.nextGaussian());
    }
    Spectrum second = tracker.observe(20, w1, 3, rows, cols, 0.1);
    assertTrue(second.temperature() > 0, "temperature " + second.temperature());
  }

  @Test
  void shouldRejectValuesThatAreNotTheGivenMatrices() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new SpectralTracker().observe(0, new float[10], 2, 2, 3, 0.1));
  }
}
