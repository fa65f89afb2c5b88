package dev.fpk.physics.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DysonTemperatureTest {
  /** Levels 100 apart, each moving by independent N(drift, v) per step: ranks never cross. */
  private static double[] walk(
      double[] x, SplittableRandom rnd, double perStepVariance, long steps, double drift) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] + drift * steps + Math.sqrt(perStepVariance * steps) * rnd.nextGaussian();
    }
    return y;
  }

  /** Relative 3-sigma error of a Gaussian sample variance of {@code n} values: 3 sqrt(2 / n). */
  private static double threeSigma(int n) {
    return 3 * Math.sqrt(2.0 / n);
  }

  private static double[] ladder(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 100.0 * (i + 1);
    }
    return x;
  }

  @Test
  void shouldGiveThePerStepVarianceOverTheLearningRate() {
    SplittableRandom rnd = new SplittableRandom(1);
    double v = 0.04;
    double eta = 0.01;
    DysonTemperature t = new DysonTemperature();
    double[] x = ladder(4000);
    assertTrue(Double.isNaN(t.observe(100, new double[][] {x}, Double.NaN, eta)));
    double[] y = walk(x, rnd, v, 25, 0.3);
    double temp = t.observe(125, new double[][] {y}, Double.NaN, eta);
    assertEquals(v / eta, temp, threeSigma(4000) * v / eta);
  }

  @Test
  void shouldNotCountARescalingOfTheSpectrumAsTemperature() {
    SplittableRandom rnd = new SplittableRandom(4);
    DysonTemperature t = new DysonTemperature();
    double[] x = ladder(3000);
    t.observe(0, new double[][] {x}, Double.NaN, 0.1);
    double[] y = walk(x, rnd, 0.5, 10, 0.0);
    for (int i = 0; i < y.length; i++) {
      y[i] += 0.02 * x[i]; // the weights' norm grew by 1 %: every eigenvalue by 2 %, up to 6000
    }
    // without the line the increments' variance would be (0.02 * 100)^2 * 3000^2 / 12 / 10 / 0.1 =
    // 3e6
    assertEquals(
        0.5 / 0.1,
        t.observe(10, new double[][] {y}, Double.NaN, 0.1),
        threeSigma(3000) * 0.5 / 0.1);
  }

  @Test
  void shouldPoolReplicasEachWithItsOwnMeanIncrement() {
    SplittableRandom rnd = new SplittableRandom(2);
    double v = 1.0;
    DysonTemperature t = new DysonTemperature();
    double[][] x = {ladder(2000), ladder(2000)};
    t.observe(0, x, Double.NaN, 0.5);
    double[][] y = {walk(x[0], rnd, v, 1, 0.0), walk(x[1], rnd, v, 1, 50.0)};
    assertEquals(v / 0.5, t.observe(1, y, Double.NaN, 0.5), threeSigma(4000) * v / 0.5);
  }

  @Test
  void shouldLeaveRanksAboveTheEdgeOut() {
    SplittableRandom rnd = new SplittableRandom(3);
    DysonTemperature t = new DysonTemperature();
    double[] x = ladder(3000);
    x[2999] = 1e7;
    t.observe(0, new double[][] {x}, 1e6, 1.0);
    double[] y = walk(x, rnd, 1.0, 1, 0.0);
    y[2999] = 2e7; // a spike that moves far: not bulk
    assertEquals(1.0, t.observe(1, new double[][] {y}, 1e6, 1.0), threeSigma(2999));
  }

  @Test
  void shouldReturnNaNWhenTheStepDoesNotAdvanceOrTheLearningRateIsZeroOrTheShapeChanged() {
    DysonTemperature t = new DysonTemperature();
    double[] x = ladder(100);
    t.observe(5, new double[][] {x}, Double.NaN, 1.0);
    assertTrue(Double.isNaN(t.observe(5, new double[][] {x}, Double.NaN, 1.0)));
    assertTrue(Double.isNaN(t.observe(6, new double[][] {x}, Double.NaN, 0.0)));
    assertTrue(Double.isNaN(t.observe(7, new double[][] {x, x}, Double.NaN, 1.0)));
    assertTrue(
        Double.isNaN(t.observe(8, new double[][] {ladder(50), ladder(50)}, Double.NaN, 1.0)));
  }
}
