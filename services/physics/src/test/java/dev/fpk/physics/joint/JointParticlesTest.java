package dev.fpk.physics.joint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JointParticlesTest {
  private static final int D = CoupledOu.D;

  /** The fit of the coupled OU's own fields (standard errors irrelevant here: zero). */
  private static JointFit coupledOuFit() {
    return new JointFit(
        D,
        CoupledOu.A,
        new double[D * D],
        CoupledOu.B,
        new double[D],
        CoupledOu.DIFF,
        new double[D],
        1e4);
  }

  @Test
  void shouldMatchTheExactGaussianTransitionOfTheCoupledOuWithinMonteCarloError() {
    int n = 20_000;
    double[] m0 = {0.2, -0.1, 0.0, 0.1};
    double s0 = 0.05;
    double t = 60;
    JointParticles p =
        JointParticles.fromSamples(CoupledOu.start(n, m0, s0, new SplittableRandom(5)), n);
    // h = 0.25 step: Euler-Maruyama's bias ~ rate h / 2 ~ 1% of the spread, below the 4-sigma band
    p.advance(JointSde.linear(coupledOuFit()), t, 240, new SplittableRandom(6));
    double[][] exact = CoupledOu.moments(m0, s0, CoupledOu.DIFF, t);
    double[] mean = p.mean();
    double[] cov = p.covariance();
    double[] s = exact[1];
    for (int k = 0; k < D; k++) {
      double se = Math.sqrt(s[k * D + k] / n);
      assertEquals(exact[0][k], mean[k], 4 * se, "mean " + k);
    }
    for (int i = 0; i < D; i++) {
      for (int j = 0; j < D; j++) {
        double se = Math.sqrt((s[i * D + i] * s[j * D + j] + s[i * D + j] * s[i * D + j]) / n);
        assertEquals(s[i * D + j], cov[i * D + j], 4 * se, "covariance " + i + "," + j);
      }
    }
    // the coupling and the correlated noise made the coordinates 0 and 1 correlated: the test can
    // see it
    assertTrue(Math.abs(s[1]) > 10 * Math.sqrt((s[0] * s[5]) / n), "correlation shown: " + s[1]);
  }

  @Test
  void shouldTakeTheTablesDriftAndDiffusionWithTheFitsCorrelation() {
    // fit: no drift, D = [[1, 0.5], [0.5, 1]] e-4; tables: drift +1e-3 on axis 0, D_11 = 4e-4 on
    // axis 1
    double[] diff = {1e-4, 0.5e-4, 0.5e-4, 1e-4};
    JointFit fit =
        new JointFit(
            2,
            new double[4],
            new double[4],
            new double[2],
            new double[2],
            diff,
            new double[2],
            1e4);
    Grid1D g = Grid1D.of(-1, 1, 8);
    double[][] remainder = {filled(8, 1e-3), filled(8, 0)};
    double[][] tabled = {filled(8, 1e-4), filled(8, 4e-4)};
    JointSde sde = new JointSde(fit, new Grid1D[] {g, g}, remainder, tabled);
    assertTrue(sde.correlated());
    int n = 40_000;
    double t = 50;
    JointParticles p = new JointParticles(2, new double[2 * n]);
    p.advance(sde, t, 10, new SplittableRandom(7));
    double[] cov = p.covariance();
    double[] want = {
      2e-4 * t, 0.5 * Math.sqrt(1e-4 * 4e-4) * 2 * t, 0.5 * Math.sqrt(1e-4 * 4e-4) * 2 * t, 8e-4 * t
    };
    for (int i = 0; i < 4; i++) {
      double se = Math.sqrt((want[i / 2 * 3] * want[i % 2 * 3] + want[i] * want[i]) / n);
      assertEquals(want[i], cov[i], 4 * se, "covariance " + i);
    }
    assertEquals(1e-3 * t, p.mean()[0], 4 * Math.sqrt(want[0] / n));
    assertEquals(0, p.mean()[1], 4 * Math.sqrt(want[3] / n));
  }

  @Test
  void shouldDropCorrelationsOfASingularResidualMatrixAndSaySo() {
    double[] diff = {1e-4, 1e-4, 1e-4, 1e-4}; // perfectly correlated residuals
    JointFit fit =
        new JointFit(
            2,
            new double[4],
            new double[4],
            new double[2],
            new double[2],
            diff,
            new double[2],
            1e4);
    JointSde sde = JointSde.linear(fit);
    assertFalse(sde.correlated());
    double[] out = new double[2];
    sde.noise(new double[2], new double[] {1, -1}, 4, out);
    assertArrayEquals(new double[] {Math.sqrt(2e-4 * 4), -Math.sqrt(2e-4 * 4)}, out, 1e-15);
  }

  @Test
  void shouldStartFromCopiesOfTheSamplesAndDrawOnlyParticles() {
    double[][] points = {{1, 2}, {3, 4}, {5, 6}};
    JointParticles p = JointParticles.fromSamples(points, 7);
    assertEquals(7, p.size());
    assertArrayEquals(new double[] {1, 3, 5, 1, 3, 5, 1}, p.coordinate(0));
    for (double[] w : p.sample(50, new SplittableRandom(1))) {
      assertTrue(Arrays.stream(points).anyMatch(x -> Arrays.equals(x, w)), Arrays.toString(w));
    }
    assertThrows(
        IllegalArgumentException.class, () -> JointParticles.fromSamples(new double[0][], 4));
  }

  @Test
  void shouldMoveAlikeUnderTheSameSeedAndRestoreBitForBit() throws IOException {
    JointParticles a =
        JointParticles.fromSamples(
            CoupledOu.start(64, new double[4], 0.1, new SplittableRandom(3)), 256);
    JointParticles b =
        JointParticles.fromSamples(
            CoupledOu.start(64, new double[4], 0.1, new SplittableRandom(3)), 256);
    JointSde sde = JointSde.linear(coupledOuFit());
    a.advance(sde, 10, 20, new SplittableRandom(9));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    a.writeTo(new DataOutputStream(bytes));
    JointParticles restored =
        JointParticles.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    b.advance(sde, 10, 20, new SplittableRandom(9));
    a.advance(sde, 10, 20, new SplittableRandom(10));
    b.advance(sde, 10, 20, new SplittableRandom(10));
    restored.advance(sde, 10, 20, new SplittableRandom(10));
    for (int k = 0; k < D; k++) {
      assertArrayEquals(a.coordinate(k), b.coordinate(k), 0.0);
      assertArrayEquals(a.coordinate(k), restored.coordinate(k), 0.0);
    }
  }

  private static double[] filled(int n, double v) {
    double[] x = new double[n];
    Arrays.fill(x, v);
    return x;
  }
}
