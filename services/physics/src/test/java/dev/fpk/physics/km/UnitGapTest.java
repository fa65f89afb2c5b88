package dev.fpk.physics.km;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.fpk.physics.grid.Grid1D;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * At a gap of one step {@link BinnedKramersMoyal#increment} skips its divisions by one ({@code dw /
 * dt}, {@code wa / u}); the per-bin sums must be, bit for bit, those of the general formulas, which
 * {@link #referenceAdd} spells out as they were.
 */
class UnitGapTest {

  @Test
  void shouldKeepTheSameSumsAsTheGeneralFormulasAtUnitAndOtherGaps() {
    Grid1D grid = Grid1D.of(-0.5, 0.5, 12);
    BinnedKramersMoyal km = new BinnedKramersMoyal(grid, Double.POSITIVE_INFINITY);
    double[] reference = new double[grid.cells() * BinStats.S];
    SplittableRandom rnd = new SplittableRandom(17);
    for (int i = 0; i < 20_000; i++) {
      double w = 0.3 * rnd.nextGaussian();
      double dw = 0.01 * rnd.nextGaussian() * (i % 7 == 0 ? 1e-6 : 1);
      double dt = i % 5 == 0 ? 1 + rnd.nextInt(3) : 1; // mostly 1, some 2 and 3
      km.increment(w, dw, dt);
      double s = (w - grid.lo()) * (1.0 / grid.width()); // the bin as increment finds it
      int b = s >= 0 ? (s < grid.cells() ? (int) s : grid.cells() - 1) : 0;
      referenceAdd(reference, b, dw / dt, dt);
    }
    assertArrayEquals(reference, Arrays.copyOf(km.state(), reference.length));
  }

  /** BinStats.add with weight 1 as it was, every division carried out. */
  private static void referenceAdd(double[] a, int b, double x, double dt) {
    int o = b * BinStats.S;
    double u = dt;
    a[o + BinStats.C] += 1;
    a[o + BinStats.C2] += 1;
    a[o + BinStats.V2] += u;
    a[o + BinStats.IDT] += 1 / dt;
    double wa = a[o + BinStats.U];
    double wn = wa + u;
    a[o + BinStats.U] = wn;
    double d = x - a[o + BinStats.M];
    double dn = d * (u / wn);
    a[o + BinStats.M] += dn;
    double m2 = a[o + BinStats.M2];
    double m3 = a[o + BinStats.M3];
    double t = d * dn * wa;
    double r = wa / u;
    a[o + BinStats.M4] += t * dn * dn * (r * r - r + 1) + 6 * dn * dn * m2 - 4 * dn * m3;
    a[o + BinStats.M3] += t * dn * (r - 1) - 3 * dn * m2;
    a[o + BinStats.M2] = m2 + t;
  }
}
