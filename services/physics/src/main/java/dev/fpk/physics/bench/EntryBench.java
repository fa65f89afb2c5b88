package dev.fpk.physics.bench;

import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.align.CellMasses;
import dev.fpk.physics.align.PointClouds;
import dev.fpk.physics.align.PreparedSamples;
import dev.fpk.physics.density.Gaussians;
import dev.fpk.physics.density.KernelDensity;
import dev.fpk.physics.forecast.ForecastScore;
import dev.fpk.physics.forecast.Forecasts;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.verdict.ReferenceBootstrap;
import dev.fpk.physics.verdict.W1Verdict;
import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The solver's work per matrix entry and step, one JSON line per case with {@code micros} per entry
 * (median over {@link #ENTRIES} entries, see {@link PhysicsBench}): 64 replicas' samples (N(0.1,
 * 0.02^2)) on a 128-cell grid placed like the solver's (the sample range widened by itself on each
 * side), scored like {@code EnsembleSolver} does. Path {@code raw}: the static methods on the raw
 * samples, as the solver scored before; {@code prepared}: samples prepared once per entry and step
 * ({@link PreparedSamples}), as it does now (the prepare is counted in {@code score-entry} and
 * {@code kde}, and again in {@code forecast-score}).
 *
 * <ul>
 *   <li>{@code score-entry}: histogram, W1, Jensen-Shannon, Hellinger, mean and variance errors and
 *       the sampling floor (W1 between the even and odd replicas);
 *   <li>{@code forecast-score}: the three scores of one forecast (FP and its two baselines);
 *   <li>{@code kde}: the Silverman kernel density estimate a forecast starts from;
 *   <li>{@code gaussian-moments}: the Gaussian baseline 10 steps ahead;
 *   <li>{@code verdict}: the bootstrap floor and p-value of the entry's W1 ({@link W1Verdict}, path
 *       {@code drawless}, as the solver computes them every step, the density's CDF already made by
 *       its W1), and by their definition ({@link ReferenceBootstrap}, path {@code reference}, 200
 *       draws of 64 samples; timed on {@value #REFERENCE_ENTRIES} entries).
 * </ul>
 */
final class EntryBench {
  private static final int CELLS = 128;
  private static final int REPLICAS = 64;
  private static final int ENTRIES = 256;
  private static final int REFERENCE_ENTRIES = 8;
  private static final int REFERENCE_DRAWS = 200;

  private final Grid1D[] grids = new Grid1D[ENTRIES];
  private final double[][] densities = new double[ENTRIES][];
  private final double[][] samples = new double[ENTRIES][REPLICAS];
  private final double[] drift = new double[CELLS];
  private final double[] diffusion = new double[CELLS];
  private final PreparedSamples prepared = new PreparedSamples();
  private final W1Verdict verdict = new W1Verdict();
  private final CellMasses[] theories = new CellMasses[ENTRIES];
  private final double[] observed = new double[ENTRIES];
  private final SplittableRandom random = new SplittableRandom(13);
  private double sink;

  private EntryBench() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int e = 0; e < ENTRIES; e++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int r = 0; r < REPLICAS; r++) {
        double w = 0.1 + 0.02 * rnd.nextGaussian();
        samples[e][r] = w;
        min = Math.min(min, w);
        max = Math.max(max, w);
      }
      grids[e] = Grid1D.of(2 * min - max, 2 * max - min, CELLS);
      densities[e] =
          Gaussians.cellAverages(grids[e], 0.1 + 0.002 * rnd.nextGaussian(), 0.021, true);
    }
    for (int e = 0; e < ENTRIES; e++) {
      theories[e] = new CellMasses().set(grids[e], densities[e]);
      observed[e] = Alignment.wasserstein1(theories[e], PreparedSamples.of(samples[e]));
    }
    Grid1D g = grids[0];
    for (int i = 0; i < CELLS; i++) {
      drift[i] = -0.01 * (g.centre(i) - 0.1);
      diffusion[i] = 2e-6;
    }
  }

  static void run(PrintStream out) {
    EntryBench b = new EntryBench();
    b.report(out, "score-entry", "raw", b::scoreReference);
    b.report(out, "score-entry", "prepared", b::scorePrepared);
    b.report(out, "forecast-score", "raw", b::forecastReference);
    b.report(out, "forecast-score", "prepared", b::forecastPrepared);
    b.report(out, "kde", "raw", b::kdeReference);
    b.report(out, "kde", "prepared", b::kdePrepared);
    b.report(out, "gaussian-moments", "raw", b::gaussianMoments);
    b.report(out, "verdict", "drawless", b::verdict);
    b.report(out, "verdict", "reference", b::verdictReference, REFERENCE_ENTRIES);
  }

  private void report(PrintStream out, String name, String path, Runnable allEntries) {
    report(out, name, path, allEntries, ENTRIES);
  }

  private void report(PrintStream out, String name, String path, Runnable entries, int count) {
    double nanos = PhysicsBench.medianNanos(entries);
    out.println(
        String.format(
            Locale.ROOT,
            "{\"name\":\"%s\",\"path\":\"%s\",\"cells\":%d,\"samples\":%d,\"micros\":%.3f}",
            name,
            path,
            CELLS,
            REPLICAS,
            nanos / 1e3 / count));
  }

  /** The verdict as the solver gets it: the theory prepared and its W1 taken (not timed here). */
  private void verdict() {
    for (int e = 0; e < ENTRIES; e++) {
      CellMasses p = theories[e];
      verdict.set(p, REPLICAS);
      sink += verdict.floor() + verdict.pValue(observed[e]);
    }
  }

  private void verdictReference() {
    for (int e = 0; e < REFERENCE_ENTRIES; e++) {
      ReferenceBootstrap r =
          ReferenceBootstrap.of(grids[e], densities[e], REPLICAS, REFERENCE_DRAWS, random);
      sink += r.floor() + r.pValue(observed[e]);
    }
  }

  private void scoreReference() {
    for (int e = 0; e < ENTRIES; e++) {
      Grid1D g = grids[e];
      double[] p = densities[e];
      double[] s = samples[e];
      double[] hist = Alignment.histogram(g, s);
      sink +=
          Alignment.wasserstein1(g, p, s)
              + Alignment.jensenShannon(g, p, hist)
              + Alignment.hellinger(g, p, hist)
              + Alignment.mean(g, p)
              - Alignment.mean(g, hist)
              + Alignment.variance(g, p)
              - Alignment.variance(g, hist)
              + floorReference(s);
    }
  }

  /** The solver's sampling floor as it was: W1 between the even and odd samples, sorted apart. */
  private static double floorReference(double[] s) {
    double[] even = new double[(s.length + 1) / 2];
    double[] odd = new double[s.length / 2];
    for (int i = 0; i < s.length; i++) {
      (i % 2 == 0 ? even : odd)[i / 2] = s[i];
    }
    return PointClouds.wasserstein1(even, odd);
  }

  /**
   * As the solver scores now: the samples prepared once (one sort), the density normalised once.
   */
  private void scorePrepared() {
    for (int e = 0; e < ENTRIES; e++) {
      Grid1D g = grids[e];
      prepared.prepare(samples[e]);
      CellMasses hist = prepared.histogram(g);
      CellMasses p = prepared.theory(g, densities[e]);
      sink +=
          Alignment.wasserstein1(p, prepared)
              + Alignment.jensenShannon(p, hist)
              + Alignment.hellinger(p, hist)
              + p.mean()
              - hist.mean()
              + p.variance()
              - hist.variance()
              + prepared.samplingFloor();
    }
  }

  /** The forecast scores against samples the entry's score prepared already. */
  private void forecastPrepared() {
    for (int e = 0; e < ENTRIES; e++) {
      Grid1D g = grids[e];
      prepared.prepare(samples[e]);
      prepared.histogram(g);
      for (int k = 0; k < 3; k++) {
        sink += ForecastScore.of(g, densities[(e + k) % ENTRIES], prepared).wasserstein1();
      }
    }
  }

  private void kdePrepared() {
    for (int e = 0; e < ENTRIES; e++) {
      sink += KernelDensity.estimate(grids[e], prepared.prepare(samples[e]))[CELLS / 2];
    }
  }

  private void forecastReference() {
    for (int e = 0; e < ENTRIES; e++) {
      Grid1D g = grids[e];
      for (int k = 0; k < 3; k++) {
        sink += ForecastScore.of(g, densities[(e + k) % ENTRIES], samples[e]).wasserstein1();
      }
    }
  }

  private void kdeReference() {
    for (int e = 0; e < ENTRIES; e++) {
      sink += KernelDensity.estimate(grids[e], samples[e])[CELLS / 2];
    }
  }

  private void gaussianMoments() {
    for (int e = 0; e < ENTRIES; e++) {
      sink += Forecasts.gaussianMoments(grids[0], densities[0], drift, diffusion, 10)[CELLS / 2];
    }
  }
}
