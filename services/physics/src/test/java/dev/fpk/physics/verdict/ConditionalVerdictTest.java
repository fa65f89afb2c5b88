package dev.fpk.physics.verdict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.align.CellMasses;
import dev.fpk.physics.density.KernelDensity;
import dev.fpk.physics.forecast.Forecasts;
import dev.fpk.physics.forecast.MovedReplicas;
import dev.fpk.physics.grid.Grid1D;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The conditional verdict as a test: where the replicas follow the theory's SDE from where they
 * started (an Ornstein-Uhlenbeck process in the paper's slow regime: relaxation over 1,000 steps, D
 * = 1e-7 per step), it rejects at its level, where the independent-draw bootstrap never does; where
 * they follow another drift, it rejects.
 */
class ConditionalVerdictTest {
  private static final Grid1D G = Grid1D.of(-0.6, 0.4, 200);
  private static final int R = 256;
  private static final int B = 39;
  private static final int STEPS = 200;

  private static double[][] ouFields(double attractor) {
    double[] mu = new double[G.cells()];
    double[] d = new double[G.cells()];
    for (int c = 0; c < mu.length; c++) {
      mu[c] = -1e-3 * (G.centre(c) - attractor);
      d[c] = 1e-7;
    }
    return new double[][] {mu, d};
  }

  /**
   * Shares of trials rejected at 5% by the conditional verdict and by the independent-draw
   * bootstrap, the density moved by the theory's fields and the replicas by {@code truth}'s.
   */
  private static double[] rejections(double[][] truth, int trials) {
    double[][] theory = ouFields(0.1);
    SplittableRandom random = new SplittableRandom(21);
    int conditional = 0;
    int independent = 0;
    W1Verdict bootstrap = new W1Verdict();
    for (int t = 0; t < trials; t++) {
      double[] replicas = new double[R];
      for (int i = 0; i < R; i++) {
        replicas[i] = -0.2 + 0.08 * random.nextGaussian();
      }
      double[] density =
          Forecasts.fokkerPlanck(
              G, KernelDensity.estimate(G, replicas), theory[0], theory[1], STEPS, STEPS);
      ConditionalVerdict verdict = ConditionalVerdict.start(replicas, B);
      verdict.advance(G, theory[0], theory[1], STEPS, 1, random);
      int n = MovedReplicas.substeps(G, truth[0], truth[1], STEPS, 1);
      MovedReplicas.move(G, truth[0], truth[1], replicas, STEPS, n, random);
      double w1 = dev.fpk.physics.align.Alignment.wasserstein1(G, density, replicas);
      conditional += ConditionalVerdict.pValue(verdict.distances(G, density), w1) < 0.05 ? 1 : 0;
      bootstrap.set(new CellMasses().set(G, density), R);
      independent += bootstrap.pValue(w1) < 0.05 ? 1 : 0;
    }
    return new double[] {(double) conditional / trials, (double) independent / trials};
  }

  @Test
  void shouldRejectAtItsLevelWhereTheReplicasFollowTheTheory() {
    double[] share = rejections(ouFields(0.1), 400);
    System.out.printf(
        "theory right: rejected at 5%% by the conditional verdict %.3f, by the independent-draw"
            + " bootstrap %.3f%n",
        share[0], share[1]);
    // exchangeable under the null: exactly 2/40 in expectation; 400 trials: sd 0.011
    assertTrue(share[0] > 0.02 && share[0] < 0.085, "conditional " + share[0]);
    assertEquals(0, share[1], 0.01, "the independent-draw null is far too wide here");
  }

  @Test
  void shouldRejectWhereTheReplicasFollowAnotherDrift() {
    // the attractor 0.05 away: after 200 steps the replicas sit about 0.009 off the theory's
    double[] share = rejections(ouFields(0.15), 100);
    System.out.printf(
        "theory wrong: rejected by the conditional verdict %.3f, by the independent-draw bootstrap"
            + " %.3f%n",
        share[0], share[1]);
    assertTrue(share[0] > 0.9, "conditional " + share[0]);
  }

