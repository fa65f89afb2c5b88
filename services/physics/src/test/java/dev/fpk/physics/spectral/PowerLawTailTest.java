package dev.fpk.physics.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PowerLawTailTest {
  @Test
  void shouldMatchAPlainLoopEstimatorOnStudentT2Matrices() {
    for (int seed = 1; seed <= 3; seed++) {
      float[] w = Matrices.studentT2(new SplittableRandom(seed), 200, 400);
      double[] x = SingularValues.squared(w, 200, 400);
      PowerLawTail.Fit fit = PowerLawTail.fit(x);
      double[] plain = plainCsn(x);
      assertEquals(plain[0], fit.alpha(), 0.05, "seed " + seed + ": alpha");
      assertEquals(plain[1], fit.xmin(), 1e-9 * plain[1], "seed " + seed + ": xmin");
      assertEquals(plain[2], fit.ks(), 1e-9, "seed " + seed + ": KS");
      // heavy-tailed Wishart with tail index 2 of the entries: a tail exponent near 1 + 2/2 = 2
      assertTrue(fit.alpha() > 1.5 && fit.alpha() < 3.5, "alpha " + fit.alpha());
    }
  }

  @Test
  void shouldRecoverTheExponentOfAnExactParetoSample() {
    double alpha = 2.5;
    int n = 1000;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.pow(1 - (i + 0.5) / n, -1 / (alpha - 1)); // Pareto quantiles, xmin 1
    }
    Arrays.sort(x);
    PowerLawTail.Fit fit = PowerLawTail.fit(x);
    assertEquals(alpha, fit.alpha(), 0.05);
    assertTrue(fit.ks() < 0.02, "KS " + fit.ks());
  }

  @Test
  void shouldReturnNaNWithFewerThanTheMinimalTail() {
    PowerLawTail.Fit fit = PowerLawTail.fit(new double[] {1, 2, 3});
    assertTrue(Double.isNaN(fit.alpha()) && Double.isNaN(fit.xmin()) && Double.isNaN(fit.ks()));
  }

  /**
   * Clauset-Shalizi-Newman with plain loops: every distinct positive eigenvalue leaving at least
   * {@link PowerLawTail#MIN_TAIL} in the tail, smallest KS distance (ties to the larger tail).
   */
  private static double[] plainCsn(double[] sorted) {
    int n = sorted.length;
    double bestAlpha = Double.NaN;
    double bestXmin = Double.NaN;
    double bestKs = Double.POSITIVE_INFINITY;
    for (int j = 0; j <= n - PowerLawTail.MIN_TAIL; j++) {
      double xmin = sorted[j];
      if (xmin <= 0 || (j > 0 && sorted[j - 1] == xmin)) {
        continue;
      }
      int k = 0;
      double sum = 0;
      for (double v : sorted) {
        if (v >= xmin) {
          k++;
          sum += Math.log(v / xmin);
        }
      }
      double alpha = 1 + k / sum;
      double ks = 0;
      int i = 0;
      for (double v : sorted) {
        if (v >= xmin) {
          double model = 1 - Math.pow(v / xmin, 1 - alpha);
          ks =
              Math.max(
                  ks,
                  Math.max(
                      Math.abs(model - (double) i / k), Math.abs(model - (double) (i + 1) / k)));
          i++;
        }
      }
      if (ks < bestKs) {
        bestKs = ks;
        bestAlpha = alpha;
        bestXmin = xmin;
      }
    }
    return new double[] {bestAlpha, bestXmin, bestKs};
  }
}
