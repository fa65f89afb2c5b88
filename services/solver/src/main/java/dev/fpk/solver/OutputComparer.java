package dev.fpk.solver;

import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.Mode;
import dev.fpk.physics.align.PointClouds;
import dev.fpk.physics.align.SortedProjections;
import dev.fpk.protocol.v1.OutputComparison;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Theory against experiment through the outputs {@code y = W h} of a layer on the probe inputs its
 * trainers publish (issue 6, services/physics/PHYSICS.md §4). Experiment: the points {@code W_r
 * h_rp} of every replica {@code r} and probe {@code p}. Theory: the same probe inputs, replica by
 * replica, with {@code W_r} replaced by a matrix drawn from a {@link TheorySampler} (one per
 * replica), so the two clouds differ only in the law of W. Scored by sliced Wasserstein-1 and
 * energy distance ({@link PointClouds}), with the same two distances between the outputs of the two
 * halves of the replicas (even against odd position) as the sampling floor. Distances in output
 * units.
 *
 * <p>Deterministic: the draws and the projections come from a seed of (layer, step), so a replay or
 * a restart from a checkpoint gives the same figures bit for bit. The run is left out on purpose:
 * runs of the same data (a replay under another run id) give the same figures, and runs compared
 * side by side (seeds, learning rates) share their Monte Carlo draws (common random numbers), so
 * their figures differ by their data, not by the draws. Cost per comparison: {@code O(R P rows
 * cols)} for the outputs, {@code O(projections R P log(R P))} for the sliced W1 and {@code
 * O(maxPoints^2 rows)} for the energy distance (on an evenly spaced subset of at most {@code
 * maxPoints} points per cloud, the floor's halves included). Stateless, thread-safe.
 */
public final class OutputComparer {
  /** Draws weight matrices from a theory model. */
  @FunctionalInterface
  public interface TheorySampler {
    /** {@code n} matrices, row-major like the snapshots' values, weight units. */
    double[][] draw(int n, RandomGenerator random);
  }

  /** Model name of {@link #compareShuffled}. */
  public static final String SHUFFLED = "replicas-shuffled";

  /** Mixed into the step's seed for the shuffle's offset. */
  private static final long SHUFFLE_SEED = 0x5DEECE66DL;

  private final SolverSettings.OutputSettings settings;

  public OutputComparer(SolverSettings.OutputSettings settings) {
    this.settings = settings;
  }

  /**
   * Whether {@code step} gets a comparison: ensemble mode with at least 2 replicas, probe inputs
   * present, at most {@code max-entries} entries, and the first step of its {@code every-steps}
   * window since {@code previousStep} (the step advanced from before, -1 for none).
   */
  public boolean due(EnsembleStep step, long previousStep) {
    return Mode.of(step) == Mode.ENSEMBLE
        && step.size() >= 2
        && step.probes() > 0
        && step.entries() <= settings.maxEntries()
        && StepWindows.opens(previousStep, step.step(), settings.everySteps());
  }

  /**
   * Compares the step's outputs with those of matrices drawn from {@code theory}, tagged {@code
   * model}.
   */
  public OutputComparison compare(String model, EnsembleStep step, TheorySampler theory) {
    return compare(model, experiment(step), theory);
  }

  /**
   * {@link #compare(String, EnsembleStep, TheorySampler)} with the experiment's side computed
   * before ({@link #experiment}, e.g. by another model's comparison of the same step): the same
   * figures bit for bit. An experiment of other settings (projections, points) is computed anew.
   */
  public OutputComparison compare(String model, Experiment experiment, TheorySampler theory) {
    Experiment e = experiment.settings.equals(settings) ? experiment : experiment(experiment.step);
    EnsembleStep step = e.step;
    double[][] drawn = theory.draw(step.size(), new SplittableRandom(e.seed));
    double[][] predicted = outputs(step, k -> drawn[k]);
    return OutputComparison.newBuilder()
        .setModel(model)
        .setProbes(step.probes())
        .setTheorySamples(drawn.length)
        .setSlicedW1(SortedProjections.slicedWasserstein1(predicted, e.projections))
        .setEnergy(
            PointClouds.energyDistance(subset(predicted, settings), e.subset, e.subsetSelfDistance))
        .setSlicedW1Floor(e.slicedW1Floor)
        .setEnergyFloor(e.energyFloor)
        .build();
  }

  /**
   * The bound of every theory of W alone (model {@value #SHUFFLED}): the replicas' own matrices,
   * each paired with the probe inputs of another replica (all shifted by one random offset in
   * {@code 1..R-1}, seeded from the step, so none keeps its own). The matrices have exactly the
   * replicas' law, dependence between entries included; what they lose is their dependence on the
   * inputs they meet, which the replica's own upstream layers produced. A theory of W that is exact
   * can be no closer than this, up to sampling noise.
   */
  public OutputComparison compareShuffled(Experiment e) {
    EnsembleStep step = e.step;
    int r = step.size();
    int shift = 1 + new SplittableRandom(e.seed ^ SHUFFLE_SEED).nextInt(r - 1);
    return compare(
        SHUFFLED,
        e,
        (n, random) -> {
          double[][] m = new double[n][];
          for (int k = 0; k < n; k++) {
            m[k] = matrix(step, (k + shift) % r);
          }
          return m;
        });
  }

  /**
   * The experiment's side of a step's comparisons, the same for every model compared with it: its
   * outputs' projections on the sliced W1's directions (sorted), its subset for the energy distance
   * with that subset's mean inner distance, and the sampling floors.
   */
  public Experiment experiment(EnsembleStep step) {
    return new Experiment(step, settings);
  }

  /** The experiment's side of one step's comparisons ({@link #experiment}); immutable. */
  public static final class Experiment {
    private final EnsembleStep step;
    private final SolverSettings.OutputSettings settings;
    private final long seed;
    private final SortedProjections projections;
    private final double[][] subset;
    private final double subsetSelfDistance;
    private final double slicedW1Floor;
    private final double energyFloor;

    private Experiment(EnsembleStep step, SolverSettings.OutputSettings settings) {
      this.step = step;
      this.settings = settings;
      this.seed = seed(step);
      double[][] points = outputs(step, k -> matrix(step, k));
      double[][][] halves = halves(points, step.size(), step.probes());
      long projectionSeed = new SplittableRandom(seed).split().nextLong();
      // the halves' sorted projections make the whole's by a merge: one sort of every point per
      // direction
      SortedProjections even =
          SortedProjections.of(halves[0], settings.projections(), projectionSeed);
      SortedProjections odd =
          SortedProjections.of(halves[1], settings.projections(), projectionSeed);
      projections = SortedProjections.merge(even, odd);
      subset = subset(points, settings);
      subsetSelfDistance = PointClouds.meanDistance(subset, subset);
      slicedW1Floor = SortedProjections.slicedWasserstein1(even, odd);
      energyFloor =
          PointClouds.energyDistance(subset(halves[0], settings), subset(halves[1], settings));
    }

    /** Whether this is the experiment of {@code s} (the same step object). */
    public boolean of(EnsembleStep s) {
      return step == s;
    }
  }

  /** The seed of a step's draws: a hash of the layer's name mixed with the step. */
  static long seed(EnsembleStep step) {
    long h = 1125899906842597L;
    for (byte b : step.layer().getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    return new SplittableRandom(h ^ (step.step() * 0x9E3779B97F4A7C15L)).nextLong();
  }

  private interface MatrixOf {
    double[] of(int replica);
  }

  /** {@code y = W_k h_kp}, replica-major: replica k's P points start at {@code k * P}. */
  private static double[][] outputs(EnsembleStep step, MatrixOf matrices) {
    int rows = step.shape()[0];
    int cols = step.inFeatures();
    int probes = step.probes();
    double[][] out = new double[step.size() * probes][];
    for (int k = 0; k < step.size(); k++) {
      double[][] h = new double[probes][cols];
      for (int p = 0; p < probes; p++) {
        for (int c = 0; c < cols; c++) {
          h[p][c] = step.probeInputs()[(k * probes + p) * cols + c];
        }
      }
      double[][] y = PointClouds.linearOutputs(new double[][] {matrices.of(k)}, rows, cols, h);
      System.arraycopy(y, 0, out, k * probes, probes);
    }
    return out;
  }

  private static double[] matrix(EnsembleStep step, int k) {
    double[] w = new double[step.entries()];
    for (int e = 0; e < w.length; e++) {
      w[e] = step.value(k, e);
    }
    return w;
  }

  /** The points of the replicas at even and at odd positions. */
  private static double[][][] halves(double[][] points, int replicas, int probes) {
    double[][][] out = {
      new double[(replicas + 1) / 2 * probes][], new double[replicas / 2 * probes][]
    };
    for (int k = 0; k < replicas; k++) {
      System.arraycopy(points, k * probes, out[k % 2], k / 2 * probes, probes);
    }
    return out;
  }

  /** At most {@code maxPoints} of the points, evenly spaced. */
  private static double[][] subset(double[][] points, SolverSettings.OutputSettings settings) {
    int n = Math.min(points.length, settings.maxPoints());
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = points[(int) ((long) i * points.length / n)];
    }
    return out;
  }
}
