package dev.fpk.physics.bench.jmh;

import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.fp.BatchFokkerPlanck1D;
import dev.fpk.physics.fp.TimeScheme;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.km.BinnedKramersMoyal;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of the physics kernels (one thread). Run from the repository root with {@code
 * services/physics/README.md}'s command; not part of the unit tests.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelBenchmarks {

  /** A batch of 4096 entries x 256 cells with OU-like fields. */
  @State(Scope.Thread)
  public static class Batch {
    @Param({"BACKWARD_EULER", "TR_BDF2"})
    public TimeScheme scheme;

    BatchFokkerPlanck1D solver;
    double[] density;
    double[] drift;
    double[] diffusion;

    @Setup(Level.Trial)
    public void setUp() {
      int entries = 4096;
      int cells = 256;
      Grid1D g = Grid1D.of(-1, 1, cells);
      solver = new BatchFokkerPlanck1D(entries, g, scheme);
      density = new double[entries * cells];
      drift = new double[entries * cells];
      diffusion = new double[entries * cells];
      for (int e = 0; e < entries; e++) {
        for (int i = 0; i < cells; i++) {
          double w = g.centre(i);
          drift[e * cells + i] = -(0.005 + 0.045 * e / entries) * w;
          diffusion[e * cells + i] = 1e-4 * (1 + 0.5 * w * w);
          density[e * cells + i] = Math.exp(-w * w / 0.08);
        }
      }
      solver.setFields(drift, diffusion);
    }
  }

  /** One implicit step of the whole batch with unchanged fields (factorisations reused). */
  @Benchmark
  public double batchStepUnchangedFields(Batch b) {
    b.solver.advance(b.density, 1, 1);
    return b.density[17];
  }

  /** One implicit step of the whole batch with new fields (face coefficients and LU each step). */
  @Benchmark
  public double batchStepNewFields(Batch b) {
    b.solver.setFields(b.drift, b.diffusion);
    b.solver.advance(b.density, 1, 1);
    return b.density[17];
  }

  /** 10^6 increments in a stream. */
  @State(Scope.Thread)
  public static class Increments {
    double[] w = new double[1_000_000];
    double[] dw = new double[1_000_000];
    Grid1D grid = Grid1D.of(-1, 1, 300);

    @Setup(Level.Trial)
    public void setUp() {
      SplittableRandom rnd = new SplittableRandom(1);
      for (int i = 0; i < w.length; i++) {
        w[i] = 0.4 * rnd.nextGaussian();
        dw[i] = -0.02 * w[i] + 0.03 * rnd.nextGaussian();
      }
    }
  }

  /** 10^6 increments into a 300-bin estimator. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long binnedKramersMoyalMillion(Increments s) {
    BinnedKramersMoyal km = new BinnedKramersMoyal(s.grid, Double.POSITIVE_INFINITY);
    for (int i = 0; i < s.w.length; i++) {
      km.increment(s.w[i], s.dw[i], 1);
    }
    return km.count();
  }

  /** A 400-cell density against 10^4 samples. */
  @State(Scope.Thread)
  public static class W1 {
    Grid1D grid = Grid1D.of(-3, 3, 400);
    double[] density = new double[400];
    double[] samples = new double[10_000];

    @Setup(Level.Trial)
    public void setUp() {
      SplittableRandom rnd = new SplittableRandom(2);
      for (int i = 0; i < 400; i++) {
        double w = grid.centre(i);
        density[i] = Math.exp(-0.5 * w * w);
      }
      for (int i = 0; i < samples.length; i++) {
        samples[i] = rnd.nextGaussian();
      }
    }
  }

  /** Exact 1-D Wasserstein-1 (sorts the samples each call). */
  @Benchmark
  public double wasserstein1(W1 s) {
    return Alignment.wasserstein1(s.grid, s.density, s.samples);
  }
}
