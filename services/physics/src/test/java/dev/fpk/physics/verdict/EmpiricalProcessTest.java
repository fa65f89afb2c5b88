package dev.fpk.physics.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fpk.physics.internal.GammaFunction;
import org.junit.jupiter.api.Test;

/** The tabulated one-point law of the empirical process against sums over the binomial law. */
class EmpiricalProcessTest {

  /** E|Bin(n, u) - n u| / n and the sd of |Bin(n, u)/n - u|, by summing the probabilities. */
  private static double[] bySum(int n, double u) {
    double mean = 0;
    double square = 0;
    for (int k = 0; k <= n; k++) {
      double p =
          Math.exp(
              GammaFunction.lnGamma(n + 1.0)
                  - GammaFunction.lnGamma(k + 1.0)
                  - GammaFunction.lnGamma(n - k + 1.0)
                  + k * Math.log(u)
                  + (n - k) * Math.log1p(-u));
      double d = Math.abs((double) k / n - u);
      mean += p * d;
      square += p * d * d;
    }
    return new double[] {mean, Math.sqrt(square - mean * mean)};
  }

  @Test
  void shouldMatchTheBinomialSumsAtAndBetweenNodes() {
    for (int n : new int[] {1, 16, 64, 256}) {
      EmpiricalProcess t = EmpiricalProcess.of(n);
      for (double u = 0.0007; u < 1; u += 0.0123) {
        double[] exact = bySum(n, u);
        // between nodes, linear interpolation: 16 or more nodes between kinks; near the ends, where
        // m bends most (2u (1 - u)^n) and s rises like sqrt(u), it loses more
        boolean end = u < 0.01 || u > 0.99;
        assertEquals(
            exact[0], t.mean(u), (end ? 5e-3 : 2e-4) * exact[0], "m, n = " + n + ", u = " + u);
        double sdTolerance = end ? 1e-2 : 1e-3;
        assertEquals(exact[1], t.sd(u), sdTolerance * exact[1], "s, n = " + n + ", u = " + u);
      }
      double node = 37.0 / t.nodes;
      assertEquals(
          bySum(n, node)[0], t.mean(node), 1e-12, "de Moivre's closed form at a node, n = " + n);
    }
  }

  @Test
  void shouldIntegrateTheInterpolatedTable() {
    EmpiricalProcess t = EmpiricalProcess.of(64);
    // the antiderivative's difference over [a, b] against a fine midpoint rule of the interpolant
    double a = 0.1234;
    double b = 0.5678;
    int steps = 200_000;
    double s = 0;
    for (int i = 0; i < steps; i++) {
      s += t.mean(a + (i + 0.5) * (b - a) / steps);
    }
    assertEquals(s * (b - a) / steps, t.meanIntegral(b) - t.meanIntegral(a), 1e-9);
    assertEquals(0, t.meanIntegral(0));
    assertEquals(t.meanIntegral(1), t.meanIntegral(1.5));
    assertSame(t, EmpiricalProcess.of(64));
  }
}
