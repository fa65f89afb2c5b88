package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.estimator.EnsembleEstimator;
import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.EntrySelection;
import dev.fpk.estimator.EstimatorSettings;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.estimator.checkpoint.StateEncoder;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An ensemble layer watched in part: the estimator and the solver keep state for the chosen entries
 * only, report them by their index in the full matrix, and, the entry-wise model keeping entries
 * independent, give each watched entry exactly (bit for bit) the figures it has when every entry is
 * watched.
 */
class WatchedEntriesTest {
  /**
   * Two forecast horizons and the conditional verdict's shadows: every random draw is exercised.
   */
  private static final EstimatorSettings EST = CheckpointRoundTripTest.EST;

  private static final SolverSettings SOL = CheckpointRoundTripTest.SOL;

  private static final int ROWS = 6;
  private static final int COLS = 8;
  private static final int REPLICAS = 24;
  private static final int STEPS = 25;

  /** Estimator and solver of one layer, as the two entities hold them. */
  private static final class Chain {
    EnsembleEstimator estimator;
    EnsembleSolver solver = new EnsembleSolver(SOL);

    Chain(EntrySelection selection) {
      estimator = new EnsembleEstimator(EST, selection);
    }

    EnsembleSolver.Output advance(EnsembleStep step) {
      return solver.advance(new StepEstimate(step, estimator.update(step)));
    }
  }

  @Test
  void shouldGiveEachWatchedEntryExactlyTheFiguresItHasWhenAllAreWatched() {
    for (String text : new String[] {"stride:5", "rows:2", "cols:3", "list:7,17,47"}) {
      EntrySelection selection = EntrySelection.parse(text);
      int[] watched = selection.entries(new int[] {ROWS, COLS});
      Chain all = new Chain(EntrySelection.ALL);
      Chain some = new Chain(selection);
      List<EnsembleStep> steps = ornsteinUhlenbeck(STEPS, 7);
      int forecasts = 0;
      for (EnsembleStep step : steps) {
        DriftDiffusionEstimate allFields = all.estimator.update(step);
        DriftDiffusionEstimate someFields = some.estimator.update(step);
        assertEquals(text, someFields.getWatchedEntries());
        assertEquals(List.of(ROWS, COLS), someFields.getShapeList());
        assertEquals(watched.length, someFields.getEntriesCount(), text);
        AlignmentUpdate allAlign =
            all.solver.advance(new StepEstimate(step, allFields)).alignment();
        AlignmentUpdate someAlign =
            some.solver.advance(new StepEstimate(step, someFields)).alignment();
        assertEquals(text, someAlign.getWatchedEntries());
        assertEquals(List.of(ROWS, COLS), someAlign.getShapeList());
        assertEquals("all", allAlign.getWatchedEntries());
        assertEquals(watched.length, someAlign.getEntriesCount());
        for (int v = 0; v < watched.length; v++) {
          int e = watched[v];
          assertEquals(
              List.of(e / COLS, e % COLS),
              someFields.getEntries(v).getIndexList(),
              "the index in the full matrix");
          // protobuf compares doubles by their bits
          assertEquals(
              allFields.getEntries(e),
              someFields.getEntries(v),
              text + " entry " + e + " step " + step.step());
          assertEquals(
              allAlign.getEntries(e),
              someAlign.getEntries(v),
              text + " entry " + e + " step " + step.step());
          forecasts += someAlign.getEntries(v).getForecastsCount();
        }
      }
      assertTrue(forecasts > 0, text + ": the forecasts' draws were compared too");
    }
  }

  @Test
  void shouldKeepNoStateForEntriesNotWatched() throws IOException {
    Chain all = new Chain(EntrySelection.ALL);
    Chain one = new Chain(EntrySelection.parse("list:9"));
    Chain quarter = new Chain(EntrySelection.parse("stride:4"));
    for (EnsembleStep step : ornsteinUhlenbeck(12, 3)) {
      all.advance(step);
      one.advance(step);
      quarter.advance(step);
    }
    assertEquals(ROWS * COLS, all.estimator.watched().variables());
    assertEquals(1, one.estimator.watched().variables());
    assertEquals(9, one.estimator.watched().entry(0));
    assertEquals(ROWS * COLS / 4, quarter.estimator.watched().variables());
    assertEquals(ROWS * COLS / 4, quarter.solver.watched().variables());
    // a checkpoint grows by the same amount per watched entry: an unwatched one costs nothing
    long perEntry = (size(all) - size(one)) / (ROWS * COLS - 1);
    long quarterPerEntry = (size(quarter) - size(one)) / (ROWS * COLS / 4 - 1);
    assertTrue(
        Math.abs(perEntry - quarterPerEntry) <= perEntry / 20,
        "bytes per watched entry: " + perEntry + " (all), " + quarterPerEntry + " (a quarter)");
  }

