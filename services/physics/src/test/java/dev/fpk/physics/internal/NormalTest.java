package dev.fpk.physics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The error function's right tail with fewer continued-fraction terms than the 60 it used to take.
 */
class NormalTest {

  /** The continued fraction with 60 terms, as it was evaluated before the terms depended on x. */
  private static double sixtyTerms(double x) {
    double f = x;
    for (int k = 60; k >= 1; k--) {
      f = x + (k * 0.5) / f;
    }
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }

  @Test
  void shouldMatchTheSixtyTermFractionToAboutAnUlpOverTheWholeTail() {
    double worst = 0;
    for (int i = 0; i <= 230_000; i++) {
      double x = 3 + 1e-9 + i * 1e-4; // (3, 26]: beyond, e^{-x^2} is subnormal
      double relative = Math.abs(Normal.erfc(x) - sixtyTerms(x)) / sixtyTerms(x);
      worst = Math.max(worst, relative);
    }
    assertTrue(worst < 1e-15, "largest relative difference " + worst);
  }

  @Test
  void shouldGiveKnownValues() {
    // erfc from Python's math.erfc (C library), Phi(-z) = erfc(z / sqrt 2) / 2
    assertEquals(
        2.2090496998585438e-05, Normal.erfc(3.0), 1e-15, "the series side: 1e-15 absolute");
    assertEquals(
        2.19516609177373e-05, Normal.erfc(3.001), 1e-15 * 2.2e-05, "the fraction side: relative");
    assertEquals(1.5374597944280351e-12, Normal.erfc(5.0), 1e-15 * 1.6e-12);
    assertEquals(2.088487583762545e-45, Normal.erfc(10.0), 1e-15 * 2.1e-45);
    assertEquals(1.0, Normal.cdf(9.0), 0.0, "2 - erfc(6.4) rounds to 2");
    assertEquals(0.5 * 2.2090496998585438e-05, Normal.cdf(-3.0 * Math.sqrt(2)), 1e-15);
  }
}
