package dev.fpk.physics.km;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.grid.Grid1D;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract every {@link KramersMoyalEstimator} implementation must meet. */
class KramersMoyalEstimatorContractTest {
  static final Grid1D GRID = Grid1D.of(-1, 1, 24);

  static Stream<Arguments> implementations() {
    Function<Double, KramersMoyalEstimator<?>> binned = hl -> new BinnedKramersMoyal(GRID, hl);
    Function<Double, KramersMoyalEstimator<?>> kernel =
        hl -> new KernelKramersMoyal(GRID, hl, 0.04);
    return Stream.of(Arguments.of("binned", binned), Arguments.of("kernel", kernel));
  }

  static void feed(KramersMoyalEstimator<?> km, long seed, int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      double w = rnd.nextDouble(-1, 1);
      double dt = 1 + rnd.nextInt(3);
      km.increment(w, (0.01 - 0.05 * w) * dt + 0.02 * Math.sqrt(dt) * rnd.nextGaussian(), dt);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static void mergeInto(KramersMoyalEstimator a, KramersMoyalEstimator b) {
    a.merge(b);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("implementations")
  void shouldMergeShardsIntoSinglePassTo1e12(
      String name, Function<Double, KramersMoyalEstimator<?>> make) {
    KramersMoyalEstimator<?> single = make.apply(40.0);
    KramersMoyalEstimator<?> a = make.apply(40.0);
    KramersMoyalEstimator<?> b = make.apply(40.0);
    feed(single, 1, 2000);
    feed(a, 1, 2000);
    single.decay(5);
    a.decay(5);
    feed(single, 2, 3000);
    feed(b, 2, 3000);
    KramersMoyalEstimator<?> merged = a.copy();
    mergeInto(merged, b);
    assertEquals(single.count(), merged.count());
    BinnedKramersMoyalTest.assertSameEstimate(single.result(), merged.result(), 1e-12);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("implementations")
  void shouldCopyDeeply(String name, Function<Double, KramersMoyalEstimator<?>> make) {
    KramersMoyalEstimator<?> a = make.apply(Double.POSITIVE_INFINITY);
    feed(a, 3, 500);
    KramersMoyalEstimator<?> c = a.copy();
    double before = c.result().drift()[12];
    feed(a, 4, 500);
    assertEquals(before, c.result().drift()[12], 0);
    assertEquals(500, c.count());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("implementations")
  void shouldReportNaNWhenEmptyAndIgnoreBadInput(
      String name, Function<Double, KramersMoyalEstimator<?>> make) {
    KramersMoyalEstimator<?> a = make.apply(10.0);
    a.increment(Double.NaN, 0.1, 1);
    a.increment(0.1, Double.POSITIVE_INFINITY, 1);
    a.increment(0.1, 0.1, -1);
    assertEquals(0, a.count());
    KramersMoyalEstimate e = a.result();
    for (int i = 0; i < GRID.cells(); i++) {
      assertTrue(Double.isNaN(e.drift()[i]) && Double.isNaN(e.diffusion()[i]));
    }
    assertTrue(Double.isNaN(e.ouFit().slope()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("implementations")
  void shouldRecoverLinearDriftAndConstantDiffusion(
      String name, Function<Double, KramersMoyalEstimator<?>> make) {
    KramersMoyalEstimator<?> a = make.apply(Double.POSITIVE_INFINITY);
    feed(a, 5, 200_000);
    KramersMoyalEstimate e = a.result();
    assertEquals(-0.05, e.ouFit().slope(), 4 * e.ouFit().slopeStdErr());
    assertEquals(2e-4, e.ouFit().diffusion(), 4 * e.ouFit().diffusionStdErr());
    int mid = GRID.indexOf(0.05);
    assertEquals(0.01 - 0.05 * GRID.centre(mid), e.drift()[mid], 5 * e.driftStdErr()[mid] + 1e-4);
    assertEquals(2e-4, e.diffusion()[mid], 5 * e.diffusionStdErr()[mid]);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("implementations")
  void shouldFeedPooledAndEnsembleModes(
      String name, Function<Double, KramersMoyalEstimator<?>> make) {
    double[][] before = {{0.1, 0.2, 0.3}, {0.15, 0.25, 0.35}};
    double[][] after = {{0.11, 0.19, 0.3}, {0.16, 0.24, 0.34}};
    KramersMoyalEstimator<?> pooled = make.apply(Double.POSITIVE_INFINITY);
    KramersMoyalModes.pooled(pooled, before[0], after[0], 1);
    assertEquals(3, pooled.count());
    KramersMoyalEstimator<?>[] perEntry = new KramersMoyalEstimator<?>[3];
    for (int e = 0; e < 3; e++) {
      perEntry[e] = make.apply(Double.POSITIVE_INFINITY);
    }
    KramersMoyalModes.ensemble(perEntry, before, after, 1);
    for (KramersMoyalEstimator<?> km : perEntry) {
      assertEquals(2, km.count());
    }
  }
}
