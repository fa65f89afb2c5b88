package dev.fpk.physics.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.testing.Exact;
import org.junit.jupiter.api.Test;

class Grid1DTest {
  @Test
  void shouldDescribeUniformCells() {
    Grid1D g = Grid1D.of(-1, 1, 4);
    assertEquals(0.5, g.width());
    assertArrayEquals(new double[] {-1, -0.5, 0, 0.5, 1}, g.edges());
    assertArrayEquals(new double[] {-0.75, -0.25, 0.25, 0.75}, g.centres());
    assertEquals(-0.25, g.centre(1));
    assertEquals(1.0, g.hi());
  }

  @Test
  void shouldClampIndexOfToEndCells() {
    Grid1D g = Grid1D.of(0, 1, 10);
    assertEquals(0, g.indexOf(-5));
    assertEquals(0, g.indexOf(0));
    assertEquals(3, g.indexOf(0.35));
    assertEquals(9, g.indexOf(1));
    assertEquals(9, g.indexOf(7));
    assertEquals(0, g.indexOf(Double.NaN));
  }

  @Test
  void shouldRejectBadGrids() {
    assertThrows(IllegalArgumentException.class, () -> Grid1D.of(1, 0, 3));
    assertThrows(IllegalArgumentException.class, () -> Grid1D.of(0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Grid1D.of(0, Double.NaN, 3));
  }

  @Test
  void shouldExtendByWholeCellsAndRemapExactly() {
    Grid1D g = Grid1D.of(-1, 1, 40);
    assertSame(g, g.extendedToCover(-0.5, 0.5, 0.1));
    Grid1D wide = g.extendedToCover(-1.3, 2.05, 0.1);
    assertEquals(g.width(), wide.width(), 1e-15);
    assertTrue(wide.lo() <= -1.3 - 0.2 + 1e-12 && wide.hi() >= 2.05 + 0.2 - 1e-12);
    double off = (g.lo() - wide.lo()) / g.width();
    assertEquals(Math.rint(off), off, 1e-9);
    double[] p = Exact.gaussianCells(g, 0.2, 0.3);
    double[] q = Grid1D.remap(g, p, wide);
    int k = (int) Math.rint(off);
    for (int i = 0; i < wide.cells(); i++) {
      double expected = i >= k && i < k + g.cells() ? p[i - k] : 0;
      assertEquals(expected, q[i], 1e-15 * Math.max(1, expected), "cell " + i);
    }
    assertEquals(Exact.mass(g, p), Exact.mass(wide, q), 1e-14);
  }

  @Test
  void shouldCoarsenByMergingPairsExactly() {
    Grid1D g = Grid1D.of(0, 1, 7);
    Grid1D c = g.coarsened();
    assertEquals(4, c.cells());
    assertEquals(2 * g.width(), c.width(), 1e-15);
    double[] p = {1, 2, 3, 4, 5, 6, 7};
    double[] q = Grid1D.remap(g, p, c);
    assertArrayEquals(new double[] {1.5, 3.5, 5.5, 3.5}, q, 1e-14);
  }

  @Test
  void shouldConserveMassInGeneralRemap() {
    Grid1D g = Grid1D.of(-1, 1, 50);
    Grid1D other = Grid1D.of(-0.77, 0.91, 33); // misaligned and narrower: outside mass to end cells
    double[] p = Exact.gaussianCells(g, 0.1, 0.4);
    double[] q = Grid1D.remap(g, p, other);
    assertEquals(Exact.mass(g, p), Exact.mass(other, q), 1e-13);
    for (double v : q) {
      assertTrue(v >= 0);
    }
    // a smooth density is reproduced to O(h) in the interior
    int mid = other.indexOf(0.1);
    assertEquals(Exact.gaussianCells(other, 0.1, 0.4)[mid], q[mid], 0.02);
  }
}
