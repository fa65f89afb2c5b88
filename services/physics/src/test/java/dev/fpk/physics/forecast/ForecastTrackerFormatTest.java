package dev.fpk.physics.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fpk.physics.density.Gaussians;
import dev.fpk.physics.grid.Grid1D;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint bytes of a tracker: its fields and every pending forecast's three densities as
 * DataOutput.writeDouble writes them (a zero-mass start gives a NaN Gaussian baseline, written as
 * the canonical NaN), read back bit for bit.
 */
class ForecastTrackerFormatTest {
  @Test
  void shouldWriteTheDensitiesAsWriteDoubleDoesAndReadThemBack() throws Exception {
    Grid1D g = Grid1D.of(-1, 1, 40);
    double[] mu = new double[40];
    double[] d = new double[40];
    java.util.Arrays.fill(d, 1e-3);
    ForecastTracker t = new ForecastTracker(2);
    double[] start = Gaussians.cellAverages(g, 0.1, 0.2, true);
    double[] empty = new double[40]; // zero mass: NaN baseline
    t.issue(10, 5, g, start, mu, d);
    t.issue(11, 3, g, empty, mu, d);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    t.writeTo(new DataOutputStream(bytes));

    // the same forecasts computed here, written field by field with writeDouble
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream e = new DataOutputStream(expected);
    e.writeInt(2); // substeps per step
    e.writeInt(2); // pending
    writeExpected(e, 10, 5, g, start, mu, d);
    writeExpected(e, 11, 3, g, empty, mu, d);
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected.toByteArray(), bytes.toByteArray());
    ForecastTracker back =
        ForecastTracker.readFrom(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    back.writeTo(new DataOutputStream(again));
    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes.toByteArray(), again.toByteArray());
    assertEquals(2, back.pending());
  }

  /**
   * One pending forecast as {@link ForecastTracker#writeTo} should write it (2 substeps per step).
   */
  private static void writeExpected(
      DataOutputStream e, long now, int k, Grid1D g, double[] density, double[] mu, double[] d)
      throws Exception {
    e.writeLong(now);
    e.writeLong(now + k);
    e.writeDouble(g.lo());
    e.writeDouble(g.width());
    e.writeInt(g.cells());
    for (double[] forecast :
        new double[][] {
          Forecasts.fokkerPlanck(g, density, mu, d, k, 2 * k),
          Forecasts.persistence(density),
          Forecasts.gaussianMoments(g, density, mu, d, k)
        }) {
      for (double v : forecast) {
        e.writeDouble(v);
      }
    }
  }
}
