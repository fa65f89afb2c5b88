package dev.fpk.physics.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.testing.Exact;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract of every {@link DensityDistance}. */
class DensityDistanceContractTest {
  static final Grid1D G = Grid1D.of(-3, 3, 120);
  static final double[] P = Exact.gaussianCells(G, 0, 0.5);
  static final double[] Q = Exact.gaussianCells(G, 0.4, 0.7);

  static Stream<Arguments> distances() {
    return Stream.of(
        Arguments.of("W1", DensityDistance.WASSERSTEIN1, true),
        Arguments.of("JS", DensityDistance.JENSEN_SHANNON, true),
        Arguments.of("Hellinger", DensityDistance.HELLINGER, true),
        Arguments.of("KL(1e-9)", DensityDistance.kl(1e-9), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("distances")
  void shouldBeZeroForEqualShapesAndIgnoreScale(String name, DensityDistance d, boolean symmetric) {
    double[] scaled = P.clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= 3.7;
    }
    assertEquals(0, d.between(G, P, scaled), 1e-7);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("distances")
  void shouldBePositiveForDifferentShapesAndSymmetricWhereDefined(
      String name, DensityDistance d, boolean symmetric) {
    double pq = d.between(G, P, Q);
    assertTrue(pq > 0);
    if (symmetric) {
      assertEquals(pq, d.between(G, Q, P), 1e-12 * pq);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("distances")
  void shouldReturnNaNForZeroMass(String name, DensityDistance d, boolean symmetric) {
    assertTrue(Double.isNaN(d.between(G, P, new double[G.cells()])));
    assertTrue(Double.isNaN(d.between(G, new double[G.cells()], Q)));
  }

  @org.junit.jupiter.api.Test
  void shouldGiveShiftAsW1BetweenShiftedDensities() {
    Grid1D g = Grid1D.of(-4, 4, 800);
    double w1 =
        Alignment.wasserstein1Densities(
            g, Exact.gaussianCells(g, 0, 0.5), Exact.gaussianCells(g, 0.3, 0.5));
    assertEquals(0.3, w1, 1e-9);
  }
}
