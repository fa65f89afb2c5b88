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
 * DataOutput.writeDouble writes them (a zero-mass start gives a NaN Gaussian baseline, written
 * as the canonical NaN), read back bit for bit.
 */
class ForecastTrackerFormatTest {
  @Test
  void shouldWriteTheDensitiesAsWriteDoubleDoesAndReadThemBack() throws Exception {
    Grid1D g = Grid1D.of(-1, 1, 40);
    double[] mu = new double[40];
    double[] d = new double[40];
    java.util.Arrays.fill(d, 1e-3);
    ForecastTracker t = new ForecastTracker(2);
    t.issue(10, 5, g, Gaussians.cellAverages(g, 0.1, 0.2, true), mu, d);
    t.issue(11, 3, g, new double[40], mu, d); // zero mass: NaN baseline
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    t.writeTo(new DataOutputStream(bytes));

    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(2, in.readInt()); // substeps per step
    assertEquals(2, in.readInt()); // pending
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream e = new DataOutputStream(expected);
    e.writeInt(2);
    e.writeInt(2);
    for (long[] issued : new long[][] {{10, 15}, {11, 14}}) {
      e.writeLong(issued[0]);
      e.writeLong(issued[1]);
      e.writeDouble(g.lo());
      e.writeDouble(g.width());
      e.writeInt(40);
      for (int k = 0; k < 3 * 40; k++) {
        in.skipNBytes(k == 0 ? 8 + 8 + 8 + 8 + 4 : 0);
        e.writeDouble(in.readDouble());
      }
    }
    // the same numbers written field by field with writeDouble give the same bytes
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected.toByteArray(), bytes.toByteArray());
    ForecastTracker back = ForecastTracker.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    back.writeTo(new DataOutputStream(again));
    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes.toByteArray(), again.toByteArray());
    assertEquals(2, back.pending());
  }
}
