package dev.fpk.physics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** ln Gamma against factorials, Q(a, x) against closed forms and a numerical integral. */
class GammaFunctionTest {

  @Test
  void shouldGiveLogFactorialsAtIntegersAndRootPiAtOneHalf() {
    double lnFactorial = 0;
    for (int n = 1; n <= 170; n++) {
      assertEquals(
          lnFactorial,
          GammaFunction.lnGamma(n),
          1e-13 * Math.max(1, lnFactorial),
          "ln Gamma(" + n + ")");
      lnFactorial += Math.log(n);
    }
    assertEquals(0.5 * Math.log(Math.PI), GammaFunction.lnGamma(0.5), 1e-14);
    assertTrue(Double.isNaN(GammaFunction.lnGamma(0)));
  }

  @Test
  void shouldMatchClosedFormsOfTheUpperTail() {
    for (double x = 0.01; x < 60; x *= 1.3) {
      // a = 1: e^{-x}; a = 3: e^{-x} (1 + x + x^2 / 2); a = 1/2: erfc(sqrt x)
      assertEquals(
          Math.exp(-x),
          GammaFunction.upperRegularized(1, x),
          1e-13 * Math.exp(-x),
          "a = 1, x = " + x);
      double three = Math.exp(-x) * (1 + x + x * x / 2);
      assertEquals(three, GammaFunction.upperRegularized(3, x), 1e-12 * three, "a = 3, x = " + x);
      double half = Normal.erfc(Math.sqrt(x));
      assertEquals(
          half, GammaFunction.upperRegularized(0.5, x), 1e-12 * half + 1e-300, "a = 1/2, x = " + x);
    }
    assertEquals(1, GammaFunction.upperRegularized(2.5, 0));
    assertEquals(1, GammaFunction.upperRegularized(2.5, -1));
    assertTrue(Double.isNaN(GammaFunction.upperRegularized(2.5, Double.NaN)));
  }

  @Test
  void shouldMatchTheIntegralOfTheGammaDensityAtANonIntegerShape() {
    double a = 2.7777777777777777;
    double norm = Math.exp(GammaFunction.lnGamma(a));
    for (double x : new double[] {0.3, 1, 2.5, 6, 12}) {
      // Simpson on [x, x + 80], the density's mass beyond is below 1e-30
      int n = 400_000;
      double h = 80.0 / n;
      double s = 0;
      for (int i = 0; i <= n; i++) {
        double t = x + i * h;
        double f = Math.pow(t, a - 1) * Math.exp(-t) / norm;
        s += (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2) * f;
      }
      double q = s * h / 3;
      assertEquals(q, GammaFunction.upperRegularized(a, x), 1e-10 * q, "x = " + x);
    }
  }
}
