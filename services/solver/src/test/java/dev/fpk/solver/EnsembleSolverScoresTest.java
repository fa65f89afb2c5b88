package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.estimator.EnsembleEstimator;
import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.EstimatorSettings;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.align.CellMasses;
import dev.fpk.physics.align.PointClouds;
import dev.fpk.physics.fp.TimeScheme;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.verdict.W1Verdict;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.HorizonForecast;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The solver's per-entry figures, computed from samples prepared once per entry and step, are the
 * reference definitions on the raw samples: W1, Jensen-Shannon, Hellinger and the moment errors of
 * the published density against the replicas (to 1e-12: the grid is rebuilt from the published
 * edges, which rounds its cell width), the sampling floor, W1 between the replicas at even and at
 * odd positions (exactly), and the verdict, {@link W1Verdict} of the published density with this
 * many replicas (to 1e-9).
 */
class EnsembleSolverScoresTest {
  private static final int REPLICAS = 64;
  private static final int ENTRIES = 9;

  @Test
  void shouldScoreEveryEntryAsTheReferenceDefinitionsDo() {
    EnsembleEstimator estimator =
        new EnsembleEstimator(new EstimatorSettings(32, Double.POSITIVE_INFINITY, 20, 30_000, 16));
    EnsembleSolver solver =
        new EnsembleSolver(new SolverSettings(128, TimeScheme.TR_BDF2, 1, List.of(5)));
    SplittableRandom random = new SplittableRandom(8);
    double[] w = new double[REPLICAS * ENTRIES];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.1 * (i % ENTRIES) + 0.02 * random.nextGaussian();
    }
    int checked = 0;
    int forecasts = 0;
    for (int step = 0; step < 30; step++) {
      EnsembleStep s = step(step, w);
      EnsembleSolver.Output out = solver.advance(new StepEstimate(s, estimator.update(s)));
      for (int e = 0; e < ENTRIES; e++) {
        EntryAlignment a = out.alignment().getEntries(e);
        EntryDensity d = out.densities().getEntries(e);
        double[] samples = s.samples(e);
        int cells = d.getTheoryCount();
        Grid1D g = Grid1D.of(d.getEdges(0), d.getEdges(cells), cells);
        double[] theory = d.getTheoryList().stream().mapToDouble(Double::doubleValue).toArray();
        double[] hist = Alignment.histogram(g, samples);
        double sd = Math.sqrt(Alignment.sampleVariance(samples));
        String c = "step " + step + " entry " + e;
        assertEquals(Alignment.wasserstein1(g, theory, samples), a.getW1(), 1e-12 * sd, c);
        assertEquals(Alignment.jensenShannon(g, theory, hist), a.getJs(), 1e-12, c);
        assertEquals(Alignment.hellinger(g, theory, hist), a.getHellinger(), 1e-12, c);
        assertEquals(
            Alignment.mean(g, theory) - Alignment.mean(g, hist), a.getMeanError(), 1e-12 * sd, c);
        assertEquals(
            Alignment.variance(g, theory) - Alignment.variance(g, hist),
            a.getVarianceError(),
            1e-12 * sd * sd,
            c);
        assertEquals(floor(samples), a.getSamplingFloorW1(), 0.0, c);
        W1Verdict v = new W1Verdict().set(new CellMasses().set(g, theory), REPLICAS);
        assertEquals(v.floor(), a.getBootstrapFloorW1(), 1e-9 * v.floor(), c);
        assertEquals(v.pValue(a.getW1()), a.getPValue(), 1e-9, c);
        for (HorizonForecast f : a.getForecastsList()) {
          assertTrue(
              f.getBootstrapFloorW1() > 0 && f.getBootstrapFloorW1() < 3 * sd,
              c + " forecast floor " + f);
          forecasts++;
        }
        checked++;
      }
      for (int i = 0; i < w.length; i++) {
        w[i] +=
            -0.03 * (w[i] - 0.1 * (i % ENTRIES))
                + 0.004 * random.nextGaussian()
                + (i % ENTRIES == 4 ? 0.01 : 0);
      }
    }
    assertEquals(30 * ENTRIES, checked);
    assertTrue(forecasts >= 4 * ENTRIES, "forecasts scored: " + forecasts);
  }

  /** W1 between the samples at even and at odd positions, by PointClouds. */
  private static double floor(double[] samples) {
    double[] even = new double[(samples.length + 1) / 2];
    double[] odd = new double[samples.length / 2];
    for (int i = 0; i < samples.length; i++) {
      (i % 2 == 0 ? even : odd)[i / 2] = samples[i];
    }
    return PointClouds.wasserstein1(even, odd);
  }

  private static EnsembleStep step(long step, double[] w) {
    float[] values = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      values[i] = (float) w[i];
    }
    int[] replicas = new int[REPLICAS];
    for (int r = 0; r < REPLICAS; r++) {
      replicas[r] = r;
    }
    return new EnsembleStep("run", "layer", step, new int[] {3, 3}, replicas, values, 0.01, 32, 0);
  }
}