  /**
   * The share of trials rejected at 5% where the replicas leave their paths but keep their law:
   * each turns in a plane of two hidden coordinates, {@code w = m + sigma (a cos(omega t) + b
   * sin(omega t))} with {@code a, b} standard normal, so at every step the replicas are a sample of
   * N(m, sigma^2), with correlation 0.9 with their start after the run (their rank correlation in
   * the paper's experiment by step 3,000 is 0.88-0.92). The theory's fields are Gyöngy's, no drift
   * and no diffusion (a trace of D for the solver), so its density stays the kernel estimate of the
   * start: right about the law.
   */
  private static double rejectionsOfReplicasLeavingTheirPaths(int trials) {
    double[] still = new double[G.cells()];
    double[] trace = new double[G.cells()];
    java.util.Arrays.fill(trace, 1e-9);
    double turn = Math.acos(0.9);
    SplittableRandom random = new SplittableRandom(89);
    int rejected = 0;
    for (int t = 0; t < trials; t++) {
      double[] start = new double[R];
      double[] replicas = new double[R];
      for (int i = 0; i < R; i++) {
        double a = random.nextGaussian();
        double b = random.nextGaussian();
        start[i] = -0.2 + 0.08 * a;
        replicas[i] = -0.2 + 0.08 * (a * Math.cos(turn) + b * Math.sin(turn));
      }
      double[] density =
          Forecasts.fokkerPlanck(G, KernelDensity.estimate(G, start), still, trace, STEPS, STEPS);
      ConditionalVerdict verdict = ConditionalVerdict.start(start, B);
      verdict.advance(G, still, trace, STEPS, 1, random);
      double w1 = dev.fpk.physics.align.Alignment.wasserstein1(G, density, replicas);
      rejected += ConditionalVerdict.pValue(verdict.distances(G, density), w1) < 0.05 ? 1 : 0;
    }
    return (double) rejected / trials;
  }

  /**
   * What the verdict cannot do (PHYSICS.md §4): replicas that reorder, driven by coordinates the
   * entry does not see, renew their sample's fluctuations, which the density and the Markov shadows
   * keep from the start, so a theory right about the law is rejected. Held so that the figure is
   * known and a verdict that mends it shows here.
   */
  @Test
  void shouldRejectARightTheoryWhereTheReplicasReorderAsTheShadowsCannot() {
    double share = rejectionsOfReplicasLeavingTheirPaths(400);
    System.out.printf(
        "replicas reordered (correlation 0.9 with the start), law kept: rejected at 5%% %.3f%n",
        share);
    assertTrue(share > 0.9, "rejected " + share);
  }

  /**
   * Shares of trials rejected at 5% when the density moves by an estimated drift, the truth's plus
   * an error of standard error {@code se} per step held over the run (a long memory's lag): by
   * shadows moved with the point estimate, and by shadows each carrying its own drift error.
   */
  private static double[] rejectionsWithEstimatedDrift(double se, int trials) {
    double[][] truth = ouFields(0.1);
    SplittableRandom random = new SplittableRandom(34);
    int plain = 0;
    int withErrors = 0;
    for (int t = 0; t < trials; t++) {
      double[] replicas = new double[R];
      for (int i = 0; i < R; i++) {
        replicas[i] = -0.2 + 0.08 * random.nextGaussian();
      }
      double error = se * random.nextGaussian();
      double[] estimate = truth[0].clone();
      for (int c = 0; c < estimate.length; c++) {
        estimate[c] += error;
      }
      double[] density =
          Forecasts.fokkerPlanck(
              G, KernelDensity.estimate(G, replicas), estimate, truth[1], STEPS, STEPS);
      ConditionalVerdict pointEstimate = ConditionalVerdict.start(replicas, B);
      pointEstimate.advance(G, estimate, truth[1], STEPS, 1, random);
      ConditionalVerdict errors = ConditionalVerdict.start(replicas, B);
      errors.evolveDriftErrors(1, 1, random); // one bin: the error is the same everywhere
      double[][] drifts = new double[B][];
      for (int b = 0; b < B; b++) {
        drifts[b] = estimate.clone();
        for (int c = 0; c < estimate.length; c++) {
          drifts[b][c] += se * errors.driftErrors(b)[0];
        }
      }
      errors.advance(G, drifts, truth[1], STEPS, 1, random);
      MovedReplicas.move(
          G,
          truth[0],
          truth[1],
          replicas,
          STEPS,
          MovedReplicas.substeps(G, truth[0], truth[1], STEPS, 1),
          random);
      double w1 = dev.fpk.physics.align.Alignment.wasserstein1(G, density, replicas);
      plain += ConditionalVerdict.pValue(pointEstimate.distances(G, density), w1) < 0.05 ? 1 : 0;
      withErrors += ConditionalVerdict.pValue(errors.distances(G, density), w1) < 0.05 ? 1 : 0;
    }
    return new double[] {(double) plain / trials, (double) withErrors / trials};
  }

