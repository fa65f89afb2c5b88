package dev.fpk.physics.km;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BinnedKramersMoyalTest {

  /** Exact OU stream, dt = 1: w' = a + (w - a) e^{-k} + sqrt(D (1 - e^{-2k}) / k) N(0, 1). */
  static void feedOu(
      BinnedKramersMoyal km, long seed, double k, double a, double d, int replicas, int steps) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double e = Math.exp(-k);
    double sd = Math.sqrt(d * (1 - e * e) / k);
    double[] w = new double[replicas];
    for (int r = 0; r < replicas; r++) {
      w[r] = a + Math.sqrt(d / k) * rnd.nextGaussian();
    }
    for (int t = 0; t < steps; t++) {
      for (int r = 0; r < replicas; r++) {
        double next = a + (w[r] - a) * e + sd * rnd.nextGaussian();
        km.increment(w[r], next - w[r], 1);
        w[r] = next;
      }
    }
  }

  /** What the KM estimator measures at dt = 1 (see the class comment). */
  static double discreteSlope(double k) {
    return Math.exp(-k) - 1;
  }

  static double discreteD(double k, double d) {
    return d * (1 - Math.exp(-2 * k)) / (2 * k);
  }

  @Test
  void shouldRecoverOuSlopeAndDiffusionWithin3StandardErrorsIn95Of100Seeds() {
    Grid1D g = Grid1D.of(-1, 1, 50);
    int slopeOk = 0;
    int diffOk = 0;
    for (int seed = 0; seed < 100; seed++) {
      double k = 0.005 + 0.045 * seed / 99.0;
      double a = 0.05;
      double d = 2e-4;
      BinnedKramersMoyal km = new BinnedKramersMoyal(g, Double.POSITIVE_INFINITY);
      feedOu(km, seed, k, a, d, 256, 600);
      OuFit fit = km.result().ouFit();
      if (Math.abs(fit.slope() - discreteSlope(k)) <= 3 * fit.slopeStdErr()) {
        slopeOk++;
      }
      if (Math.abs(fit.diffusion() - discreteD(k, d)) <= 3 * fit.diffusionStdErr()) {
        diffOk++;
      }
    }
    System.out.printf(
        "OU stream: slope within 3 SE in %d/100 seeds, diffusion in %d/100%n", slopeOk, diffOk);
    assertTrue(slopeOk >= 95, "slope within 3 SE in only " + slopeOk + " of 100 seeds");
    assertTrue(diffOk >= 95, "diffusion within 3 SE in only " + diffOk + " of 100 seeds");
  }

  @Test
  void shouldEstimatePerBinDriftAndDiffusionOfOu() {
    Grid1D g = Grid1D.of(-0.4, 0.4, 16);
    double k = 0.02;
    double d = 4e-4;
    BinnedKramersMoyal km = new BinnedKramersMoyal(g, Double.POSITIVE_INFINITY);
    feedOu(km, 7, k, 0, d, 256, 600);
    KramersMoyalEstimate est = km.result();
    double[] drift = est.drift();
    double[] se = est.driftStdErr();
    double[] diff = est.diffusion();
    double[] dse = est.diffusionStdErr();
    double[] n = est.counts();
    int checked = 0;
    for (int i = 0; i < g.cells(); i++) {
      if (n[i] < 1000) {
        continue;
      }
      checked++;
      // bin-mean drift: the slope times the mean w in the bin, ~ the centre to O(h^2 curvature) = 0
      // for linear drift
      double truth = discreteSlope(k) * g.centre(i);
      assertEquals(
          truth,
          drift[i],
          4 * se[i] + Math.abs(discreteSlope(k)) * g.width() * 0.1,
          "drift bin " + i);
      assertEquals(discreteD(k, d), diff[i], 4 * dse[i], "diffusion bin " + i);
    }
    assertTrue(checked >= 8);
    assertEquals(0, est.pawulaRatio(), 0.01, "Gaussian increments have zero Pawula ratio");
  }

  @Test
  void shouldUseConditionalVarianceNotRawSecondMoment() {
    Grid1D g = Grid1D.of(0, 1, 4);
    BinnedKramersMoyal km = new BinnedKramersMoyal(g, Double.POSITIVE_INFINITY);
    SplittableRandom rnd = new SplittableRandom(1);
    double mu = 0.3;
    double d = 1e-4;
    for (int i = 0; i < 200_000; i++) {
      double dt = 1 + rnd.nextInt(5); // variable gaps
      km.increment(0.6, mu * dt + Math.sqrt(2 * d * dt) * rnd.nextGaussian(), dt);
    }
    KramersMoyalEstimate est = km.result();
    int bin = g.indexOf(0.6);
    assertEquals(mu, est.drift()[bin], 4 * est.driftStdErr()[bin]);
    assertEquals(
        d,
        est.diffusion()[bin],
        4 * est.diffusionStdErr()[bin],
        "raw moment would give ~" + (mu * mu * 3 / 2));
    assertTrue(Double.isNaN(est.drift()[0]), "empty bin is NaN");
  }

  @Test
  void shouldReportNaNWhenEmpty() {
    BinnedKramersMoyal km = new BinnedKramersMoyal(Grid1D.of(0, 1, 3), 100);
    KramersMoyalEstimate est = km.result();
    assertEquals(0, km.count());
    assertTrue(Double.isNaN(est.drift()[1]));
    assertTrue(Double.isNaN(est.diffusion()[1]));
    assertEquals(0, est.counts()[1]);
    assertTrue(Double.isNaN(est.ouFit().slope()));
    assertTrue(Double.isNaN(est.pawulaRatio()));
    assertTrue(Double.isNaN(est.smoothedDrift(10)[0]));
    km.increment(Double.NaN, 1, 1);
    km.increment(0.5, 1, 0);
    assertEquals(0, km.count(), "non-finite input and dt <= 0 are ignored");
  }

  static BinnedKramersMoyal mixedStream(BinnedKramersMoyal km, long seed, int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      double w = rnd.nextDouble(-1.2, 1.2);
      double dt = 0.5 + rnd.nextDouble() * 3;
      km.increment(w, (-0.1 * w + 0.02) * dt + 0.03 * Math.sqrt(dt) * (rnd.nextDouble() - 0.5), dt);
    }
    return km;
  }

  @Test
  void shouldMergeDisjointDataIntoSinglePassResultTo1e12() {
    Grid1D g = Grid1D.of(-1, 1, 20);
    BinnedKramersMoyal single = new BinnedKramersMoyal(g, 50);
    BinnedKramersMoyal left = new BinnedKramersMoyal(g, 50);
    BinnedKramersMoyal right = new BinnedKramersMoyal(g, 50);
    mixedStream(single, 1, 3000);
    mixedStream(left, 1, 3000);
    single.decay(10);
    left.decay(10);
    mixedStream(single, 2, 5000);
    mixedStream(right, 2, 5000);
    BinnedKramersMoyal merged = left.copy();
    merged.merge(right);
    assertEquals(single.count(), merged.count());
    assertSameEstimate(single.result(), merged.result(), 1e-12);
    // copy is deep
    left.increment(0.1, 0.1, 1);
    assertEquals(3000, merged.count() - 5000);
  }

  static void assertSameEstimate(KramersMoyalEstimate a, KramersMoyalEstimate b, double tol) {
    assertClose(a.drift(), b.drift(), tol);
    assertClose(a.driftStdErr(), b.driftStdErr(), tol);
    assertClose(a.diffusion(), b.diffusion(), tol);
    assertClose(a.diffusionStdErr(), b.diffusionStdErr(), tol);
    assertClose(a.counts(), b.counts(), tol);
    assertClose(a.fourthCoefficient(), b.fourthCoefficient(), 1e-9);
    OuFit fa = a.ouFit();
    OuFit fb = b.ouFit();
    assertClose(
        new double[] {
          fa.slope(), fa.intercept(), fa.slopeStdErr(), fa.diffusion(), fa.diffusionStdErr()
        },
        new double[] {
          fb.slope(), fb.intercept(), fb.slopeStdErr(), fb.diffusion(), fb.diffusionStdErr()
        },
        tol);
  }

  static void assertClose(double[] a, double[] b, double relTol) {
    assertEquals(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      if (Double.isNaN(a[i])) {
        assertTrue(Double.isNaN(b[i]), "index " + i);
        continue;
      }
      assertEquals(a[i], b[i], relTol * Math.max(Math.abs(a[i]), 1e-300), "index " + i);
    }
  }

  @Test
  void shouldKeepStatisticsWhenRegriddedToAnExtension() {
    Grid1D g = Grid1D.of(-1, 1, 20);
    BinnedKramersMoyal km =
        mixedStream(new BinnedKramersMoyal(g, Double.POSITIVE_INFINITY), 3, 4000);
    Grid1D wide = g.extendedToCover(-1.5, 1.3, 0);
    BinnedKramersMoyal r = km.regridded(wide);
    int k = (int) Math.rint((g.lo() - wide.lo()) / g.width());
    double[] before = km.result().drift();
    double[] after = r.result().drift();
    for (int i = 0; i < g.cells(); i++) {
      assertEquals(before[i], after[i + k], 0);
    }
    assertTrue(Double.isNaN(after[0]));
    assertEquals(km.result().ouFit(), r.result().ouFit());
    assertThrows(IllegalArgumentException.class, () -> km.regridded(Grid1D.of(-1.01, 1, 20)));
  }

  @Test
  void shouldForgetWithHalfLife() {
    Grid1D g = Grid1D.of(0, 1, 1);
    BinnedKramersMoyal km = new BinnedKramersMoyal(g, 10);
    for (int i = 0; i < 1000; i++) {
      km.increment(0.5, i % 2 == 0 ? 0.9 : 1.1, 1); // mean 1
    }
    km.decay(100); // old weight 2^-10
    for (int i = 0; i < 1000; i++) {
      km.increment(0.5, i % 2 == 0 ? -0.1 : 0.1, 1); // mean 0
    }
    double expected = 1000.0 / 1024 / (1000.0 / 1024 + 1000);
    assertEquals(expected, km.result().drift()[0], 1e-12);
    assertTrue(km.result().counts()[0] < 2000);
  }

  @Test
  void shouldFallBackToOuFitInLowCountBins() {
    Grid1D g = Grid1D.of(-1, 1, 10);
    BinnedKramersMoyal km = new BinnedKramersMoyal(g, Double.POSITIVE_INFINITY);
    feedOu(km, 3, 0.05, 0, 1e-3, 64, 200);
    KramersMoyalEstimate est = km.result();
    double[] smooth = est.smoothedDrift(50);
    double[] smoothD = est.smoothedDiffusion(50);
    double[] n = est.counts();
    for (int i = 0; i < g.cells(); i++) {
      if (n[i] < 50) {
        assertEquals(est.ouFit().driftAt(g.centre(i)), smooth[i], 1e-15);
        assertEquals(est.ouFit().diffusion(), smoothD[i], 1e-15);
      } else {
        assertEquals(est.drift()[i], smooth[i], 0);
      }
    }
  }

  @Test
  void shouldFlagHeavyTailsByPawulaRatio() {
    Grid1D g = Grid1D.of(-1, 1, 4);
    BinnedKramersMoyal km = new BinnedKramersMoyal(g, Double.POSITIVE_INFINITY);
    SplittableRandom rnd = new SplittableRandom(5);
    for (int i = 0; i < 400_000; i++) {
      double u = rnd.nextDouble() - 0.5; // Laplace noise: excess kurtosis 3 -> ratio 0.5
      double lap = -Math.signum(u) * Math.log(1 - 2 * Math.abs(u)) * 0.01;
      km.increment(rnd.nextDouble(-1, 1), lap, 1);
    }
    assertEquals(0.5, km.result().pawulaRatio(), 0.05);
  }

  @Test
  void shouldMatchTwoPassWeightedLeastSquaresForOuFit() {
    Grid1D g = Grid1D.of(-1, 1, 8);
    BinnedKramersMoyal km = new BinnedKramersMoyal(g, Double.POSITIVE_INFINITY);
    SplittableRandom rnd = new SplittableRandom(11);
    int n = 500;
    double[] w = new double[n];
    double[] x = new double[n];
    double[] u = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = rnd.nextDouble(-1, 1);
      u[i] = 0.5 + rnd.nextInt(4);
      double dw = (0.3 - 0.2 * w[i]) * u[i] + 0.05 * Math.sqrt(u[i]) * rnd.nextGaussian();
      x[i] = dw / u[i];
      km.increment(w[i], dw, u[i]);
    }
    double su = 0, sw = 0, sx = 0;
    for (int i = 0; i < n; i++) {
      su += u[i];
      sw += u[i] * w[i];
      sx += u[i] * x[i];
    }
    double mw = sw / su, mx = sx / su, cww = 0, cwx = 0;
    for (int i = 0; i < n; i++) {
      cww += u[i] * (w[i] - mw) * (w[i] - mw);
      cwx += u[i] * (w[i] - mw) * (x[i] - mx);
    }
    double slope = cwx / cww;
    double rss = 0;
    for (int i = 0; i < n; i++) {
      double r = x[i] - mx - slope * (w[i] - mw);
      rss += u[i] * r * r;
    }
    OuFit fit = km.result().ouFit();
    assertEquals(slope, fit.slope(), 1e-12 * Math.abs(slope));
    assertEquals(mx - slope * mw, fit.intercept(), 1e-12);
    assertEquals(rss / (2 * (n - 2)), fit.diffusion(), 1e-12 * fit.diffusion());
    assertEquals(Math.sqrt(2 * fit.diffusion() / cww), fit.slopeStdErr(), 1e-12);
    assertEquals(0.3 / 0.2, fit.fixedPoint(), 0.1);
  }

  /**
   * Double well U = c (w^4/4 - w^2/2): mu = -U' = -c (w^3 - w); Euler-Maruyama with 10 substeps per
   * step.
   */
  @Test
  void shouldRecoverDoubleWellDriftWithin10PercentOfMaxForceOnMillionIncrements() {
    double c = 0.02;
    double d = 2e-3;
    Grid1D g = Grid1D.of(-2, 2, 40);
    BinnedKramersMoyal binned = new BinnedKramersMoyal(g, Double.POSITIVE_INFINITY);
    KernelKramersMoyal kernel = new KernelKramersMoyal(g, Double.POSITIVE_INFINITY, 0.05);
    SplittableRandom rnd = new SplittableRandom(9);
    int replicas = 1000;
    double[] w = new double[replicas];
    for (int r = 0; r < replicas; r++) {
      w[r] = (r % 2 == 0 ? 1 : -1) + 0.2 * rnd.nextGaussian();
    }
    double sub = 0.1;
    double noise = Math.sqrt(2 * d * sub);
    for (int t = 0; t < 1000; t++) {
      for (int r = 0; r < replicas; r++) {
        double x = w[r];
        for (int k = 0; k < 10; k++) {
          x += -c * (x * x * x - x) * sub + noise * rnd.nextGaussian();
        }
        binned.increment(w[r], x - w[r], 1);
        kernel.increment(w[r], x - w[r], 1);
        w[r] = x;
      }
    }
    double maxForce = c * (8 - 2); // max |U'| on [-2, 2]
    for (KramersMoyalEstimator<?> km : new KramersMoyalEstimator<?>[] {binned, kernel}) {
      KramersMoyalEstimate e = km.result();
      double[] n = e.counts();
      double peak = java.util.Arrays.stream(n).max().orElseThrow();
      double worst = 0;
      for (int i = 0; i < g.cells(); i++) {
        if (n[i] >= 0.05 * peak) {
          double x = g.centre(i);
          worst = Math.max(worst, Math.abs(e.drift()[i] + c * (x * x * x - x)));
        }
      }
      System.out.printf(
          "double-well stream, %s: max drift error %.2e = %.3f of max|U'|%n",
          km.getClass().getSimpleName(), worst, worst / maxForce);
      assertTrue(worst <= 0.1 * maxForce, "drift error " + worst);
    }
  }

  @Test
  void shouldAgreeWithTheGradientRouteOnAnOuStream() {
    // SGD on L = k w^2 / (2 eta): mean gradient k w / eta, so mu = -k w; D from the minibatch
    // variance
    double eta = 0.1, k = 0.02, d = 2e-4;
    BinnedKramersMoyal km = new BinnedKramersMoyal(Grid1D.of(-1, 1, 10), Double.POSITIVE_INFINITY);
    feedOu(km, 21, k, 0, d, 256, 600);
    OuFit fit = km.result().ouFit();
    double routeD = GradientRoute.diffusionFromMinibatchVariance(eta, 2 * d / (eta * eta));
    assertEquals(d, routeD, 1e-18);
    assertEquals(-0.5 * 0.3, GradientRoute.drift(eta, 1.5), 1e-15);
    assertEquals(
        routeD,
        GradientRoute.diffusionFromPerSampleVariance(eta, 64 * 2 * d / (eta * eta), 64),
        1e-18);
    double z = GradientRoute.disagreement(fit.diffusion(), fit.diffusionStdErr(), discreteD(k, d));
    assertTrue(Math.abs(z) < 4, "disagreement " + z + " standard errors");
  }

  @Test
  void shouldRestoreFromStateBitForBit() {
    Grid1D g = Grid1D.of(-1, 1, 20);
    BinnedKramersMoyal km = mixedStream(new BinnedKramersMoyal(g, 30), 12, 3000);
    km.decay(4);
    Grid1D restoredGrid = Grid1D.ofWidth(g.lo(), g.width(), g.cells());
    assertEquals(g, restoredGrid);
    BinnedKramersMoyal back =
        BinnedKramersMoyal.restore(restoredGrid, km.halfLifeSteps(), km.count(), km.state());
    assertSameEstimate(km.result(), back.result(), 0);
    mixedStream(km, 13, 500);
    mixedStream(back, 13, 500);
    assertSameEstimate(km.result(), back.result(), 0);
    assertThrows(
        IllegalArgumentException.class, () -> BinnedKramersMoyal.restore(g, 30, 0, new double[3]));
  }
}
