package dev.fpk.app.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.protocol.v1.EntryDensity;
import org.junit.jupiter.api.Test;

class KpzViewTest {

  @Test
  void shouldRebinAHistogramKeepingTheMassOnTheCommonSupport() {
    // four cells of width 0.5 on [0, 2], densities 0.2, 0.6, 0.8, 0.4 (mass 1)
    EntryDensity d =
        EntryDensity.newBuilder()
            .addEdges(0)
            .addEdges(0.5)
            .addEdges(1)
            .addEdges(1.5)
            .addEdges(2)
            .addEmpirical(0.2)
            .addEmpirical(0.6)
            .addEmpirical(0.8)
            .addEmpirical(0.4)
            .build();
    double[] two = KpzView.rebin(d, Grid1D.of(0, 2, 2));
    assertEquals(0.4, two[0], 1e-12);
    assertEquals(0.6, two[1], 1e-12);
    // a grid cutting cells in halves: [0.25, 1.75] in 3 cells of 0.5
    double[] three = KpzView.rebin(d, Grid1D.of(0.25, 1.75, 3));
    assertEquals((0.2 * 0.25 + 0.6 * 0.25) / 0.5, three[0], 1e-12);
    assertEquals((0.6 * 0.25 + 0.8 * 0.25) / 0.5, three[1], 1e-12);
    assertEquals((0.8 * 0.25 + 0.4 * 0.25) / 0.5, three[2], 1e-12);
  }

  @Test
  void shouldFindQuantilesOnThePiecewiseLinearCdf() {
    EntryDensity d =
        EntryDensity.newBuilder()
            .addEdges(0)
            .addEdges(1)
            .addEdges(2)
            .addEdges(3)
            .addEmpirical(0)
            .addEmpirical(0.5)
            .addEmpirical(0.5)
            .build();
    assertEquals(1.0, KpzView.quantile(d, 0), 1e-12);
    assertEquals(1.5, KpzView.quantile(d, 0.25), 1e-12);
    assertEquals(2.9, KpzView.quantile(d, 0.95), 1e-12);
  }

  @Test
  void shouldInterpolateLinearlyAndHoldTheEnds() {
    double[] x = {0, 1, 2};
    double[] y = {1, 3, 2};
    assertEquals(2.0, KpzView.interpolate(x, y, 0.5), 1e-12);
    assertEquals(2.5, KpzView.interpolate(x, y, 1.5), 1e-12);
    assertEquals(1.0, KpzView.interpolate(x, y, -1), 1e-12);
    assertEquals(2.0, KpzView.interpolate(x, y, 5), 1e-12);
  }
}
