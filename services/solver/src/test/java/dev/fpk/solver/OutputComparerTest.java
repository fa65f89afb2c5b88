package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.estimator.EnsembleStep;
import dev.fpk.physics.align.PointClouds;
import dev.fpk.protocol.v1.OutputComparison;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The output-distribution comparison against ensembles whose law is known: a 2x3 matrix whose
 * entries are independent Gaussians (mean MEAN[e], sd SD), probe inputs uniform in [0, 1] (like the
 * activations of a ReLU layer).
 */
class OutputComparerTest {
  private static final int REPLICAS = 64;
  private static final int PROBES = 32;
  private static final int[] SHAPE = {2, 3};
  private static final double[] MEAN = {0.5, -0.3, 0.1, 0.8, -0.6, 0.2};
  private static final double SD = 0.1;
  private static final SolverSettings.OutputSettings SETTINGS =
      new SolverSettings.OutputSettings(4096, 1, 64, 512);

  @Test
  void shouldScoreATheoryEqualInLawToTheReplicasNoHigherThanItsSamplingFloor() {
    OutputComparer comparer = new OutputComparer(SETTINGS);
    double sliced = 0;
    double slicedFloor = 0;
    double energy = 0;
    double energyFloor = 0;
    for (long step = 0; step < 10; step++) {
      OutputComparison c =
          comparer.compare("entrywise", ensemble(step), OutputComparerTest::gaussianTheory);
      sliced += c.getSlicedW1();
      slicedFloor += c.getSlicedW1Floor();
      energy += c.getEnergy();
      energyFloor += c.getEnergyFloor();
    }
    System.out.printf(
        "theory = law of the replicas, mean over 10 steps: sliced W1 %.4f (floor %.4f), energy %.4f "
            + "(floor %.4f)%n",
        sliced / 10, slicedFloor / 10, energy / 10, energyFloor / 10);
    // two clouds of R replicas each against two of R/2: sampling alone makes the first smaller
    assertTrue(sliced < slicedFloor, "sliced W1 " + sliced / 10 + " vs floor " + slicedFloor / 10);
    assertTrue(energy < energyFloor, "energy " + energy / 10 + " vs floor " + energyFloor / 10);
  }

  @Test
  void shouldScoreATheoryShiftedByTwoStandardDeviationsWellAboveTheFloor() {
    OutputComparison c =
        new OutputComparer(SETTINGS)
            .compare(
                "entrywise",
                ensemble(3),
                (n, random) -> {
                  double[][] w = gaussianTheory(n, random);
                  for (double[] m : w) {
                    for (int e = 0; e < m.length; e++) {
                      m[e] += 2 * SD;
                    }
                  }
                  return w;
                });
    System.out.printf(
        "theory shifted by 2 sd: sliced W1 %.4f (floor %.4f), energy %.4f (floor %.4f)%n",
        c.getSlicedW1(), c.getSlicedW1Floor(), c.getEnergy(), c.getEnergyFloor());
    assertTrue(c.getSlicedW1() > 3 * c.getSlicedW1Floor(), c.toString());
    assertTrue(c.getEnergy() > 3 * c.getEnergyFloor(), c.toString());
    assertEquals(PROBES, c.getProbes());
    assertEquals(REPLICAS, c.getTheorySamples());
    assertEquals("entrywise", c.getModel());
  }

  @Test
  void shouldGiveIdenticalFiguresForTheSameStepAndOthersForAnother() {
    OutputComparer comparer = new OutputComparer(SETTINGS);
    OutputComparison first =
        comparer.compare("entrywise", ensemble(7), OutputComparerTest::gaussianTheory);
    assertEquals(
        first,
        comparer.compare("entrywise", ensemble(7), OutputComparerTest::gaussianTheory),
        "a replay of a step draws the same matrices and directions");
    EnsembleStep s = ensemble(7);
    EnsembleStep otherRun =
        new EnsembleStep(
            "another-run",
            s.layer(),
            s.step(),
            s.shape(),
            s.replicas(),
            s.values(),
            s.learningRate(),
            s.batchSize(),
            s.sourceTimeMillis(),
            s.probeInputs());
    assertEquals(
        first,
        comparer.compare("entrywise", otherRun, OutputComparerTest::gaussianTheory),
        "the same data under another run id: the same draws (common random numbers)");
    assertNotEquals(
        first.getSlicedW1(),
        comparer
            .compare("entrywise", ensemble(8), OutputComparerTest::gaussianTheory)
            .getSlicedW1(),
        "another step, other draws");
  }