  @Test
  void shouldRestoreTheSameSelectionBitForBitAndStartAfreshForAnother() throws IOException {
    EntrySelection stride = EntrySelection.parse("stride:3");
    Chain straight = new Chain(stride);
    Chain restored = new Chain(stride);
    List<EnsembleStep> steps = ornsteinUhlenbeck(20, 5);
    for (int t = 0; t < 10; t++) {
      straight.advance(steps.get(t));
      restored.advance(steps.get(t));
    }
    byte[] est = estimatorState(restored);
    byte[] sol = solverState(restored);
    restored.estimator = EnsembleEstimator.readFrom(in(est), EST, stride);
    restored.solver = EnsembleSolver.readFrom(in(sol), SOL);
    assertNull(restored.estimator.discardedSelection());
    for (int t = 10; t < 20; t++) {
      EnsembleSolver.Output a = straight.advance(steps.get(t));
      EnsembleSolver.Output b = restored.advance(steps.get(t));
      assertEquals(a.alignment(), b.alignment(), "step " + t);
    }

    EntrySelection other = EntrySelection.parse("rows:1");
    EnsembleEstimator changed = EnsembleEstimator.readFrom(in(est), EST, other);
    assertEquals(stride, changed.discardedSelection(), "the checkpoint's selection, discarded");
    assertNull(changed.watched(), "afresh: no variables until the next step");
    DriftDiffusionEstimate next = changed.update(steps.get(10));
    assertEquals(COLS, next.getEntriesCount());
    EnsembleSolver old = EnsembleSolver.readFrom(in(sol), SOL);
    assertFalse(old.watchesEntriesOf(next), "the solver's densities are of other entries");
    assertTrue(old.watchesEntriesOf(straight.estimator.update(steps.get(19))));
  }

  @Test
  void shouldPoolEveryEntryOfASingleReplicaWhateverTheSelection() {
    Chain pooled = new Chain(EntrySelection.parse("list:3"));
    DriftDiffusionEstimate fields = null;
    for (EnsembleStep step : ornsteinUhlenbeck(5, 1, 1)) {
      fields = pooled.estimator.update(step);
    }
    assertEquals("pooled", fields.getMode());
    assertEquals("all", fields.getWatchedEntries());
    assertEquals(1, fields.getEntriesCount());
  }

  private static long size(Chain c) throws IOException {
    return estimatorState(c).length + solverState(c).length;
  }

  private static byte[] estimatorState(Chain c) {
    return new StateEncoder().encode(c.estimator::writeTo);
  }

  private static byte[] solverState(Chain c) {
    return new StateEncoder().encode(c.solver::writeTo);
  }

  private static DataInputStream in(byte[] state) {
    return new DataInputStream(new ByteArrayInputStream(state));
  }

  private static List<EnsembleStep> ornsteinUhlenbeck(int steps, long seed) {
    return ornsteinUhlenbeck(steps, seed, REPLICAS);
  }

  /**
   * A ROWS x COLS layer whose entries are Ornstein-Uhlenbeck processes with rates 0.02-0.1 per step
   * and D = 1e-4, one replica per seed offset.
   */
  private static List<EnsembleStep> ornsteinUhlenbeck(int steps, long seed, int replicas) {
    int n = ROWS * COLS;
    SplittableRandom random = new SplittableRandom(seed);
    double[] w = new double[replicas * n];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.3 * random.nextGaussian();
    }
    List<EnsembleStep> out = new java.util.ArrayList<>();
    for (int t = 0; t < steps; t++) {
      float[] values = new float[w.length];
      for (int i = 0; i < w.length; i++) {
        values[i] = (float) w[i];
        double k = 0.02 + 0.08 * (i % n) / n;
        w[i] += -k * w[i] + Math.sqrt(2e-4) * random.nextGaussian();
      }
      out.add(
          new EnsembleStep(
              "run",
              "layer",
              t,
              new int[] {ROWS, COLS},
              IntStream.range(0, replicas).toArray(),
              values,
              0.01,
              32,
              0));
    }
    return out;
  }
}
