package dev.fpk.physics.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MarchenkoPasturTest {
  @ParameterizedTest(name = "[{0}, {1}]")
  @CsvSource({"100, 1000", "160, 320", "200, 200", "320, 160"})
  void shouldHaveAClosedFormCdfEqualToTheIntegratedDensity(int rows, int cols) {
    MarchenkoPastur law = new MarchenkoPastur(0.01, rows, cols);
    // midpoint rule in theta (x = c - h cos theta), where the integrand has no singularity
    double c = (law.lower() + law.edge()) / 2;
    double h = (law.edge() - law.lower()) / 2;
    int steps = 200_000;
    double integral = 0;
    double dtheta = Math.PI / steps;
    for (int i = 0; i < steps; i++) {
      double theta = (i + 0.5) * dtheta;
      integral += law.density(c - h * Math.cos(theta)) * h * Math.sin(theta) * dtheta;
      if (i % 20_000 == 19_999) {
        double x = c - h * Math.cos((i + 1) * dtheta);
        assertEquals(integral, law.cdf(x), 1e-6, "CDF at " + x);
      }
    }
    assertEquals(1.0, integral, 1e-6);
    assertEquals(0.0, law.cdf(law.lower()), 0.0);
    assertEquals(1.0, law.cdf(law.edge()), 0.0);
  }

  @Test
  void shouldPlaceTheBulkOnTheTextbookSupport() {
    MarchenkoPastur law = new MarchenkoPastur(0.01, 160, 320);
    double q = 0.5;
    assertEquals(0.01 * 320 * Math.pow(1 + Math.sqrt(q), 2), law.edge(), 1e-12);
    assertEquals(0.01 * 320 * Math.pow(1 - Math.sqrt(q), 2), law.lower(), 1e-12);
    assertEquals(q, law.ratio(), 0.0);
  }

  @ParameterizedTest(name = "[{0}, {1}]")
  @CsvSource({"128, 512", "256, 256", "500, 250"})
  void shouldRecoverTheVarianceFromExactQuantiles(int rows, int cols) {
    double s2 = 2.5e-3;
    MarchenkoPastur law = new MarchenkoPastur(s2, rows, cols);
    int n = Math.min(rows, cols);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = law.quantile((i + 0.5) / n);
    }
    MarchenkoPastur.Fit fit = MarchenkoPastur.fit(x, rows, cols);
    assertEquals(s2, fit.sigma2(), 1e-3 * s2);
    // the exact quantiles sit half a step from the CDF: KS 1 / (2n)
    assertEquals(0.5 / n, fit.ks(), 0.1 / n);
    assertEquals(law.edge(), fit.edge(), 1e-3 * law.edge());
  }

  @Test
  void shouldSearchOnOrderStatisticsOfAPooledSampleAndReportTheWholeSamplesKs() {
    double s2 = 0.04;
    MarchenkoPastur law = new MarchenkoPastur(s2, 256, 256);
    int n = 16 * 256; // 16 replicas pooled: more than FIT_POINTS
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = law.quantile((i + 0.5) / n);
    }
    MarchenkoPastur.Fit fit = MarchenkoPastur.fit(x, 256, 256);
    assertEquals(s2, fit.sigma2(), 1e-3 * s2);
    // the search's order statistics are within 1 / FIT_POINTS of the sample in CDF
    assertTrue(fit.ks() <= 1.0 / MarchenkoPastur.FIT_POINTS, "KS " + fit.ks());
    assertTrue(fit.ks() >= 0.5 / n, "KS of the whole sample, at least half a step: " + fit.ks());
  }

  @Test
  void shouldFitGaussianMatricesWithinKs005() {
    for (int seed = 1; seed <= 5; seed++) {
      float[] w = Matrices.gaussian(new SplittableRandom(seed), 160, 320, 0.1);
      MarchenkoPastur.Fit fit = MarchenkoPastur.fit(SingularValues.squared(w, 160, 320), 160, 320);
      assertTrue(fit.ks() <= 0.05, "seed " + seed + ": KS " + fit.ks());
      assertEquals(0.01, fit.sigma2(), 0.02 * 0.01, "seed " + seed);
    }
  }

  @Test
  void shouldNotLetAFewSpikesMoveTheFit() {
    MarchenkoPastur law = new MarchenkoPastur(1.0, 200, 400);
    double[] x = new double[200];
    for (int i = 0; i < 195; i++) {
      x[i] = law.quantile((i + 0.5) / 195);
    }
    for (int i = 195; i < 200; i++) {
      x[i] = 10 * law.edge() * (i - 194);
    }
    MarchenkoPastur.Fit fit = MarchenkoPastur.fit(x, 200, 400);
    // 2.5 % of the mass moved out: the best KS fit shifts the CDF by about half of it where
    // x F'(x) peaks (1 / (pi sqrt q) = 0.45), i.e. the scale by about 0.0125 / 0.45 = 2.8 %
    assertEquals(1.0, fit.sigma2(), 0.05);
    assertTrue(fit.ks() <= 5.0 / 200 + 0.01, "KS " + fit.ks());
    double meanBased = Arrays.stream(x).average().orElseThrow() / 400; // trace / (m n)
    assertTrue(
        meanBased > 2, "the mean-based variance " + meanBased + " is what the spikes would do");
  }

  @Test
  void shouldReturnNaNKsForAnEmptyOrZeroSpectrum() {
    assertTrue(Double.isNaN(MarchenkoPastur.fit(new double[0], 3, 4).ks()));
    MarchenkoPastur.Fit zero = MarchenkoPastur.fit(new double[3], 3, 4);
    assertTrue(Double.isNaN(zero.ks()));
    assertEquals(0.0, zero.sigma2(), 0.0);
  }
}
