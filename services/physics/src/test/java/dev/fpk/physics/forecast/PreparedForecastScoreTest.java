package dev.fpk.physics.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.align.PreparedSamples;
import dev.fpk.physics.density.Gaussians;
import dev.fpk.physics.grid.Grid1D;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The forecasts' fast paths equal their references bit for bit on random inputs: scores against
 * prepared samples, and the Gaussian baseline with its quadrature weights computed once.
 */
class PreparedForecastScoreTest {
  @Test
  void shouldScoreAgainstPreparedSamplesAsAgainstRawSamples() {
    SplittableRandom rnd = new SplittableRandom(17);
    PreparedSamples prepared = new PreparedSamples();
    for (int round = 0; round < 300; round++) {
      int n = round % 25 == 0 ? 0 : 1 + rnd.nextInt(130);
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = rnd.nextDouble() < 0.02 ? Double.NaN : 0.1 + 0.03 * rnd.nextGaussian();
      }
      Grid1D g = Grid1D.of(0.0 + 0.01 * rnd.nextDouble(), 0.2, 64 + rnd.nextInt(200));
      prepared.prepare(s);
      for (int k = 0; k < 3; k++) {
        double[] f =
            round % 11 == 5
                ? new double[g.cells()]
                : Gaussians.cellAverages(
                    g, 0.1 + 0.02 * rnd.nextGaussian(), 0.01 + 0.03 * rnd.nextDouble(), true);
        // records compare double components bit for bit (Double.compare)
        assertEquals(ForecastScore.of(g, f, s), ForecastScore.of(g, f, prepared), "round " + round);
      }
    }
  }

  @Test
  void shouldGiveTheGaussianBaselineOfTheReferenceQuadrature() {
    SplittableRandom rnd = new SplittableRandom(23);
    for (int round = 0; round < 100; round++) {
      Grid1D g = Grid1D.of(-1, 1 + rnd.nextDouble(), 20 + rnd.nextInt(300));
      double[] p =
          Gaussians.cellAverages(g, 0.3 * rnd.nextGaussian(), 0.05 + 0.3 * rnd.nextDouble(), true);
      double[] mu = new double[g.cells()];
      double[] d = new double[g.cells()];
      double k = 0.1 * rnd.nextDouble();
      for (int i = 0; i < mu.length; i++) {
        double w = g.centre(i);
        mu[i] = -k * w + 0.05 * rnd.nextGaussian() * w * w;
        d[i] = 1e-3 * (1 + rnd.nextDouble());
      }
      double steps = round % 4 == 0 ? 2.5 : 1 + rnd.nextInt(20);
      assertArrayEquals(
          reference(g, p, mu, d, steps),
          Forecasts.gaussianMoments(g, p, mu, d, steps),
          "round " + round);
    }
  }

  /**
   * Forecasts.gaussianMoments as it was, the Gaussian weights evaluated at every RK stage and each
   * field interpolated on its own, but with the final cell averages from the CDF table as now
   * (GaussiansTest compares those with Normal.cdf's).
   */
  private static double[] reference(
      Grid1D g, double[] density, double[] drift, double[] diffusion, double steps) {
    double m = Alignment.mean(g, density);
    double v = Math.max(Alignment.variance(g, density) - g.width() * g.width() / 6, 1e-300);
    int n = Math.max(1, (int) Math.ceil(steps));
    double h = steps / n;
    double[] y = {m, v};
    for (int s = 0; s < n; s++) {
      double[] k1 = rates(g, drift, diffusion, y[0], y[1]);
      double[] k2 = rates(g, drift, diffusion, y[0] + 0.5 * h * k1[0], y[1] + 0.5 * h * k1[1]);
      double[] k3 = rates(g, drift, diffusion, y[0] + 0.5 * h * k2[0], y[1] + 0.5 * h * k2[1]);
      double[] k4 = rates(g, drift, diffusion, y[0] + h * k3[0], y[1] + h * k3[1]);
      y[0] += h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
      y[1] = Math.max(1e-300, y[1] + h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]));
    }
    return Gaussians.cellAveragesTabulated(g, y[0], Math.sqrt(y[1]), true);
  }

  private static double[] rates(Grid1D g, double[] mu, double[] d, double m, double v) {
    int nodes = 57;
    double sd = Math.sqrt(Math.max(v, 0));
    double eMu = 0;
    double eWMu = 0;
    double eD = 0;
    double wsum = 0;
    double dz = 14.0 / (nodes - 1);
    for (int k = 0; k < nodes; k++) {
      double z = -7 + k * dz;
      double wt = Math.exp(-0.5 * z * z) * (k == 0 || k == nodes - 1 ? 0.5 : 1);
      double w = m + sd * z;
      double f = interpolate(g, mu, w);
      eMu += wt * f;
      eWMu += wt * (w - m) * f;
      eD += wt * interpolate(g, d, w);
      wsum += wt;
    }
    return new double[] {eMu / wsum, 2 * eWMu / wsum + 2 * eD / wsum};
  }

  private static double interpolate(Grid1D g, double[] f, double w) {
    double s = (w - g.lo()) / g.width() - 0.5;
    if (s <= 0) {
      return f[0];
    }
    if (s >= f.length - 1) {
      return f[f.length - 1];
    }
    int i = (int) s;
    double t = s - i;
    return f[i] + t * (f[i + 1] - f[i]);
  }
}
