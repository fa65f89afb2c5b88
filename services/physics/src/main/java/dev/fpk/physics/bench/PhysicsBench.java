package dev.fpk.physics.bench;

import dev.fpk.physics.density.Gaussians;
import dev.fpk.physics.fp.BatchFokkerPlanck1D;
import dev.fpk.physics.fp.FokkerPlanck1D;
import dev.fpk.physics.fp.TimeScheme;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.joint.JointFit;
import dev.fpk.physics.joint.JointParticles;
import dev.fpk.physics.joint.JointSde;
import dev.fpk.physics.km.BinnedKramersMoyal;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Speed benchmarks of the physics kernels, one JSON object per line, each figure the median of 15
 * runs after at least 0.4 s of warm-up runs, on the calling thread (one core):
 *
 * <ul>
 *   <li>{@code fp-ou-1d}: OU transient ({@code mu = -0.02 w}, {@code D = 1e-3}, start N(1, 0.1^2))
 *       on 400 cells over [-1, 1.6], 300 steps, TR-BDF2, one substep per step, from setting the
 *       fields to the final density: {@code cells, steps, l1} (against the exact Gaussian) and
 *       {@code millis};
 *   <li>{@code fp-batch}: 4,096 entries x 256 cells, one implicit step of each scheme, with the
 *       fields unchanged since the last step (factorisations reused) and with new fields every step
 *       ({@code fieldsChangeEachStep}): {@code entries, cells, cellUpdatesPerSecond};
 *   <li>{@code km-binned}: 10^6 increments into a 300-bin {@link BinnedKramersMoyal}: {@code
 *       increments, bins, incrementsPerSecond};
 *   <li>{@code joint-particles-4d}: one 10-step interval of the joint 4-D density of a 2x2 layer as
 *       4,096 particles ({@link JointParticles}, coupled linear drift, correlated diffusion,
 *       Euler-Maruyama with 10 substeps), as the solver moves it between snapshots 10 steps apart:
 *       {@code particles, steps, substeps, millis}.
 *   <li>the solver's per-entry work ({@link EntryBench}): {@code score-entry}, {@code
 *       forecast-score}, {@code kde}, {@code gaussian-moments}, {@code verdict}, in microseconds
 *       per entry;
 *   <li>the sorts ({@link SortBench});
 *   <li>{@code spectral}: the spectral view's eigenvalues (512 to 2048 square), statistics and both
 *       ({@link SpectralBench}), on one thread.
 * </ul>
 *
 * Not thread-safe (run one at a time); takes a few seconds, the spectral lines about 15 s more.
 */
public final class PhysicsBench {
  private static final int MIN_WARMUP = 5;
  private static final long WARMUP_NANOS = 400_000_000L;
  private static final int RUNS = 15;

  private PhysicsBench() {}

  /** Runs every benchmark and prints one JSON object per line to {@code out}. */
  public static void run(PrintStream out) {
    fpOu1d(out);
    fpBatch(out, TimeScheme.BACKWARD_EULER, false);
    fpBatch(out, TimeScheme.BACKWARD_EULER, true);
    fpBatch(out, TimeScheme.TR_BDF2, false);
    fpBatch(out, TimeScheme.TR_BDF2, true);
    kmBinned(out);
    jointParticles4d(out, 4096);
    EntryBench.run(out);
    SortBench.run(out);
    SpectralBench.run(out, false);
  }

  /** Command-line entry: prints the JSON lines to standard output. */
  public static void main(String[] args) {
    run(System.out);
  }

