package dev.fpk.physics.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.density.Gaussians;
import dev.fpk.physics.grid.Grid1D;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint bytes of a tracker: its fields and every pending forecast's conditional floor and
 * three densities as DataOutput.writeDouble writes them (a zero-mass start gives a NaN Gaussian
 * baseline, written as the canonical NaN) and each horizon's last issue step, read back bit for
 * bit; a tracker written before conditional floors read back with NaN floors; and when a horizon's
 * next forecast is due, before and after a checkpoint.
 */
class ForecastTrackerFormatTest {
  private static final Grid1D GRID = Grid1D.of(-1, 1, 40);
  private static final double[] NO_DRIFT = new double[40];
  private static final double[] DIFFUSION = new double[40];
  private static final double[] START = Gaussians.cellAverages(GRID, 0.1, 0.2, true);

  static {
    java.util.Arrays.fill(DIFFUSION, 1e-3);
  }

  @Test
  void shouldWriteTheDensitiesAsWriteDoubleDoesAndReadThemBack() throws Exception {
    Grid1D g = GRID;
    double[] mu = NO_DRIFT;
    double[] d = DIFFUSION;
    ForecastTracker t = new ForecastTracker(2, 3);
    double[] start = Gaussians.cellAverages(g, 0.1, 0.2, true);
    double[] empty = new double[40]; // zero mass: NaN baseline
    double[] replicas = {0.05, 0.1, 0.3};
    t.issue(10, 5, g, start, mu, d, replicas, new SplittableRandom(1));
    t.issue(11, 3, g, empty, mu, d, replicas, new SplittableRandom(2));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    t.writeTo(new DataOutputStream(bytes));

    // the same forecasts computed here, written field by field with writeDouble
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream e = new DataOutputStream(expected);
    e.writeInt(-3); // the format with each horizon's last issue step
    e.writeInt(2); // horizons issued, ascending: 3 at step 11, 5 at step 10
    e.writeInt(3);
    e.writeLong(11);
    e.writeInt(5);
    e.writeLong(10);
    e.writeInt(-2); // then the format with conditional floors and particle forecasts
    e.writeInt(2); // substeps per step
    e.writeInt(3); // floor draws
    e.writeInt(2); // pending
    double[] fp = Forecasts.fokkerPlanck(g, start, mu, d, 5, 10);
    writeExpected(
        e,
        10,
        5,
        g,
        start,
        mu,
        d,
        fp,
        MovedReplicas.of(g, mu, d, replicas, 5, 2, 3, new SplittableRandom(1)));
    double[] none = Forecasts.fokkerPlanck(g, empty, mu, d, 3, 6);
    writeExpected(
        e,
        11,
        3,
        g,
        empty,
        mu,
        d,
        none,
        MovedReplicas.of(g, mu, d, replicas, 3, 2, 3, new SplittableRandom(2)));
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected.toByteArray(), bytes.toByteArray());
    ForecastTracker back =
        ForecastTracker.readFrom(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    back.writeTo(new DataOutputStream(again));
    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes.toByteArray(), again.toByteArray());
    assertEquals(2, back.pending());
  }

  @Test
  void shouldReadATrackerWrittenBeforeConditionalFloorsWithNaNFloors() throws Exception {
    Grid1D g = GRID;
    double[] mu = NO_DRIFT;
    double[] d = DIFFUSION;
    double[] start = Gaussians.cellAverages(g, 0.1, 0.2, true);
    ByteArrayOutputStream old = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(old);
    o.writeInt(2); // substeps per step: the old format's first int
    o.writeInt(1); // pending
    o.writeLong(10);
    o.writeLong(15);
    o.writeDouble(g.lo());
    o.writeDouble(g.width());
    o.writeInt(g.cells());
    for (double[] forecast :
        new double[][] {
          Forecasts.fokkerPlanck(g, start, mu, d, 5, 10),
          Forecasts.persistence(start),
          Forecasts.gaussianMoments(g, start, mu, d, 5)
        }) {
      for (double v : forecast) {
        o.writeDouble(v);
      }
    }
    ForecastTracker back =
        ForecastTracker.readFrom(new DataInputStream(new ByteArrayInputStream(old.toByteArray())));
    java.util.List<ScoredForecast> scored = back.onData(15, new double[] {0.1, 0.2});
    assertEquals(1, scored.size());
    assertTrue(Double.isNaN(scored.get(0).conditionalFloorW1()));
    assertTrue(scored.get(0).fokkerPlanck().wasserstein1() > 0);
  }

  @Test
  void shouldBeDueOnceScoredAndTheSpacingHasPassedAlsoAfterARestore() throws Exception {
    double[] replicas = {0.05, 0.1, 0.3};
    ForecastTracker t = new ForecastTracker(1, 2);
    assertTrue(t.due(10, 1, 50), "never issued: due at once");
    t.issue(1, 10, GRID, START, NO_DRIFT, DIFFUSION, replicas, new SplittableRandom(1));
    assertFalse(t.due(10, 5, 1), "pending");
    assertTrue(t.due(20, 5, 50), "another horizon has its own spacing");
    assertEquals(1, t.onData(11, replicas).size());
    assertTrue(t.due(10, 12, 1), "spacing 1: due as soon as scored");
    assertFalse(t.due(10, 50, 50), "49 steps after the last issue");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    t.writeTo(new DataOutputStream(bytes));
    ForecastTracker back =
        ForecastTracker.readFrom(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertEquals(0, back.pending());
    assertFalse(back.due(10, 50, 50), "the last issue step survives the checkpoint");
    assertTrue(back.due(10, 51, 50), "50 steps after the last issue");
  }

  @Test
  void shouldTakeTheLastIssueStepsOfAnOlderCheckpointFromItsPendingForecasts() throws Exception {
    ForecastTracker t = new ForecastTracker(1, 2);
    t.issue(
        7, 10, GRID, START, NO_DRIFT, DIFFUSION, new double[] {0.1, 0.2}, new SplittableRandom(1));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    t.writeTo(new DataOutputStream(bytes));
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(-3, in.readInt());
    in.skipBytes(4 + 4 + 8); // one horizon's last issue step: what the format before it lacked
    ForecastTracker older = ForecastTracker.readFrom(in);
    assertEquals(1, older.pending());
    assertEquals(1, older.onData(17, new double[] {0.1, 0.2}).size());
    assertFalse(older.due(10, 56, 50), "issued at 7, as its pending forecast says");
    assertTrue(older.due(10, 57, 50));
  }

  /**
   * One pending forecast as {@link ForecastTracker#writeTo} should write it (2 substeps per step).
   */
  private static void writeExpected(
      DataOutputStream e,
      long now,
      int k,
      Grid1D g,
      double[] density,
      double[] mu,
      double[] d,
      double[] fp,
      MovedReplicas moved)
      throws Exception {
    e.writeLong(now);
    e.writeLong(now + k);
    e.writeDouble(moved.floorOf(g, fp));
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
    moved.forecast().writeTo(e);
  }
}
