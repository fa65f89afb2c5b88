package dev.fpk.physics.joint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.align.PointClouds;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The neighbours' mean against a brute-force sort, at the edge cases (more neighbours than
 * replicas, ties), and what it is for: replicas that flow into two wells, a drift no linear fit
 * has; particles moved by the linear fit alone end in one cluster, with the neighbours' residuals
 * they follow the replicas.
 */
class NeighbourDriftTest {
  @Test
  void shouldAverageTheValuesOfTheNearestReplicasAsABruteForceSortDoes() {
    SplittableRandom random = new SplittableRandom(2);
    int d = 3;
    int r = 50;
    double[] points = new double[r * d];
    double[] values = new double[r * d];
    for (int i = 0; i < points.length; i++) {
      points[i] = random.nextGaussian();
      values[i] = random.nextGaussian();
    }
    NeighbourDrift drift = new NeighbourDrift(d, 5, points, values);
    for (int trial = 0; trial < 20; trial++) {
      double[] w = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
      Integer[] order = IntStream.range(0, r).boxed().toArray(Integer[]::new);
      Arrays.sort(order, Comparator.comparingDouble(i -> distance2(points, i, d, w)));
      double[] expected = new double[d];
      for (int n = 0; n < 5; n++) {
        for (int j = 0; j < d; j++) {
          expected[j] += values[order[n] * d + j] / 5;
        }
      }
      double[] out = new double[d];
      drift.driftAt(w, out);
      assertArrayEquals(expected, out, 1e-15);
    }
  }

  @Test
  void shouldTakeAllReplicasWhenAskedForMoreAndTheLowerIndexOnATie() {
    double[] points = {0, 0, 1, 1, 1, 1}; // three replicas in 2-D, the last two equal
    double[] values = {1, 1, 2, 2, 4, 4};
    double[] out = new double[2];
    new NeighbourDrift(2, 10, points, values).driftAt(new double[] {0, 0}, out);
    assertArrayEquals(new double[] {7.0 / 3, 7.0 / 3}, out, 1e-15);
    new NeighbourDrift(2, 2, points, values).driftAt(new double[] {1, 1}, out);
    assertArrayEquals(new double[] {3, 3}, out, 1e-15); // the tie: replicas 1 and 2, not 0
    new NeighbourDrift(2, 1, points, values).driftAt(new double[] {1, 1}, out);
    assertArrayEquals(new double[] {2, 2}, out, 1e-15);
  }

  @Test
  void shouldSayWhatIsWrongWithItsInput() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new NeighbourDrift(2, 3, new double[] {0, 1, 2}, new double[] {0, 1, 2}));
    assertTrue(e.getMessage().contains("3 positions"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new NeighbourDrift(2, 0, new double[] {0, 1}, new double[] {0, 1}));
  }

  /**
   * Replicas spread over a double well in {@code x} ({@code -a (x^3 - x)}) beside a linear {@code
   * y}: they flow into the two wells, a drift no linear {@code A w + b} has (its fit pulls towards
   * the middle). The particles start as the replicas and move, step by step, by the linear fit of
   * the replicas' increments so far, with and without the neighbours' residuals of the last
   * interval.
   */
  @Test
  void shouldFollowTheReplicasIntoTwoWellsWhereALinearDriftMergesThem() {
    int r = 256;
    double a = 0.05;
    double diffusion = 1e-4;
    SplittableRandom random = new SplittableRandom(7);
    double[] w = new double[2 * r];
    for (int i = 0; i < r; i++) {
      w[2 * i] = -1.5 + 3 * random.nextDouble();
      w[2 * i + 1] = 0.1 * random.nextGaussian();
    }
    JointParticles linear = new JointParticles(2, w.clone());
    JointParticles curved = new JointParticles(2, w.clone());
    LinearDriftEstimator estimator = new LinearDriftEstimator(2, 40);
    double[] starts = null;
    double[] residuals = null;
    for (int t = 0; t < 300; t++) {
      double[] rates = new double[2 * r];
      for (int i = 0; i < r; i++) {
        double x = w[2 * i];
        double y = w[2 * i + 1];
        rates[2 * i] = -a * (x * x * x - x) + Math.sqrt(2 * diffusion) * random.nextGaussian();
        rates[2 * i + 1] = -a * y + 0.01 * x + Math.sqrt(2 * diffusion) * random.nextGaussian();
      }
      JointFit fit = estimator.fit();
      if (fit.usable()) {
        JointSde sde = JointSde.linear(fit);
        linear.advance(sde, 1, 1, new SplittableRandom(t));
        JointSde withNeighbours =
            sde.withNeighbourDrift(new NeighbourDrift(2, 16, starts, residuals));
        curved.advance(withNeighbours, 1, 1, new SplittableRandom(t));
      }
      estimator.decay(1);
      for (int i = 0; i < r; i++) {
        estimator.increment(
            new double[] {w[2 * i], w[2 * i + 1]},
            new double[] {rates[2 * i], rates[2 * i + 1]},
            1);
      }
      JointFit after = estimator.fit();
      starts = w.clone();
      residuals = rates.clone();
      for (int i = 0; i < r; i++) {
        double[] at = {w[2 * i], w[2 * i + 1]};
        residuals[2 * i] -= after.driftAt(0, at);
        residuals[2 * i + 1] -= after.driftAt(1, at);
        w[2 * i] += rates[2 * i];
        w[2 * i + 1] += rates[2 * i + 1];
      }
    }
    double[] truth = new double[r];
    for (int i = 0; i < r; i++) {
      truth[i] = w[2 * i];
    }
    double offLinear = PointClouds.wasserstein1(linear.coordinate(0), truth);
    double offCurved = PointClouds.wasserstein1(curved.coordinate(0), truth);
    System.out.printf(
        "two wells: W1 of x to the replicas' %.4f with the linear drift, %.4f with neighbours%n",
        offLinear, offCurved);
    assertTrue(offLinear > 0.2, "the linear drift merges the wells: " + offLinear);
    assertTrue(offCurved < offLinear / 3, offCurved + " against " + offLinear);
  }

  private static double distance2(double[] points, int i, int d, double[] w) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      s += (points[i * d + j] - w[j]) * (points[i * d + j] - w[j]);
    }
    return s;
  }
}
