package dev.fpk.physics.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.align.CellMasses;
import dev.fpk.physics.density.Gaussians;
import dev.fpk.physics.grid.Grid1D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The drawless verdict against the parametric bootstrap by its definition ({@link
 * ReferenceBootstrap}, {@value #DRAWS} draws) on four shapes of density and four numbers of
 * samples: the floor within 1% plus three standard errors of the drawn mean, the spread within 2%
 * plus three standard errors of the drawn one, and the p-values of draws from the density itself
 * (the null) calibrated: the shares below 0.05 and 0.01 within three binomial standard errors.
 */
class W1VerdictTest {
  static final int DRAWS = 4000;

  record Shape(String name, Grid1D grid, double[] density) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Shape> shapes() {
    Grid1D wide = Grid1D.of(-6, 6, 128);
    Grid1D skewGrid = Grid1D.of(-2, 16, 128);
    double[] skewed = new double[128];
    for (int i = 0; i < 128; i++) {
      double x = skewGrid.centre(i);
      skewed[i] = x > 0 ? x * x * Math.exp(-x) : 0; // Gamma(3, 1), skewness 1.15
    }
    Grid1D twoModes = Grid1D.of(-5, 5, 128);
    double[] left = Gaussians.cellAverages(twoModes, -2, 0.5, true);
    double[] right = Gaussians.cellAverages(twoModes, 2, 0.5, true);
    double[] bimodal = new double[128];
    for (int i = 0; i < 128; i++) {
      bimodal[i] = 0.7 * left[i] + 0.3 * right[i];
    }
    return List.of(
        new Shape("gaussian", wide, Gaussians.cellAverages(wide, 0, 1, true)),
        new Shape("skewed", skewGrid, skewed),
        new Shape("bimodal", twoModes, bimodal),
        // 0.05 wide on cells 0.094 wide: all the mass in three cells
        new Shape("narrow", wide, Gaussians.cellAverages(wide, 0.01, 0.05, true)));
  }

  static List<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Shape s : shapes()) {
      for (int n : new int[] {16, 64, 128, 256}) {
        out.add(Arguments.of(s, n));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}, n = {1}")
  @MethodSource("cases")
  void shouldMatchTheDrawnBootstrapAndBeCalibratedUnderTheNull(Shape shape, int n) {
    ReferenceBootstrap ref =
        ReferenceBootstrap.of(
            shape.grid(),
            shape.density(),
            n,
            DRAWS,
            new SplittableRandom(1000L * n + shape.name().hashCode()));
    double[] drawn = ref.draws();
    double mean = ref.floor();
    double sd = ref.sd();

    W1Verdict v = new W1Verdict().set(new CellMasses().set(shape.grid(), shape.density()), n);
    String where =
        String.format(
            Locale.ROOT,
            "%s n=%d: floor %.5f drawn %.5f, sd %.5f drawn %.5f",
            shape,
            n,
            v.floor(),
            mean,
            v.sd(),
            sd);
    assertEquals(mean, v.floor(), 0.01 * mean + 3 * sd / Math.sqrt(DRAWS), where);
    // the standard error of a standard deviation with kurtosis up to 3: sd sqrt((kurtosis + 2) / (4
    // B))
    assertEquals(sd, v.sd(), 0.02 * sd + 3 * sd * Math.sqrt(5.0 / (4 * DRAWS)), where);

    int below5 = 0;
    int below1 = 0;
    for (double w : drawn) {
      double p = v.pValue(w);
      below5 += p < 0.05 ? 1 : 0;
      below1 += p < 0.01 ? 1 : 0;
    }
    double share5 = (double) below5 / DRAWS;
    double share1 = (double) below1 / DRAWS;
    assertEquals(0.05, share5, 3 * Math.sqrt(0.05 * 0.95 / DRAWS), where + ", share below 0.05");
    assertEquals(0.01, share1, 3 * Math.sqrt(0.01 * 0.99 / DRAWS), where + ", share below 0.01");
  }

  @Test
  void shouldAgreeWithTheReferenceBootstrapsPValues() {
    Shape s = shapes().get(0);
    ReferenceBootstrap ref =
        ReferenceBootstrap.of(s.grid(), s.density(), 64, DRAWS, new SplittableRandom(3));
    W1Verdict v = new W1Verdict().set(new CellMasses().set(s.grid(), s.density()), 64);
    double[] draws = ref.draws();
    for (double q : new double[] {0.5, 0.2, 0.05, 0.01}) {
      double w = draws[(int) Math.round((1 - q) * DRAWS)]; // the reference's upper q-quantile
      assertEquals(
          ref.pValue(w), v.pValue(w), 0.15 * q + 3 * Math.sqrt(q * (1 - q) / DRAWS), "at p = " + q);
    }
  }

  @Test
  void shouldCountAFlatGapBetweenModesAtItsCdfLevel() {
    // exact zeros between two blocks: W1 there is |F_n - 1/2| times the gap's width
    Grid1D g = Grid1D.of(0, 10, 100);
    double[] p = new double[100];
    for (int i = 0; i < 100; i++) {
      p[i] = i < 20 || i >= 80 ? 1 : 0;
    }
    ReferenceBootstrap ref = ReferenceBootstrap.of(g, p, 32, DRAWS, new SplittableRandom(5));
    W1Verdict v = new W1Verdict().set(new CellMasses().set(g, p), 32);
    assertEquals(ref.floor(), v.floor(), 0.01 * ref.floor() + 3 * ref.sd() / Math.sqrt(DRAWS));
    assertEquals(ref.sd(), v.sd(), 0.02 * ref.sd() + 3 * ref.sd() * Math.sqrt(5.0 / (4 * DRAWS)));
  }

  @Test
  void shouldGiveTheSameBitsForTheSameDensityWhateverCameBefore() {
    List<Shape> shapes = shapes();
    W1Verdict reused = new W1Verdict();
    for (Shape s : shapes) {
      reused.set(new CellMasses().set(s.grid(), s.density()), 100);
    }
    Shape last = shapes.get(0);
    CellMasses masses = new CellMasses().set(last.grid(), last.density());
    reused.set(masses, 64);
    W1Verdict fresh = new W1Verdict().set(masses, 64);
    assertEquals(Double.doubleToLongBits(fresh.floor()), Double.doubleToLongBits(reused.floor()));
    assertEquals(Double.doubleToLongBits(fresh.sd()), Double.doubleToLongBits(reused.sd()));
    assertEquals(
        Double.doubleToLongBits(fresh.floor()),
        Double.doubleToLongBits(W1Verdict.floor(masses, 64)));
    assertEquals(
        Double.doubleToLongBits(fresh.pValue(0.2)), Double.doubleToLongBits(reused.pValue(0.2)));
  }

  @Test
  void shouldGiveNaNForAZeroMassDensityNoSamplesOrANaNDistance() {
    Grid1D g = Grid1D.of(0, 1, 8);
    W1Verdict empty = new W1Verdict().set(new CellMasses().set(g, new double[8]), 64);
    assertTrue(
        Double.isNaN(empty.floor()) && Double.isNaN(empty.sd()) && Double.isNaN(empty.pValue(0.1)));
    CellMasses uniform = new CellMasses().set(g, new double[] {1, 1, 1, 1, 1, 1, 1, 1});
    assertTrue(Double.isNaN(new W1Verdict().set(uniform, 0).floor()));
    W1Verdict v = new W1Verdict().set(uniform, 64);
    assertTrue(v.floor() > 0 && v.sd() > 0);
    assertTrue(Double.isNaN(v.pValue(Double.NaN)));
    assertEquals(1, v.pValue(0));
    assertTrue(v.pValue(v.floor() + 6 * v.sd()) < 1e-3);
  }
}
