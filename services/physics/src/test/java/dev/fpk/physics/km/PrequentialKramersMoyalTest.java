package dev.fpk.physics.km;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class PrequentialKramersMoyalTest {
  private static final int REPLICAS = 256;
  private static final double D = 1e-4;

  /**
   * An ensemble of OU replicas {@code dW = -k(t) (W - a(t)) dt + sqrt(2D) dB}, simulated exactly
   * per step with k and a frozen at the step's midpoint, fed one step at a time (decay, then the
   * step's increments) as the estimator service does.
   */
  private static final class Ensemble {
    final double[] w = new double[REPLICAS];
    final SplittableRandom random;
    final DoubleUnaryOperator k;
    final DoubleUnaryOperator a;
    int t;

    Ensemble(long seed, DoubleUnaryOperator k, DoubleUnaryOperator a) {
      random = new SplittableRandom(seed);
      this.k = k;
      this.a = a;
      double sd = Math.sqrt(D / k.applyAsDouble(0));
      for (int r = 0; r < REPLICAS; r++) {
        w[r] = a.applyAsDouble(0) + sd * random.nextGaussian();
      }
    }

    void step(KramersMoyalEstimator<?>... estimators) {
      double kk = k.applyAsDouble(t + 0.5);
      double aa = a.applyAsDouble(t + 0.5);
      double e = Math.exp(-kk);
      double sd = Math.sqrt(D * (1 - e * e) / kk);
      for (KramersMoyalEstimator<?> km : estimators) {
        km.decay(1);
      }
      for (int r = 0; r < REPLICAS; r++) {
        double next = aa + (w[r] - aa) * e + sd * random.nextGaussian();
        for (KramersMoyalEstimator<?> km : estimators) {
          km.increment(w[r], next - w[r], 1);
        }
        w[r] = next;
      }
      t++;
    }
  }

  private static final Grid1D GRID = Grid1D.of(-0.3, 0.3, 32);

  @Test
  void shouldGiveTheBinnedEstimatorBitForBitWithOneMemoryWithoutTheTimeTerm() {
    PrequentialKramersMoyal one = new PrequentialKramersMoyal(GRID, Memories.fixed(40, 20));
    BinnedKramersMoyal plain = new BinnedKramersMoyal(GRID, 40);
    Ensemble ens = new Ensemble(1, t -> 0.05, t -> 0.001 * t);
    for (int s = 0; s < 60; s++) {
      ens.step(one, plain);
    }
    KramersMoyalEstimate a = one.result();
    KramersMoyalEstimate b = plain.result();
    assertArrayEquals(b.drift(), a.drift());
    assertArrayEquals(b.diffusion(), a.diffusion());
    assertArrayEquals(b.driftStdErr(), a.driftStdErr());
    assertArrayEquals(b.diffusionStdErr(), a.diffusionStdErr());
    assertEquals(b.ouFit(), a.ouFit());
    assertArrayEquals(plain.state(), one.state(), "the same checkpoint state");
    assertEquals(plain.count(), one.count());
    assertEquals(40, one.chosenHalfLifeSteps());
    assertFalse(one.trendChosen());
  }

  @Test
  void shouldChooseTheLongestMemoryWithoutTheTimeTermOnAStationaryEnsemble() {
    int longest = 0;
    for (int seed = 0; seed < 5; seed++) {
      PrequentialKramersMoyal km = new PrequentialKramersMoyal(GRID, Memories.adaptive(20));
      Ensemble ens = new Ensemble(10 + seed, t -> 0.05, t -> 0.0);
      for (int s = 0; s < 600; s++) {
        ens.step(km);
      }
      System.out.printf(
          "stationary OU, seed %d: chosen %s%s, scores %s%n",
          seed,
          km.chosenHalfLifeSteps(),
          km.trendChosen() ? " with time term" : "",
          java.util.Arrays.toString(km.scores()));
      assertTrue(km.chosenHalfLifeSteps() >= 160, "a long memory: " + km.chosenHalfLifeSteps());
      if (km.chosenHalfLifeSteps() == 1000 && !km.trendChosen()) {
        longest++;
      }
    }
    assertTrue(
        longest >= 3, "the longest memory without the time term in " + longest + " of 5 seeds");
  }

  @Test
  void shouldChooseAShortMemoryAfterTheAttractorJumps() {
    PrequentialKramersMoyal km = new PrequentialKramersMoyal(GRID, Memories.adaptive(20));
    // stationary until step 400, when the attractor jumps from -0.05 to 0.05
    Ensemble ens = new Ensemble(3, t -> 0.02, t -> t < 400 ? -0.05 : 0.05);
    double before = 0;
    for (int s = 0; s < 440; s++) {
      ens.step(km);
      if (s == 399) {
        before = km.chosenHalfLifeSteps();
      }
    }
    System.out.printf(
        "jump at 400: chosen %s before, %s%s 40 steps after%n",
        before, km.chosenHalfLifeSteps(), km.trendChosen() ? " with time term" : "");
    assertTrue(before >= 160, "before the jump a long memory: " + before);
    assertTrue(km.chosenHalfLifeSteps() <= 40, "after it a short one: " + km.chosenHalfLifeSteps());
  }

  @Test
  void
      shouldChooseTheTimeTermForALinearlyMovingAttractorAndCoverTheTrueDriftWithItsStandardErrors() {
    double k = 0.05;
    double speed = 2e-4; // per step
    int chosenTrend = 0;
    double z2 = 0;
    int zs = 0;
    for (int seed = 0; seed < 5; seed++) {
      PrequentialKramersMoyal km = new PrequentialKramersMoyal(GRID, Memories.adaptive(20));
      Ensemble ens = new Ensemble(20 + seed, t -> k, t -> -0.1 + speed * t);
      for (int s = 0; s < 800; s++) {
        ens.step(km);
      }
      if (km.trendChosen()) {
        chosenTrend++;
      }
      System.out.printf(
          "moving attractor, seed %d: chosen %s%s%n",
          seed, km.chosenHalfLifeSteps(), km.trendChosen() ? " with time term" : "");
      // the drift the next interval (steps 800 to 801) is advanced with, at its midpoint
      KramersMoyalEstimate e = km.result();
      double[] drift = e.drift();
      double[] se = e.driftStdErr();
      double[] n = e.counts();
      double a = -0.1 + speed * 800.5;
      for (int b = 0; b < GRID.cells(); b++) {
        if (n[b] >= 200) {
          // the discrete-time drift of the exact step: (e^{-k} - 1)(w - a); averaged over the bin
          double truth = (Math.exp(-k) - 1) * (GRID.centre(b) - a);
          double z = (drift[b] - truth) / se[b];
          z2 += z * z;
          zs++;
        }
      }
    }
    double rms = Math.sqrt(z2 / zs);
    System.out.printf(
        "moving attractor: time term chosen in %d of 5 seeds; drift z-score rms %.2f over %d bins%n",
        chosenTrend, rms, zs);
    assertTrue(chosenTrend >= 4, "time term chosen in only " + chosenTrend + " of 5 seeds");
    assertTrue(zs >= 20, "bins checked: " + zs);
    // standard errors of the right size: z-scores neither much wider nor much narrower than N(0, 1)
    // (a bin's mean w is not its centre, which adds a little)
    assertTrue(rms > 0.6 && rms < 1.6, "rms z " + rms);
  }

  @Test
  void shouldWriteTheStateIntoAReusedArray() {
    PrequentialKramersMoyal km = new PrequentialKramersMoyal(GRID, Memories.adaptive(20));
    Ensemble ens = new Ensemble(5, t -> 0.05, t -> -0.1 + 3e-4 * t);
    double[] reused = new double[km.stateLength() + 7];
    Arrays.fill(reused, Double.NaN); // what a longer variable's state left there
    for (int s = 0; s < 30; s++) {
      ens.step(km);
      double[] state = km.state();
      assertEquals(state.length, km.stateLength());
      km.stateInto(reused);
      assertArrayEquals(state, Arrays.copyOf(reused, state.length), "step " + s);
    }
  }

  @Test
  void shouldRestoreCopyAndRegridBitForBitMidStream() {
    PrequentialKramersMoyal km = new PrequentialKramersMoyal(GRID, Memories.adaptive(20));
    Ensemble ens = new Ensemble(5, t -> 0.05, t -> -0.1 + 3e-4 * t);
    for (int s = 0; s < 120; s++) {
      ens.step(km);
    }
    PrequentialKramersMoyal restored =
        PrequentialKramersMoyal.restore(GRID, km.memories(), km.count(), km.state());
    PrequentialKramersMoyal copy = km.copy();
    Grid1D wider = Grid1D.of(-0.3 - 2 * GRID.width(), 0.3 + GRID.width(), 35);
    PrequentialKramersMoyal moved = km.regridded(wider);
    PrequentialKramersMoyal movedRestored =
        PrequentialKramersMoyal.restore(GRID, km.memories(), km.count(), km.state())
            .regridded(wider);
    for (int s = 0; s < 80; s++) {
      ens.step(km, restored, copy, moved, movedRestored);
      assertArrayEquals(km.state(), restored.state(), "restored, step " + s);
      assertArrayEquals(km.state(), copy.state(), "copy, step " + s);
      assertArrayEquals(moved.state(), movedRestored.state(), "regridded, step " + s);
    }
    assertArrayEquals(km.result().drift(), restored.result().drift());
    assertEquals(km.chosenHalfLifeSteps(), restored.chosenHalfLifeSteps());
    double[] a = km.result().drift();
    double[] b = moved.result().drift();
    int compared = 0;
    for (int i = 1;
        i < GRID.cells() - 1;
        i++) { // the end bins no longer take the increments beyond them
      if (!Double.isNaN(a[i])) {
        assertEquals(a[i], b[i + 2], 1e-12, "bin " + i + " moved by two cells");
        compared++;
      }
    }
    assertTrue(compared >= 10, "bins compared: " + compared);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            PrequentialKramersMoyal.restore(GRID, Memories.fixed(40, 20), km.count(), km.state()));
  }

  @Test
  void shouldMergeShardsOfDisjointReplicasIntoTheSameMemories() {
    PrequentialKramersMoyal all = new PrequentialKramersMoyal(GRID, Memories.adaptive(20));
    PrequentialKramersMoyal left = new PrequentialKramersMoyal(GRID, Memories.adaptive(20));
    PrequentialKramersMoyal right = new PrequentialKramersMoyal(GRID, Memories.adaptive(20));
    SplittableRandom random = new SplittableRandom(9);
    for (int s = 0; s < 50; s++) {
      for (PrequentialKramersMoyal km : new PrequentialKramersMoyal[] {all, left, right}) {
        km.decay(1);
      }
      for (int r = 0; r < 64; r++) {
        double w = 0.1 * random.nextGaussian();
        double dw = -0.05 * (w - 0.001 * s) + 0.014 * random.nextGaussian();
        all.increment(w, dw, 1);
        (r % 2 == 0 ? left : right).increment(w, dw, 1);
      }
      // shards see each step whole or not at all: fold them step by step like the whole
      left.result();
      right.result();
      all.result();
    }
    left.merge(right);
    assertEquals(all.count(), left.count());
    double[] a = all.result().drift();
    double[] b = left.result().drift();
    double[] na = all.result().counts();
    for (int i = 0; i < a.length; i++) {
      if (na[i] >= 20
          && all.chosenHalfLifeSteps() == left.chosenHalfLifeSteps()
          && all.trendChosen() == left.trendChosen()) {
        assertEquals(a[i], b[i], 1e-9, "bin " + i);
      }
    }
  }

  @Test
  void shouldReportNothingWithoutDataAndIgnoreNonFiniteIncrements() {
    PrequentialKramersMoyal km = new PrequentialKramersMoyal(GRID, Memories.adaptive(20));
    km.decay(1);
    km.increment(Double.NaN, 0.1, 1);
    km.increment(0.1, Double.POSITIVE_INFINITY, 1);
    km.increment(0.1, 0.1, 0);
    assertEquals(0, km.count());
    KramersMoyalEstimate e = km.result();
    assertTrue(Double.isNaN(e.drift()[0]) && Double.isNaN(e.ouFit().slope()));
    assertEquals(1000, km.chosenHalfLifeSteps(), "with no evidence, the longest memory");
  }
}