  @Test
  void shouldCompareOnlyEnsemblesWithProbeInputsWithinTheEntryLimitOncePerWindow() {
    OutputComparer every5 = new OutputComparer(new SolverSettings.OutputSettings(6, 5, 8, 64));
    assertTrue(every5.due(ensemble(3), -1), "the first step");
    assertFalse(every5.due(ensemble(4), 3), "same window [0, 5)");
    assertTrue(every5.due(ensemble(5), 4), "next window");
    assertTrue(every5.due(ensemble(12), 5), "a gap spanning a window");
    EnsembleStep s = ensemble(3);
    EnsembleStep noProbes =
        new EnsembleStep(
            s.runId(), s.layer(), s.step(), s.shape(), s.replicas(), s.values(), 0.01, 32, 0);
    assertFalse(every5.due(noProbes, -1), "no probe inputs");
    assertFalse(
        new OutputComparer(new SolverSettings.OutputSettings(5, 1, 8, 64)).due(s, -1),
        "6 entries > 5");
    EnsembleStep single =
        new EnsembleStep(
            "run", "l", 3, SHAPE, new int[] {0}, new float[6], 0.01, 32, 0, new float[3 * PROBES]);
    assertFalse(every5.due(single, -1), "one replica: pooled mode");
  }

  @Test
  void shouldGiveThePlainDefinitionsBitForBitAlsoFromASharedExperiment() {
    OutputComparer comparer = new OutputComparer(SETTINGS);
    OutputComparer other = new OutputComparer(SETTINGS);
    for (long step = 0; step < 6; step++) {
      EnsembleStep s = ensemble(step);
      if (step == 4) { // ties: every replica the same matrix and probes
        s =
            new EnsembleStep(
                "run",
                "bottleneck",
                step,
                SHAPE,
                s.replicas(),
                copies(s.values(), REPLICAS),
                0.01,
                32,
                0,
                copies(s.probeInputs(), REPLICAS));
      }
      if (step == 5) { // an infinite weight
        float[] v = s.values().clone();
        v[7] = Float.POSITIVE_INFINITY;
        s =
            new EnsembleStep(
                "run", "bottleneck", step, SHAPE, s.replicas(), v, 0.01, 32, 0, s.probeInputs());
      }
      OutputComparison reference = reference(s, OutputComparerTest::gaussianTheory);
      assertEquals(reference, comparer.compare("entrywise", s, OutputComparerTest::gaussianTheory));
      OutputComparer.Experiment shared = comparer.experiment(s);
      assertEquals(
          reference, other.compare("entrywise", shared, OutputComparerTest::gaussianTheory));
      OutputComparer fewer = new OutputComparer(new SolverSettings.OutputSettings(4096, 1, 7, 100));
      assertEquals(
          fewer.compare("entrywise", s, OutputComparerTest::gaussianTheory),
          fewer.compare("entrywise", shared, OutputComparerTest::gaussianTheory),
          "other settings: computed anew");
    }
  }

  /** The comparison as first defined: the plain clouds and the static distances. */
  private static OutputComparison reference(EnsembleStep s, OutputComparer.TheorySampler theory) {
    long seed = OutputComparer.seed(s);
    double[][] drawn = theory.draw(s.size(), new SplittableRandom(seed));
    double[][] experiment = new double[s.size() * PROBES][];
    double[][] predicted = new double[s.size() * PROBES][];
    double[][] even = new double[(s.size() + 1) / 2 * PROBES][];
    double[][] odd = new double[s.size() / 2 * PROBES][];
    for (int k = 0; k < s.size(); k++) {
      double[][] h = new double[PROBES][SHAPE[1]];
      for (int p = 0; p < PROBES; p++) {
        for (int c = 0; c < SHAPE[1]; c++) {
          h[p][c] = s.probeInputs()[(k * PROBES + p) * SHAPE[1] + c];
        }
      }
      double[] w = new double[s.entries()];
      for (int e = 0; e < w.length; e++) {
        w[e] = s.value(k, e);
      }
      double[][] y = PointClouds.linearOutputs(new double[][] {w}, SHAPE[0], SHAPE[1], h);
      System.arraycopy(y, 0, experiment, k * PROBES, PROBES);
      System.arraycopy(y, 0, k % 2 == 0 ? even : odd, k / 2 * PROBES, PROBES);
      System.arraycopy(
          PointClouds.linearOutputs(new double[][] {drawn[k]}, SHAPE[0], SHAPE[1], h),
          0,
          predicted,
          k * PROBES,
          PROBES);
    }
    long projectionSeed = new SplittableRandom(seed).split().nextLong();
    int projections = SETTINGS.projections();
    return OutputComparison.newBuilder()
        .setModel("entrywise")
        .setProbes(PROBES)
        .setTheorySamples(drawn.length)
        .setSlicedW1(
            PointClouds.slicedWasserstein1(predicted, experiment, projections, projectionSeed))
        .setEnergy(PointClouds.energyDistance(subset(predicted), subset(experiment)))
        .setSlicedW1Floor(PointClouds.slicedWasserstein1(even, odd, projections, projectionSeed))
        .setEnergyFloor(PointClouds.energyDistance(subset(even), subset(odd)))
        .build();
  }

