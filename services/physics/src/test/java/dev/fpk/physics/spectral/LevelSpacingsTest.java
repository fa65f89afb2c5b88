package dev.fpk.physics.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LevelSpacingsTest {
  @Test
  void shouldCallIndependentUniformLevelsPoisson() {
    for (int seed = 1; seed <= 5; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      double[] x = new double[1000];
      for (int i = 0; i < x.length; i++) {
        x[i] = rnd.nextDouble();
      }
      Arrays.sort(x);
      LevelSpacings.Result r = LevelSpacings.of(new double[][] {x}, Double.NaN);
      assertTrue(r.poissonKs() < 0.06, "seed " + seed + ": Poisson KS " + r.poissonKs());
      assertTrue(r.wignerKs() > 0.15, "seed " + seed + ": Wigner KS " + r.wignerKs());
    }
  }

  @Test
  void shouldCallGaussianMatrixSpectraWignerAt160x320() {
    for (int seed = 1; seed <= 5; seed++) {
      float[] w = Matrices.gaussian(new SplittableRandom(seed), 160, 320, 0.1);
      double[] x = SingularValues.squared(w, 160, 320);
      LevelSpacings.Result r = LevelSpacings.of(new double[][] {x}, Double.NaN);
      assertTrue(r.wignerKs() <= 0.10, "seed " + seed + ": Wigner KS " + r.wignerKs());
      assertTrue(r.poissonKs() > r.wignerKs(), "seed " + seed + ": Poisson KS " + r.poissonKs());
    }
  }

  @Test
  void shouldUnfoldToMeanSpacingOneAndLeaveOutTheEdgesOfEachSpectrum() {
    SplittableRandom rnd = new SplittableRandom(9);
    double[][] spectra = new double[3][];
    for (int r = 0; r < 3; r++) {
      spectra[r] = SingularValues.squared(Matrices.gaussian(rnd, 100, 200, 1.0), 100, 200);
    }
    double[] s = LevelSpacings.spacings(spectra, Double.NaN);
    assertEquals(3 * (100 - 2 * 10 - 1), s.length);
    assertEquals(1.0, Arrays.stream(s).average().orElseThrow(), 1e-12);
  }

  @Test
  void shouldLeaveLevelsAboveTheEdgeOutOfTheBulk() {
    SplittableRandom rnd = new SplittableRandom(10);
    double[] x = new double[200];
    for (int i = 0; i < 200; i++) {
      x[i] = i < 190 ? rnd.nextDouble() : 100 + i;
    }
    Arrays.sort(x);
    assertEquals(190 - 2 * 19 - 1, LevelSpacings.of(new double[][] {x}, 1.0).count());
  }

  @Test
  void shouldReturnNaNWithoutSpacings() {
    LevelSpacings.Result r = LevelSpacings.of(new double[][] {{1.0, 2.0}}, Double.NaN);
    assertTrue(Double.isNaN(r.wignerKs()) && Double.isNaN(r.poissonKs()));
  }
}
