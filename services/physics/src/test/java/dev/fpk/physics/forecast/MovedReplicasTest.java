package dev.fpk.physics.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.align.CellMasses;
import dev.fpk.physics.density.KernelDensity;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.verdict.W1Verdict;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The conditional floor against what it claims: replicas moved by the SDE follow its exact
 * transition law (an Ornstein-Uhlenbeck process), and when the data really are those replicas moved
 * by that SDE, the forecast's mean W1 to them equals the floor, both where the noise dominates and
 * where the replicas barely move; there it sits well below the floor of independent draws, which
 * would leave the skill undefined.
 */
class MovedReplicasTest {
  private static final Grid1D G = Grid1D.of(-1, 1, 200);
  private static final double A = 0.02; // relaxation rate per step
  private static final double M = 0.1; // attractor
  private static final double D = 2e-5; // weight units^2 per step

  private static double[][] ouFields() {
    return ouFields(A, D);
  }

  private static double[][] ouFields(double a, double diffusion) {
    double[] mu = new double[G.cells()];
    double[] d = new double[G.cells()];
    for (int c = 0; c < mu.length; c++) {
      mu[c] = -a * (G.centre(c) - M);
      d[c] = diffusion;
    }
    return new double[][] {mu, d};
  }

  @Test
  void shouldMoveParticlesByTheOrnsteinUhlenbeckTransitionLaw() {
    double[][] f = ouFields();
    double x0 = -0.3;
    int n = 200_000;
    double k = 50;
    double[] w = new double[n];
    Arrays.fill(w, x0);
    int substeps = MovedReplicas.substeps(G, f[0], f[1], k, 4);
    assertEquals(10, substeps, "h |mu'| <= 0.1: 50 steps x 0.02 / 0.1");
    MovedReplicas.move(G, f[0], f[1], w, k, substeps, new SplittableRandom(3));
    double mean = Arrays.stream(w).average().orElseThrow();
    double var = Arrays.stream(w).map(x -> (x - mean) * (x - mean)).sum() / n;
    double decay = Math.exp(-A * k);
    double exactMean = M + (x0 - M) * decay;
    double exactVar = D / A * (1 - decay * decay);
    // Euler at h = 5 steps: first-order weak error ~ h A / 2 = 5% of the relaxation
    assertEquals(exactMean, mean, 0.02 * Math.abs(x0 - M));
    assertEquals(exactVar, var, 0.08 * exactVar);
  }

  @Test
  void shouldEqualTheMeanDistanceToDataThatFollowTheSdeWhereNoiseDominates() {
    double[] floors = floorAndObserved(ouFields(), 11);
    assertEquals(floors[1], floors[0], 0.03 * floors[1]);
    assertEquals(floors[4], floors[3], 0.08 * floors[4]);
  }

  @Test
  void shouldEqualTheMeanDistanceWhereReplicasBarelyMoveAndSitBelowTheIndependentFloor() {
    // the paper's slow phase: relaxation over ~1,000 steps, D ~ 1e-7 per step
    double[] floors = floorAndObserved(ouFields(1e-3, 1e-7), 12);
    assertEquals(floors[1], floors[0], 0.03 * floors[1]);
    assertEquals(floors[4], floors[3], 0.08 * floors[4]);
    assertTrue(floors[3] < 0.6 * floors[0], "the particles carry no smoothing of the start");
    assertTrue(floors[0] < 0.8 * floors[2], "a forecast from these very replicas is closer");
  }

  /**
   * For 256 replicas and a forecast 50 steps ahead from their kernel density estimate: the
   * conditional floor, the mean W1 of the forecast to 400 runs of data that follow the SDE from the
   * same replicas, and the independent-draw floor.
   */
  private static double[] floorAndObserved(double[][] f, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int r = 256;
    double[] start = new double[r];
    for (int i = 0; i < r; i++) {
      start[i] = -0.2 + 0.15 * random.nextGaussian();
    }
    double[] kde = KernelDensity.estimate(G, start);
    int k = 50;
    double[] fp = Forecasts.fokkerPlanck(G, kde, f[0], f[1], k, k);
    double floor = MovedReplicas.of(G, f[0], f[1], start, k, 1, 64, random).floorOf(G, fp);
    // particle forecasts of 16 copies each, their floors averaged
    int forecasts = 40;
    ParticleForecast[] particles = new ParticleForecast[forecasts];
    double particleFloor = 0;
    for (int i = 0; i < forecasts; i++) {
      particles[i] = MovedReplicas.of(G, f[0], f[1], start, k, 1, 16, random).forecast();
      particleFloor += particles[i].floor() / forecasts;
    }
    double particleObserved = 0;
    // the data: the same replicas moved by the same SDE, many times over
    double sum = 0;
    int runs = 400;
    int substeps = MovedReplicas.substeps(G, f[0], f[1], k, 1);
    for (int run = 0; run < runs; run++) {
      double[] data = start.clone();
      MovedReplicas.move(G, f[0], f[1], data, k, substeps, random);
      sum += Alignment.wasserstein1(G, fp, data);
      java.util.Arrays.sort(data);
      particleObserved += particles[run % forecasts].w1(data, r) / runs;
    }
    double observed = sum / runs;
    double independent = W1Verdict.floor(new CellMasses().set(G, fp), r);
    System.out.printf(
        "conditional floor %.5f, mean W1 to data %.5f, independent-draw floor %.5f; particle"
            + " forecast: floor %.5f, mean W1 to data %.5f%n",
        floor, observed, independent, particleFloor, particleObserved);
    return new double[] {floor, observed, independent, particleFloor, particleObserved};
  }

