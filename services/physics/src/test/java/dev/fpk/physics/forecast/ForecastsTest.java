package dev.fpk.physics.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.density.DensitySampler;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.testing.Exact;
import org.junit.jupiter.api.Test;

class ForecastsTest {
  static double[][] doubleWellFields(Grid1D g, double c, double d) {
    double[] mu = new double[g.cells()];
    double[] dd = new double[g.cells()];
    for (int i = 0; i < mu.length; i++) {
      double w = g.centre(i);
      mu[i] = -c * (w * w * w - w);
      dd[i] = d;
    }
    return new double[][] {mu, dd};
  }

  @Test
  void shouldPropagateOuMomentsExactlyWithGaussianBaseline() {
    Grid1D g = Grid1D.of(-2, 3, 500);
    double k = 0.03, d = 1e-3;
    double[] mu = new double[500];
    double[] dd = new double[500];
    for (int i = 0; i < 500; i++) {
      mu[i] = -k * g.centre(i);
      dd[i] = d;
    }
    double[] p = Exact.gaussianCells(g, 1, 0.1);
    double[] f = Forecasts.gaussianMoments(g, p, mu, dd, 50);
    double v0 = Alignment.variance(g, p);
    assertEquals(Exact.ouMean(Alignment.mean(g, p), k, 0, 50), Alignment.mean(g, f), 1e-6);
    double h2 =
        g.width() * g.width() / 6; // cell averages of a smooth density carry h^2/6 extra variance
    assertEquals(Exact.ouVariance(v0 - h2, k, d, 50) + h2, Alignment.variance(g, f), 1e-8);
    assertEquals(1, Exact.mass(g, f), 1e-12);
  }

  @Test
  void shouldBeatBothBaselinesOnADoubleWellForecast() {
    double c = 0.05, d = 3e-3;
    Grid1D fine = Grid1D.of(-2, 2, 1600);
    Grid1D g = Grid1D.of(-2, 2, 200);
    double[] start = Exact.gaussianCells(fine, 0.15, 0.25);
    double[][] ff = doubleWellFields(fine, c, d);
    double[] truth = Forecasts.fokkerPlanck(fine, start, ff[0], ff[1], 100, 400);
    double[] samples = DensitySampler.quantiles(fine, truth, 20_000);
    double[] now = Grid1D.remap(fine, start, g);
    double[][] fields = doubleWellFields(g, c, d);
    ForecastScore fp =
        ForecastScore.of(
            g, Forecasts.fokkerPlanck(g, now, fields[0], fields[1], 100, 100), samples);
    ForecastScore still = ForecastScore.of(g, Forecasts.persistence(now), samples);
    ForecastScore gauss =
        ForecastScore.of(g, Forecasts.gaussianMoments(g, now, fields[0], fields[1], 100), samples);
    System.out.printf(
        "double-well forecast, 100 steps: W1 FP %.2e, nothing-changes %.2e, Gaussian %.2e; JS %.2e / %.2e / %.2e%n",
        fp.wasserstein1(),
        still.wasserstein1(),
        gauss.wasserstein1(),
        fp.jensenShannon(),
        still.jensenShannon(),
        gauss.jensenShannon());
    assertTrue(fp.wasserstein1() < 0.2 * still.wasserstein1());
    assertTrue(fp.wasserstein1() < 0.2 * gauss.wasserstein1());
    assertTrue(
        fp.jensenShannon() < gauss.jensenShannon() && fp.jensenShannon() < still.jensenShannon());
  }

  @Test
  void shouldScoreForecastsWhenTheirTargetStepArrives() {
    double c = 0.05, d = 3e-3;
    Grid1D fine = Grid1D.of(-2, 2, 1600);
    Grid1D g = Grid1D.of(-2, 2, 200);
    double[] start = Exact.gaussianCells(fine, 0.15, 0.25);
    double[][] ff = doubleWellFields(fine, c, d);
    double[] truth = Forecasts.fokkerPlanck(fine, start, ff[0], ff[1], 50, 200);
    double[][] fields = doubleWellFields(g, c, d);
    ForecastTracker tracker = new ForecastTracker(1, 0);
    double[] none = {};
    tracker.issue(1000, 50, g, Grid1D.remap(fine, start, g), fields[0], fields[1], none, null);
    tracker.issue(1000, 80, g, Grid1D.remap(fine, start, g), fields[0], fields[1], none, null);
    assertEquals(2, tracker.pending());
    assertTrue(tracker.onData(1020, new double[] {0}).isEmpty());
    java.util.List<ScoredForecast> scored =
        tracker.onData(1050, DensitySampler.quantiles(fine, truth, 10_000));
    assertEquals(1, scored.size());
    assertEquals(1050, scored.get(0).target());
    assertTrue(scored.get(0).beatsBaselines());
    assertEquals(1, tracker.pending());
    assertTrue(tracker.onData(1100, new double[] {0}).isEmpty(), "missed target is dropped");
    assertEquals(0, tracker.pending());
  }
}
