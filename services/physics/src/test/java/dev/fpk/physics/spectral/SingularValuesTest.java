package dev.fpk.physics.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SingularValuesTest {
  @ParameterizedTest
  @EnumSource(SingularValues.Route.class)
  void shouldReturnTheGivenSquaredSingularValuesAscendingOnEveryRoute(SingularValues.Route route) {
    SplittableRandom rnd = new SplittableRandom(3);
    double[] x = new double[120];
    for (int i = 0; i < x.length; i++) {
      x[i] = 0.5 + 4 * rnd.nextDouble();
    }
    float[] w = Matrices.withSquaredSingularValues(rnd, x);
    double[] got = SingularValues.squared(w, 0, 120, 120, route);
    double[] want = x.clone();
    Arrays.sort(want);
    // single precision: Gram-matrix roundoff about 1e-6 of the largest eigenvalue (4.5)
    assertArrayEquals(want, got, 2e-4 * want[want.length - 1]);
  }

  @Test
  void shouldGiveMinOfRowsAndColsValuesTheSameForTheTranspose() {
    SplittableRandom rnd = new SplittableRandom(4);
    float[] w = Matrices.gaussian(rnd, 40, 90, 1.0);
    double[] wide = SingularValues.squared(w, 40, 90);
    double[] tall = SingularValues.squared(Matrices.transpose(w, 40, 90), 90, 40);
    assertEquals(40, wide.length);
    assertArrayEquals(wide, tall, 1e-4 * wide[39]);
  }

  @Test
  void shouldSumToTheSquaredFrobeniusNorm() {
    SplittableRandom rnd = new SplittableRandom(5);
    float[] w = Matrices.gaussian(rnd, 70, 50, 0.3);
    double frobenius = 0;
    for (float v : w) {
      frobenius += (double) v * v;
    }
    assertEquals(
        frobenius, Arrays.stream(SingularValues.squared(w, 70, 50)).sum(), 1e-5 * frobenius);
  }

  @Test
  void shouldReadOneReplicaOfSeveralByItsOffset() {
    SplittableRandom rnd = new SplittableRandom(6);
    float[] a = Matrices.gaussian(rnd, 8, 12, 1.0);
    float[] b = Matrices.gaussian(rnd, 8, 12, 2.0);
    float[] both = new float[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    assertArrayEquals(
        SingularValues.squared(b, 8, 12), SingularValues.squared(both, a.length, 8, 12), 0.0);
  }

  @Test
  void shouldFindOneNonzeroValueForARankOneMatrix() {
    float[] w = new float[6 * 4];
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 4; j++) {
        w[i * 4 + j] = (i + 1) * (j - 1.5f);
      }
    }
    double[] got = SingularValues.squared(w, 6, 4);
    double uu = 1 + 4 + 9 + 16 + 25 + 36;
    double vv = 2.25 + 0.25 + 0.25 + 2.25;
    assertEquals(uu * vv, got[3], 1e-5 * uu * vv);
    for (int i = 0; i < 3; i++) {
      assertEquals(0.0, got[i], 1e-5 * uu * vv);
    }
  }

  @Test
  void shouldReturnNothingForAnEmptyMatrixAndRejectABlockOutsideTheArray() {
    assertEquals(0, SingularValues.squared(new float[0], 0, 5).length);
    assertThrows(IllegalArgumentException.class, () -> SingularValues.squared(new float[10], 3, 4));
  }
}