  @Test
  void shouldMoveEachReplicaByItsOwnDriftAndGiveThePlainSdeWithoutOne() {
    double[][] f = ouFields();
    double[] start = {0.3, -0.2, 0.1, 0.0};
    double[] own = {1e-3, -2e-3, 0, 5e-4};
    int k = 20;
    MovedReplicas plain = MovedReplicas.of(G, f[0], f[1], start, k, 1, 3, new SplittableRandom(9));
    MovedReplicas none =
        MovedReplicas.of(G, f[0], f[1], start, null, 0, k, 1, 3, new SplittableRandom(9));
    MovedReplicas zero =
        MovedReplicas.of(G, f[0], f[1], start, new double[4], 0, k, 1, 3, new SplittableRandom(9));
    for (int b = 0; b < 3; b++) {
      assertArrayEquals(plain.copy(b), none.copy(b));
      assertArrayEquals(plain.copy(b), zero.copy(b));
    }
    // no field and no noise to speak of (all of it explained, a twentieth kept): each replica
    // ends where its own drift takes it, whatever the order of the start
    double[][] quiet = ouFields(0, 1e-14);
    MovedReplicas moved =
        MovedReplicas.of(
            G, quiet[0], quiet[1], start, own, 2e-14, k, 1, 1, new SplittableRandom(9));
    double[] expected = new double[4];
    for (int r = 0; r < 4; r++) {
      expected[r] = start[r] + k * own[r];
    }
    Arrays.sort(expected);
    assertArrayEquals(expected, moved.copy(0), 1e-6);
  }

  @Test
  void shouldMeasureExactW1BetweenEmpiricalLawsOfAnySize() {
    SplittableRandom random = new SplittableRandom(4);
    float[] a = floats(random.doubles(300).sorted().toArray()); // the particles: floats
    double[] b = random.doubles(300).map(x -> 0.3 + 0.5 * x).sorted().toArray();
    double pairwise = 0; // equal sizes: the mean distance of the order statistics
    for (int i = 0; i < a.length; i++) {
      pairwise += Math.abs(a[i] - b[i]) / a.length;
    }
    assertEquals(pairwise, ParticleForecast.wasserstein1(a, b, b.length), 1e-12);
    double[] twice = new double[2 * b.length];
    for (int i = 0; i < b.length; i++) {
      twice[2 * i] = twice[2 * i + 1] = b[i];
    }
    assertEquals(pairwise, ParticleForecast.wasserstein1(a, twice, twice.length), 1e-12);
    float[] bFloats = floats(b);
    double[] bRounded = new double[b.length];
    for (int i = 0; i < b.length; i++) {
      bRounded[i] = bFloats[i];
    }
    assertEquals(0, ParticleForecast.wasserstein1(floats(twice), bRounded, b.length), 1e-15);
    // half the mass moves 0.5 from each end
    assertEquals(0.5, ParticleForecast.wasserstein1(new float[] {0, 1}, new double[] {0.5}, 1));
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  @Test
  void shouldBeNaNWithoutDrawsOrReplicas() {
    double[][] f = ouFields();
    double[] p = KernelDensity.estimate(G, new double[] {0, 0.1, 0.2});
    assertTrue(
        Double.isNaN(MovedReplicas.of(G, f[0], f[1], new double[0], 5, 1, 8, null).floorOf(G, p)));
    MovedReplicas none = MovedReplicas.of(G, f[0], f[1], new double[] {0.1}, 5, 1, 0, null);
    assertTrue(Double.isNaN(none.floorOf(G, p)));
    assertTrue(Double.isNaN(none.forecast().w1(new double[] {0.1}, 1)));
  }
}
