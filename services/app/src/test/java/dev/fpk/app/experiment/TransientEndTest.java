package dev.fpk.app.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

class TransientEndTest {

  private static NavigableMap<Long, Double> curve(long steps, LongToDoubleFunction loss) {
    NavigableMap<Long, Double> out = new TreeMap<>();
    for (long t = 1; t <= steps; t++) {
      out.put(t, loss.applyAsDouble(t));
    }
    return out;
  }

  @Test
  void shouldEndTheTransientWhereTheRelativeLossRateHasFallenToTheFraction() {
    // L = c + a exp(-t/tau): relative rate r(t) = (a/tau) e^{-t/tau} / L(t), decreasing to 0
    double a = 0.3;
    double c = 0.2;
    double tau = 200;
    TransientEnd end = TransientEnd.of(curve(3000, t -> c + a * Math.exp(-t / tau)), 3000);
    assertEquals("loss-rate", end.rule());
    // the continuous rate at t = 50 and the step where it falls to 5% of that, solved by bisection
    double r0 = rate(a, c, tau, 50);
    double lo = 50;
    double hi = 3000;
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      if (rate(a, c, tau, mid) > TransientEnd.FRACTION * r0) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    // windows of 50 steps and a stride of 10 blur the crossing by a few steps
    assertEquals(hi, end.step(), 20, "transient end");
    assertEquals(r0, end.initialRatePerStep(), 0.05 * r0);
    assertTrue(end.rateAtEndPerStep() <= TransientEnd.FRACTION * end.initialRatePerStep());
  }

  private static double rate(double a, double c, double tau, double t) {
    double e = a * Math.exp(-t / tau);
    return e / tau / (c + e);
  }

  @Test
  void shouldFallBackToHalfTheRunWhenTheLossKeepsItsRelativeRate() {
    // a pure exponential has a constant relative rate: no slow phase within the run
    TransientEnd end = TransientEnd.of(curve(400, t -> Math.exp(-t / 100.0)), 400);
    assertEquals("half-of-run", end.rule());
    assertEquals(200, end.step());
  }

  @Test
  void shouldFallBackToHalfTheRunWithoutAnInitialRate() {
    TransientEnd end = TransientEnd.of(new TreeMap<>(), 300);
    assertEquals("half-of-run", end.rule());
    assertEquals(150 / TransientEnd.STRIDE * TransientEnd.STRIDE, end.step());
    assertTrue(Double.isNaN(end.initialRatePerStep()));
  }
}