  private static double[][] subset(double[][] points) {
    int n = Math.min(points.length, SETTINGS.maxPoints());
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = points[(int) ((long) i * points.length / n)];
    }
    return out;
  }

  /** The first replica's block repeated for every replica. */
  private static float[] copies(float[] all, int replicas) {
    int block = all.length / replicas;
    float[] out = new float[all.length];
    for (int k = 0; k < replicas; k++) {
      System.arraycopy(all, 0, out, k * block, block);
    }
    return out;
  }

  /** R replicas at a step: entries N(MEAN[e], SD^2), probe inputs uniform; seeded by the step. */
  @Test
  void shouldFindShuffledReplicasBelowTheFloorWhereWeightsAndInputsAreIndependent() {
    OutputComparer comparer = new OutputComparer(SETTINGS);
    double sliced = 0;
    double floor = 0;
    for (long step = 0; step < 10; step++) {
      OutputComparison c = comparer.compareShuffled(comparer.experiment(ensemble(step)));
      assertEquals(OutputComparer.SHUFFLED, c.getModel());
      sliced += c.getSlicedW1();
      floor += c.getSlicedW1Floor();
    }
    System.out.printf(
        "independent W and h, shuffled: sliced W1 %.4f (floor %.4f)%n", sliced, floor);
    assertTrue(sliced < floor, "sliced W1 " + sliced / 10 + " vs floor " + floor / 10);
  }

  @Test
  void shouldFindShuffledReplicasFarFromTheExperimentWhereEachReplicasInputsFollowItsWeights() {
    OutputComparer comparer = new OutputComparer(SETTINGS);
    double coupled =
        comparer.compareShuffled(comparer.experiment(signEnsemble(true))).getSlicedW1();
    double independent =
        comparer.compareShuffled(comparer.experiment(signEnsemble(false))).getSlicedW1();
    System.out.printf(
        "shuffled replicas: sliced W1 %.4f where each replica's inputs follow its weights, %.4f"
            + " where they do not%n",
        coupled, independent);
    assertTrue(coupled > 3 * independent, coupled + " vs " + independent);
  }

  /**
   * Entries standard normal; every input of a replica carries one sign: that of its own first row's
   * sum where {@code coupled} (W and h co-trained: the first output {@code sum_j W[0][j] h_j}
   * mostly positive in the experiment, of either sign once shuffled), else a sign of its own.
   */
  private static EnsembleStep signEnsemble(boolean coupled) {
    SplittableRandom random = new SplittableRandom(5);
    int entries = SHAPE[0] * SHAPE[1];
    float[] values = new float[REPLICAS * entries];
    float[] probes = new float[REPLICAS * PROBES * SHAPE[1]];
    for (int k = 0; k < REPLICAS; k++) {
      for (int e = 0; e < entries; e++) {
        values[k * entries + e] = (float) random.nextGaussian();
      }
      float rowSum = values[k * entries] + values[k * entries + 1] + values[k * entries + 2];
      float sign = coupled ? Math.signum(rowSum) : random.nextBoolean() ? 1 : -1;
      for (int i = k * PROBES * SHAPE[1]; i < (k + 1) * PROBES * SHAPE[1]; i++) {
        probes[i] = sign * (float) random.nextDouble();
      }
    }
    return step(4, values, probes);
  }

  static EnsembleStep ensemble(long step) {
    SplittableRandom random = new SplittableRandom(1000 + step);
    int entries = SHAPE[0] * SHAPE[1];
    float[] values = new float[REPLICAS * entries];
    for (int k = 0; k < REPLICAS; k++) {
      for (int e = 0; e < entries; e++) {
        values[k * entries + e] = (float) (MEAN[e] + SD * random.nextGaussian());
      }
    }
    float[] probes = new float[REPLICAS * PROBES * SHAPE[1]];
    for (int i = 0; i < probes.length; i++) {
      probes[i] = (float) random.nextDouble();
    }
    return step(step, values, probes);
  }

  /**
   * Step {@code step} of run "run", layer "bottleneck": these replicas' values and probe inputs.
   */
  private static EnsembleStep step(long step, float[] values, float[] probes) {
    return new EnsembleStep(
        "run",
        "bottleneck",
        step,
        SHAPE,
        IntStream.range(0, REPLICAS).toArray(),
        values,
        0.01,
        32,
        0,
        probes);
  }

  /** Exact draws from the replicas' law. */
  static double[][] gaussianTheory(int n, java.util.random.RandomGenerator random) {
    double[][] w = new double[n][MEAN.length];
    for (double[] m : w) {
      for (int e = 0; e < m.length; e++) {
        m[e] = MEAN[e] + SD * random.nextGaussian();
      }
    }
    return w;
  }
}