  /**
   * Median wall time in nanoseconds of {@code RUNS} calls after at least 0.4 s of warm-up calls.
   */
  static double medianNanos(Runnable r) {
    long start = System.nanoTime();
    for (int i = 0; i < MIN_WARMUP || System.nanoTime() - start < WARMUP_NANOS; i++) {
      r.run();
    }
    double[] t = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long t0 = System.nanoTime();
      r.run();
      t[i] = System.nanoTime() - t0;
    }
    Arrays.sort(t);
    return t[RUNS / 2];
  }

  private static void fpOu1d(PrintStream out) {
    int cells = 400;
    int steps = 300;
    double k = 0.02;
    double d = 1e-3;
    Grid1D g = Grid1D.of(-1.0, 1.6, cells);
    double[] start = gaussianCells(g, 1.0, 0.1);
    double[] mu = new double[cells];
    double[] dd = new double[cells];
    for (int i = 0; i < cells; i++) {
      mu[i] = -k * g.centre(i);
      dd[i] = d;
    }
    double[] p = new double[cells];
    DoubleSupplier solve =
        () -> {
          System.arraycopy(start, 0, p, 0, cells);
          FokkerPlanck1D fp = new FokkerPlanck1D(g, TimeScheme.TR_BDF2);
          fp.setFields(mu, dd);
          fp.advance(p, steps, steps);
          return p[0];
        };
    double nanos = medianNanos(solve::getAsDouble);
    double var = d / k + (0.01 - d / k) * Math.exp(-2 * k * steps);
    double[] exact = gaussianCells(g, Math.exp(-k * steps), Math.sqrt(var));
    double l1 = 0;
    for (int i = 0; i < cells; i++) {
      l1 += Math.abs(p[i] - exact[i]) * g.width();
    }
    out.println(
        String.format(
            Locale.ROOT,
            "{\"name\":\"fp-ou-1d\",\"cells\":%d,\"steps\":%d,\"substeps\":%d,\"scheme\":\"TR_BDF2\",\"l1\":%.3e,\"millis\":%.3f}",
            cells,
            steps,
            steps,
            l1,
            nanos / 1e6));
  }

  private static void fpBatch(PrintStream out, TimeScheme scheme, boolean fieldsChange) {
    int entries = 4096;
    int cells = 256;
    Grid1D g = Grid1D.of(-1, 1, cells);
    BatchFokkerPlanck1D batch = new BatchFokkerPlanck1D(entries, g, scheme);
    double[] mu = new double[entries * cells];
    double[] dd = new double[entries * cells];
    double[] p = new double[entries * cells];
    double[] start = gaussianCells(g, 0.1, 0.2);
    for (int e = 0; e < entries; e++) {
      double k = 0.005 + 0.045 * e / entries;
      for (int i = 0; i < cells; i++) {
        double w = g.centre(i);
        mu[e * cells + i] = -k * w;
        dd[e * cells + i] = 1e-4 * (1 + 0.5 * w * w);
      }
      System.arraycopy(start, 0, p, e * cells, cells);
    }
    batch.setFields(mu, dd);
    Runnable step =
        fieldsChange
            ? () -> {
              batch.setFields(mu, dd);
              batch.advance(p, 1, 1);
            }
            : () -> batch.advance(p, 1, 1);
    double nanos = medianNanos(step);
    double rate = (double) entries * cells / (nanos * 1e-9);
    out.println(
        String.format(
            Locale.ROOT,
            "{\"name\":\"fp-batch\",\"entries\":%d,\"cells\":%d,\"scheme\":\"%s\",\"fieldsChangeEachStep\":%b,\"cellUpdatesPerSecond\":%.4e,\"millis\":%.3f,\"clippedSubsteps\":%d,\"fallbackSubsteps\":%d}",
            entries,
            cells,
            scheme,
            fieldsChange,
            rate,
            nanos / 1e6,
            batch.clippedSubsteps(),
            batch.fallbackSubsteps()));
  }

  private static void kmBinned(PrintStream out) {
    int n = 1_000_000;
    int bins = 300;
    Grid1D g = Grid1D.of(-1, 1, bins);
    SplittableRandom rnd = new SplittableRandom(42);
    double[] w = new double[n];
    double[] dw = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = 0.4 * rnd.nextGaussian();
      dw[i] = -0.02 * w[i] + 0.03 * rnd.nextGaussian();
    }
    double[] sink = new double[1];
    double nanos =
        medianNanos(
            () -> {
              BinnedKramersMoyal km = new BinnedKramersMoyal(g, Double.POSITIVE_INFINITY);
              for (int i = 0; i < n; i++) {
                km.increment(w[i], dw[i], 1);
              }
              sink[0] += km.count();
            });
    out.println(
        String.format(
            Locale.ROOT,
            "{\"name\":\"km-binned\",\"increments\":%d,\"bins\":%d,\"incrementsPerSecond\":%.4e,\"millis\":%.3f}",
            n,
            bins,
            n / (nanos * 1e-9),
            nanos / 1e6));
  }

  private static void jointParticles4d(PrintStream out, int particles) {
    int d = 4;
    SplittableRandom rnd = new SplittableRandom(7);
    double[][] w = new double[256][d];
    for (double[] x : w) {
      for (int k = 0; k < d; k++) {
        x[k] = 0.1 * rnd.nextGaussian();
      }
    }
    JointParticles p = JointParticles.fromSamples(w, particles);
    double[] a = {
      -0.05, 0.02, 0, 0, 0.01, -0.04, 0, 0.015, 0, -0.02, -0.06, 0, 0.01, 0, 0.02, -0.03
    };
    double[] diffusion = new double[d * d];
    for (int k = 0; k < d; k++) {
      diffusion[k * d + k] = 1e-4;
    }
    diffusion[1] = diffusion[4] = 0.3e-4;
    double[] zero = new double[d];
    JointSde sde =
        JointSde.linear(new JointFit(d, a, new double[d * d], zero, zero, diffusion, zero, 1));
    double nanos = medianNanos(() -> p.advance(sde, 10, 10, rnd));
    out.println(
        String.format(
            Locale.ROOT,
            "{\"name\":\"joint-particles-4d\",\"particles\":%d,\"steps\":10,\"substeps\":10,\"millis\":%.3f}",
            particles,
            nanos / 1e6));
  }

  private static double[] gaussianCells(Grid1D g, double mean, double sd) {
    return Gaussians.cellAverages(g, mean, sd, false);
  }
}
