package dev.fpk.physics.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The scores from samples and densities prepared once ({@link PreparedSamples}, {@link CellMasses})
 * equal the static reference computations bit for bit, on random inputs with ties, outliers,
 * non-finite samples and zero-mass densities, with one instance of each reused across cases of
 * different sizes (the buffers must not leak one case into the next).
 */
class PreparedSamplesTest {
  private static final int[] SIZES = {0, 1, 2, 3, 7, 64, 65, 64, 200, 5, 64};

  /**
   * Random samples: normal, some rounded to make ties, some far outside the grid, some non-finite.
   */
  static double[] samples(SplittableRandom rnd, int n, boolean nonFinite) {
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      double u = rnd.nextDouble();
      s[i] =
          u < 0.1
              ? Math.rint(rnd.nextGaussian() * 4) / 4 // ties
              : u < 0.15
                  ? 20 * rnd.nextGaussian() // outside the grid
                  : rnd.nextGaussian();
      if (nonFinite && u > 0.93) {
        s[i] =
            u > 0.98 ? Double.NaN : u > 0.96 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      }
    }
    return s;
  }

  static double[] density(SplittableRandom rnd, int cells, boolean zeroMass) {
    double[] p = new double[cells];
    for (int i = 0; i < cells; i++) {
      p[i] =
          zeroMass || rnd.nextDouble() < 0.2 ? 0 : rnd.nextDouble() * Math.exp(rnd.nextGaussian());
    }
    return p;
  }

  /**
   * The solver's sampling floor as it was computed: W1 between even and odd samples, sorted apart.
   */
  static double floorReference(double[] samples) {
    double[] even = new double[(samples.length + 1) / 2];
    double[] odd = new double[samples.length / 2];
    for (int i = 0; i < samples.length; i++) {
      (i % 2 == 0 ? even : odd)[i / 2] = samples[i];
    }
    return PointClouds.wasserstein1(even, odd);
  }

  private static void same(double expected, double actual, String what) {
    assertEquals(
        Double.doubleToLongBits(expected),
        Double.doubleToLongBits(actual),
        what + ": " + expected + " vs " + actual);
  }

  @Test
  void shouldEqualTheReferenceScoresBitForBit() {
    SplittableRandom rnd = new SplittableRandom(20261128);
    PreparedSamples prepared = new PreparedSamples();
    CellMasses theory = new CellMasses();
    int cases = 0;
    for (int round = 0; round < 40; round++) {
      for (int n : SIZES) {
        boolean nonFinite = round % 3 == 1;
        double[] s = samples(rnd, n, nonFinite);
        double[] before = s.clone();
        int cells = 2 + rnd.nextInt(200);
        Grid1D g = Grid1D.of(-3 + rnd.nextDouble(), 2 + rnd.nextDouble(), cells);
        double[] p = density(rnd, cells, round % 7 == 3);
        prepared.prepare(s);
        theory.set(g, p);
        String c = "round " + round + " n " + n + " cells " + cells;

        double[] finite = Arrays.stream(s).filter(Double::isFinite).toArray();
        double[] sorted = finite.clone();
        Arrays.sort(sorted);
        assertEquals(finite.length, prepared.count(), c);
        assertArrayEquals(finite, Arrays.copyOf(prepared.finite(), prepared.count()), c);
        assertArrayEquals(sorted, Arrays.copyOf(prepared.sorted(), prepared.count()), c);
        same(Alignment.sampleMean(s), prepared.mean(), c + " sample mean");
        same(Alignment.sampleVariance(s), prepared.variance(), c + " sample variance");
        same(floorReference(s), prepared.samplingFloor(), c + " floor");

        double[] hist = Alignment.histogram(g, s);
        CellMasses h = prepared.histogram(g);
        assertArrayEquals(hist, Arrays.copyOf(h.values(), cells), c);
        same(Alignment.mean(g, hist), h.mean(), c + " hist mean");
        same(Alignment.variance(g, hist), h.variance(), c + " hist variance");
        same(Alignment.mean(g, p), theory.mean(), c + " mean");
        same(Alignment.variance(g, p), theory.variance(), c + " variance");
        same(Alignment.wasserstein1(g, p, s), Alignment.wasserstein1(theory, prepared), c + " W1");
        same(Alignment.jensenShannon(g, p, hist), Alignment.jensenShannon(theory, h), c + " JS");
        same(Alignment.hellinger(g, p, hist), Alignment.hellinger(theory, h), c + " Hellinger");
        assertTrue(prepared.histogram(g) == h, "the histogram of a grid is made once per step");

        // a second grid in the same step (a forecast issued before the grid moved)
        Grid1D g2 = Grid1D.of(-1, 1, cells + 1);
        double[] p2 = density(rnd, cells + 1, false);
        double[] hist2 = Alignment.histogram(g2, s);
        CellMasses t2 = prepared.theory(g2, p2);
        same(
            Alignment.wasserstein1(g2, p2, s),
            Alignment.wasserstein1(t2, prepared),
            c + " W1 second grid");
        same(
            Alignment.jensenShannon(g2, p2, hist2),
            Alignment.jensenShannon(t2, prepared.histogram(g2)),
            c + " JS second grid");
        assertArrayEquals(
            hist,
            Arrays.copyOf(prepared.histogram(g).values(), cells),
            c + " first grid's histogram kept");
        assertArrayEquals(before, s, "the samples are not modified");
        cases++;
      }
    }
    assertEquals(40 * SIZES.length, cases);
  }

  /** Jensen-Shannon by its plain formula, a logarithm per non-empty cell (as it was computed). */
  static double plainJensenShannon(double[] p, double[] q) {
    double tp = 0;
    double tq = 0;
    for (int i = 0; i < p.length; i++) {
      tp += p[i];
      tq += q[i];
    }
    double js = 0;
    for (int i = 0; i < p.length; i++) {
      double a = p[i] / tp;
      double b = q[i] / tq;
      double m = 0.5 * (a + b);
      js += (a > 0 ? a * Math.log(a / m) : 0) + (b > 0 ? b * Math.log(b / m) : 0);
    }
    return Math.max(0, 0.5 * js);
  }

  @Test
  void shouldGiveJensenShannonOfThePlainFormulaWithEmptyCells() {
    SplittableRandom rnd = new SplittableRandom(99);
    for (int round = 0; round < 500; round++) {
      int cells = 2 + rnd.nextInt(300);
      Grid1D g = Grid1D.of(0, 1, cells);
      double[] p = density(rnd, cells, false);
      double[] q = Alignment.histogram(g, samples(rnd, 1 + rnd.nextInt(100), false));
      if (round % 5 == 0) {
        p[rnd.nextInt(cells)] = Double.MIN_VALUE; // a subnormal mass: no shortcut there
      }
      p[0] += 1e-300; // make sure the total is positive
      same(plainJensenShannon(p, q), Alignment.jensenShannon(g, p, q), "round " + round);
      same(
          plainJensenShannon(q, p),
          Alignment.jensenShannon(g, q, p),
          "round " + round + " swapped");
    }
  }

  @Test
  void shouldGiveHellingerOfThePlainFormulaWithEmptyCells() {
    SplittableRandom rnd = new SplittableRandom(98);
    for (int round = 0; round < 500; round++) {
      int cells = 2 + rnd.nextInt(300);
      Grid1D g = Grid1D.of(0, 1, cells);
      double[] p = density(rnd, cells, false);
      p[0] += 1e-300;
      double[] q = Alignment.histogram(g, samples(rnd, 1 + rnd.nextInt(100), false));
      double tp = 0;
      double tq = 0;
      for (int i = 0; i < cells; i++) {
        tp += p[i];
        tq += q[i];
      }
      double bc = 0;
      for (int i = 0; i < cells; i++) {
        bc += Math.sqrt(p[i] / tp * (q[i] / tq));
      }
      same(Math.sqrt(Math.max(0, 1 - bc)), Alignment.hellinger(g, p, q), "round " + round);
      double cb = 0;
      for (int i = 0; i < cells; i++) {
        cb += Math.sqrt(q[i] / tq * (p[i] / tp));
      }
      same(
          Math.sqrt(Math.max(0, 1 - cb)),
          Alignment.hellinger(g, q, p),
          "round " + round + " swapped");
    }
  }

  @Test
  void shouldGiveNaNFloorBelowTwoSamplesAndRefuseMixedGrids() {
    assertTrue(Double.isNaN(PreparedSamples.of(new double[] {0.3}).samplingFloor()));
    assertEquals(0.5, PreparedSamples.of(new double[] {0, 0.5}).samplingFloor(), 0);
    CellMasses a = new CellMasses().set(Grid1D.of(0, 1, 4), new double[] {1, 1, 1, 1});
    CellMasses b = new CellMasses().set(Grid1D.of(0, 2, 4), new double[] {1, 1, 1, 1});
    assertThrows(IllegalArgumentException.class, () -> Alignment.jensenShannon(a, b));
  }
}