  @Test
  void shouldCoverTheDriftsErrorWhenTheShadowsCarryIt() {
    // 2e-5 per step over 200 steps: the attractor's pull misplaced by about 0.02
    double[] share = rejectionsWithEstimatedDrift(2e-5, 400);
    System.out.printf(
        "drift estimated with error: rejected at 5%% by shadows of the point estimate %.3f, by"
            + " shadows carrying the error %.3f%n",
        share[0], share[1]);
    assertTrue(share[0] > 0.2, "the point estimate's null is too narrow: " + share[0]);
    // exchangeable again: 2/40 in expectation; 400 trials: sd 0.011
    assertTrue(share[1] > 0.02 && share[1] < 0.085, "with errors " + share[1]);
  }

  @Test
  void shouldKeepDriftErrorsStandardNormalAndCorrelatedAsTheMemory() {
    ConditionalVerdict v = ConditionalVerdict.start(new double[] {0.1, 0.2}, 400);
    SplittableRandom random = new SplittableRandom(5);
    v.evolveDriftErrors(3, 0.9, random);
    double[] before = new double[400];
    for (int b = 0; b < 400; b++) {
      before[b] = v.driftErrors(b)[1];
    }
    v.evolveDriftErrors(3, 0.9, random);
    double sum = 0;
    double sq = 0;
    double cross = 0;
    for (int b = 0; b < 400; b++) {
      double z = v.driftErrors(b)[1];
      sum += z;
      sq += z * z;
      cross += z * before[b];
    }
    assertEquals(0, sum / 400, 0.2);
    assertEquals(1, sq / 400, 0.2);
    assertEquals(0.9, cross / 400, 0.15, "correlation over one estimate");
    v.evolveDriftErrors(5, 0.9, random);
    assertEquals(5, v.driftErrors(0).length, "other bins: afresh");
  }

  @Test
  void shouldRankTheObservationAmongTheDraws() {
    double[] draws = {0.1, 0.2, 0.3, 0.4};
    assertEquals(1.0 / 5, ConditionalVerdict.pValue(draws, 0.5));
    assertEquals(3.0 / 5, ConditionalVerdict.pValue(draws, 0.25));
    assertEquals(1.0, ConditionalVerdict.pValue(draws, 0.0));
    assertEquals(0.25, ConditionalVerdict.floor(draws), 1e-15);
    assertTrue(Double.isNaN(ConditionalVerdict.pValue(new double[0], 0.1)));
    assertTrue(Double.isNaN(ConditionalVerdict.pValue(draws, Double.NaN)));
  }

  @Test
  void shouldRestoreTheShadowsBitForBit() throws Exception {
    double[][] f = ouFields(0.1);
    ConditionalVerdict v = ConditionalVerdict.start(new double[] {0.1, Double.NaN, -0.2, 0.3}, 3);
    v.advance(G, f[0], f[1], 5, 1, new SplittableRandom(2));
    v.evolveDriftErrors(4, 0.5, new SplittableRandom(4));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    v.writeTo(new DataOutputStream(bytes));
    ConditionalVerdict back =
        ConditionalVerdict.readFrom(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertEquals(3, back.draws());
    assertEquals(3, back.replicas(), "the non-finite replica is left out");
    double[] p = KernelDensity.estimate(G, new double[] {0, 0.1});
    assertArrayEquals(v.distances(G, p), back.distances(G, p));
    for (int b = 0; b < 3; b++) {
      assertArrayEquals(v.driftErrors(b), back.driftErrors(b));
    }
    back.advance(G, f[0], f[1], 5, 1, new SplittableRandom(3));
    v.advance(G, f[0], f[1], 5, 1, new SplittableRandom(3));
    assertArrayEquals(v.distances(G, p), back.distances(G, p));
  }
}
