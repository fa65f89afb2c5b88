package dev.fpk.physics.joint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearDriftEstimatorTest {
  private static final int D = CoupledOu.D;

  /** 128 replicas of the coupled OU ensemble over 300 steps, every increment into the estimator. */
  private static LinearDriftEstimator fed(double halfLife, long seed, int replicas, int steps) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] w = CoupledOu.start(replicas, new double[] {0.2, -0.1, 0.0, 0.1}, 0.1, rnd);
    LinearDriftEstimator est = new LinearDriftEstimator(D, halfLife);
    for (int t = 0; t < steps; t++) {
      double[][] before = copy(w);
      double[][] dw = CoupledOu.step(w, rnd);
      est.decay(1);
      for (int r = 0; r < replicas; r++) {
        est.increment(before[r], dw[r], 1);
      }
    }
    return est;
  }

  @Test
  void shouldRecoverCoupledDriftMatrixWithin4StdErrAndHonestStdErrs() {
    JointFit fit = fed(Double.POSITIVE_INFINITY, 11, 128, 300).fit();
    assertTrue(fit.usable());
    double sumZ2 = 0;
    for (int k = 0; k < D; k++) {
      for (int j = 0; j < D; j++) {
        double z = (fit.aAt(k, j) - CoupledOu.A[k * D + j]) / fit.aStdErr()[k * D + j];
        assertTrue(Math.abs(z) < 4, "A[" + k + "][" + j + "] = " + fit.aAt(k, j) + ", z = " + z);
        sumZ2 += z * z;
      }
      double zb = (fit.b()[k] - CoupledOu.B[k]) / fit.bStdErr()[k];
      assertTrue(Math.abs(zb) < 4, "b[" + k + "] z = " + zb);
    }
    // 16 z-scores: mean square near 1 if the standard errors are honest (chi2_16 / 16 in [0.3, 2.1]
    // at 99.8%)
    double meanZ2 = sumZ2 / (D * D);
    System.out.printf(
        "joint drift: mean z^2 of A over 16 elements = %.2f, largest coupling %.0f se%n",
        meanZ2, fit.largestCouplingZ());
    assertTrue(meanZ2 > 0.3 && meanZ2 < 2.1, "mean z^2 " + meanZ2);
    assertTrue(
        fit.largestCouplingZ() > 10, "couplings clearly resolved: " + fit.largestCouplingZ());
  }

  @Test
  void shouldRecoverDiagonalDiffusionWithin4StdErrAndMeasureTheNeglectedCorrelation() {
    JointFit fit = fed(Double.POSITIVE_INFINITY, 12, 128, 300).fit();
    for (int k = 0; k < D; k++) {
      double z = (fit.diffusionAt(k, k) - CoupledOu.DIFF[k * D + k]) / fit.diffusionStdErr()[k];
      assertTrue(
          Math.abs(z) < 4, "D[" + k + "][" + k + "] = " + fit.diffusionAt(k, k) + ", z = " + z);
    }
    // true residual correlation 0.3 between 0 and 1, 0 elsewhere; n = 38,400 gives se ~ 0.005
    double r01 = fit.diffusionAt(0, 1) / Math.sqrt(fit.diffusionAt(0, 0) * fit.diffusionAt(1, 1));
    assertEquals(0.3, r01, 0.02);
    assertEquals(0.3, fit.largestNeglectedCorrelation(), 0.02);
    assertEquals(fit.diffusionAt(0, 1), fit.diffusionAt(1, 0), 1e-15);
  }

  @Test
  void shouldFollowForgettingWeightsAndStayWithin4StdErr() {
    JointFit fit = fed(100, 13, 128, 300).fit();
    assertTrue(fit.count() < 128 * 300 / 2.0, "forgetting lowers the weight: " + fit.count());
    for (int k = 0; k < D; k++) {
      for (int j = 0; j < D; j++) {
        double z = (fit.aAt(k, j) - CoupledOu.A[k * D + j]) / fit.aStdErr()[k * D + j];
        assertTrue(Math.abs(z) < 4, "A[" + k + "][" + j + "] z = " + z);
      }
    }
  }

  @Test
  void shouldMergeIntoWhatOnePassGives() {
    SplittableRandom rnd = new SplittableRandom(5);
    double[][] w = CoupledOu.start(64, new double[4], 0.1, rnd);
    LinearDriftEstimator all = new LinearDriftEstimator(D, Double.POSITIVE_INFINITY);
    LinearDriftEstimator even = new LinearDriftEstimator(D, Double.POSITIVE_INFINITY);
    LinearDriftEstimator odd = new LinearDriftEstimator(D, Double.POSITIVE_INFINITY);
    for (int t = 0; t < 50; t++) {
      double[][] before = copy(w);
      double[][] dw = CoupledOu.step(w, rnd);
      for (int r = 0; r < w.length; r++) {
        all.increment(before[r], dw[r], 1);
        (r % 2 == 0 ? even : odd).increment(before[r], dw[r], 1);
      }
    }
    even.merge(odd);
    JointFit a = all.fit();
    JointFit b = even.fit();
    for (int i = 0; i < D * D; i++) {
      assertEquals(a.a()[i], b.a()[i], 1e-10 * Math.abs(a.a()[i]) + 1e-14);
      assertEquals(a.diffusion()[i], b.diffusion()[i], 1e-9 * a.diffusion()[0]);
    }
    assertEquals(a.count(), b.count(), 0);
  }

  @Test
  void shouldRestoreBitForBit() throws IOException {
    LinearDriftEstimator est = fed(50, 7, 64, 20);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    est.writeTo(new DataOutputStream(bytes));
    LinearDriftEstimator back =
        LinearDriftEstimator.readFrom(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    JointFit a = est.fit();
    JointFit b = back.fit();
    for (int i = 0; i < D * D; i++) {
      assertEquals(Double.doubleToLongBits(a.a()[i]), Double.doubleToLongBits(b.a()[i]));
      assertEquals(
          Double.doubleToLongBits(a.diffusion()[i]), Double.doubleToLongBits(b.diffusion()[i]));
    }
  }

  @Test
  void shouldBeUnusableWithoutDataOrWithoutSpreadInSomeDirection() {
    LinearDriftEstimator est = new LinearDriftEstimator(D, Double.POSITIVE_INFINITY);
    assertFalse(est.fit().usable());
    assertTrue(Double.isNaN(est.fit().a()[0]));
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 200; i++) {
      double x = rnd.nextGaussian();
      // coordinate 3 always equals coordinate 0: no spread in the direction e0 - e3
      est.increment(
          new double[] {x, rnd.nextGaussian(), rnd.nextGaussian(), x},
          new double[] {0.01 * rnd.nextGaussian(), 0, 0, 0},
          1);
    }
    assertFalse(est.fit().usable());
  }

  @Test
  void shouldRejectBadArgumentsNamingTheValue() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> new LinearDriftEstimator(9, 100));
    assertTrue(e.getMessage().contains("dimension = 9"), e.getMessage());
    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> new LinearDriftEstimator(4, 0));
    assertTrue(e.getMessage().contains("halfLifeSteps = 0"), e.getMessage());
  }

  static double[][] copy(double[][] w) {
    double[][] c = new double[w.length][];
    for (int i = 0; i < w.length; i++) {
      c[i] = w[i].clone();
    }
    return c;
  }
}
