package dev.fpk.physics.fp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.fpk.physics.density.Gaussians;
import dev.fpk.physics.grid.Grid1D;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One single-entry batch solver moved from grid to grid ({@link BatchFokkerPlanck1D#setGrid}) with
 * new fields each time gives what a fresh {@link FokkerPlanck1D} per grid gives, bit for bit: the
 * solver keeps nothing from one entry to the next that could change a result (the solver's sharing
 * of one solver among a layer's entries rests on this).
 */
class BatchReuseTest {
  @Test
  void shouldGiveTheResultsOfAFreshSolverPerGrid() {
    SplittableRandom rnd = new SplittableRandom(31);
    for (TimeScheme scheme : TimeScheme.values()) {
      int cells = 64;
      BatchFokkerPlanck1D shared = new BatchFokkerPlanck1D(1, Grid1D.of(0, 1, cells), scheme);
      for (int round = 0; round < 60; round++) {
        double lo = rnd.nextGaussian();
        Grid1D g = Grid1D.of(lo, lo + 0.1 + rnd.nextDouble(), cells);
        double[] p =
            Gaussians.cellAverages(
                g, lo + 0.3 * (g.hi() - lo), 0.02 + 0.1 * rnd.nextDouble(), true);
        double[] mu = new double[cells];
        double[] d = new double[cells];
        double k = rnd.nextDouble();
        for (int i = 0; i < cells; i++) {
          mu[i] = -k * (g.centre(i) - lo - 0.5 * (g.hi() - lo)) + 0.05 * rnd.nextGaussian();
          d[i] = round % 5 == 0 ? 0 : 1e-4 * (1 + rnd.nextDouble());
        }
        double steps = round % 3 == 0 ? 1 : 1 + rnd.nextInt(10); // the substep length changes too
        int substeps = 1 + rnd.nextInt(4);
        double[] expected = p.clone();
        FokkerPlanck1D fresh = new FokkerPlanck1D(g, scheme);
        fresh.setFields(mu, d);
        fresh.advance(expected, steps, substeps);
        shared.setGrid(0, g);
        shared.setFields(0, mu, d, 0);
        shared.advance(p, steps, substeps);
        assertArrayEquals(expected, p, scheme + " round " + round);
      }
    }
  }
}
