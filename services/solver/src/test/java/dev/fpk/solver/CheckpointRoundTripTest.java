package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.estimator.EnsembleEstimator;
import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.EstimatorSettings;
import dev.fpk.estimator.HalfLife;
import dev.fpk.estimator.StepAssembler;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.physics.fp.TimeScheme;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Snapshot and restore of the whole per-(run, layer) state: assembler, estimator and solver
 * restored mid-stream go on to give exactly (bit for bit) the outputs of the uninterrupted ones,
 * forecasts of two horizons (their conditional floors and particle forecasts), output comparisons,
 * each entry's verdict (bootstrap floor and p-value, which the checkpoint holds no state for: a
 * function of the restored density) and the conditional verdict (its shadows restored) included.
 */
class CheckpointRoundTripTest {
  static final EstimatorSettings EST = new EstimatorSettings(16, 500, 5, 30_000, 16);

  /** With the forecasts' moved replicas and the conditional verdict's 5 shadow ensembles. */
  static final SolverSettings SOL =
      new SolverSettings(
          32,
          TimeScheme.TR_BDF2,
          1,
          List.of(3, 7),
          1,
          SolverSettings.DEFAULT_FLOOR_DRAWS,
          SolverSettings.DEFAULT_OWN_DRIFT_HALF_LIFE,
          new SolverSettings.VerdictSettings(5, true),
          SolverSettings.OutputSettings.DEFAULTS,
          SolverSettings.CurveSettings.ALL);

  static final int REPLICAS = 24;

  /** The whole chain of one (run, layer), as the two entities hold it. */
  private static final class Chain {
    final EstimatorSettings est;
    StepAssembler assembler = new StepAssembler(EST.replicaTimeoutMillis(), EST.maxPendingSteps());
    EnsembleEstimator estimator;
    EnsembleSolver solver = new EnsembleSolver(SOL);

    Chain(EstimatorSettings est) {
      this.est = est;
      this.estimator = new EnsembleEstimator(est);
    }

    List<EnsembleSolver.Output> offer(WeightSnapshot s) {
      List<EnsembleSolver.Output> out = new ArrayList<>();
      for (EnsembleStep step : assembler.offer(s, 0).completed()) {
        out.add(solver.advance(new StepEstimate(step, estimator.update(step))));
      }
      return out;
    }

    Chain restored() throws Exception {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        assembler.writeTo(out);
        estimator.writeTo(out);
        solver.writeTo(out);
      }
      Chain c = new Chain(est);
      try (DataInputStream in =
          new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        c.assembler =
            StepAssembler.readFrom(in, EST.replicaTimeoutMillis(), EST.maxPendingSteps(), 0);
        c.estimator = EnsembleEstimator.readFrom(in, est);
        c.solver = EnsembleSolver.readFrom(in, SOL);
      }
      return c;
    }
  }

  @Test
  void shouldContinueBitForBitAfterRestoringMidStepWithPendingSnapshots() throws Exception {
    roundTrip(EST);
  }

  @Test
  void shouldContinueBitForBitAfterRestoringTheAdaptiveMemoryWithItsScores() throws Exception {
    roundTrip(EST.withHalfLife(HalfLife.ADAPTIVE));
  }

  private static void roundTrip(EstimatorSettings est) throws Exception {
    List<WeightSnapshot> stream = ou(80);
    Chain uninterrupted = new Chain(est);
    Chain interrupted = new Chain(est);
    int cut =
        stream.size() / 2 + REPLICAS / 3; // in the middle of a step: some of its snapshots pending
    List<EnsembleSolver.Output> expected = new ArrayList<>();
    List<EnsembleSolver.Output> actual = new ArrayList<>();
    for (int i = 0; i < stream.size(); i++) {
      if (i == cut) {
        interrupted = interrupted.restored();
      }
      expected.addAll(uninterrupted.offer(stream.get(i)));
      actual.addAll(interrupted.offer(stream.get(i)));
    }
    assertEquals(80 + 1, expected.size());
    assertTrue(
        expected.get(80).alignment().getOutputsCount() == 1, "outputs compared at every step");
    for (int k : SOL.forecastHorizons()) {
      assertTrue(
          expected.stream()
              .anyMatch(
                  o ->
                      o.alignment().getEntries(0).getForecastsList().stream()
                          .anyMatch(f -> f.getHorizon() == k)),
          "forecasts " + k + " steps ahead scored");
    }
    for (EnsembleSolver.Output o : expected.subList(1, expected.size())) {
      for (var entry : o.alignment().getEntriesList()) {
        assertTrue(
            entry.getBootstrapFloorW1() > 0 && entry.getPValue() >= 0 && entry.getPValue() <= 1,
            "verdict at step " + o.alignment().getStep() + ": " + entry);
        entry
            .getForecastsList()
            .forEach(f -> assertTrue(f.getBootstrapFloorW1() > 0, "forecast floor " + f));
      }
    }
    assertEquals(
        expected, actual, "protobuf equality: every double identical, the verdicts' included");
  }

  private static List<WeightSnapshot> ou(int steps) {
    SplittableRandom random = new SplittableRandom(7);
    double[][] w = new double[REPLICAS][2];
    for (double[] r : w) {
      r[0] = 0.3 + 0.05 * random.nextGaussian();
      r[1] = -0.2 + 0.05 * random.nextGaussian();
    }
    List<WeightSnapshot> out = new ArrayList<>();
    for (int step = 0; step <= steps; step++) {
      // replicas out of order within a step, as they arrive from different trainers
      for (int k = 0; k < REPLICAS; k++) {
        int r = (k * 7) % REPLICAS;
        out.add(
            WeightSnapshot.newBuilder()
                .setRunId("r")
                .setLayer("w")
                .setReplica(r)
                .setStep(step)
                .setEnsembleSize(REPLICAS)
                .addShape(1)
                .addShape(2)
                .addValues((float) w[r][0])
                .addValues((float) w[r][1])
                .addAllProbeInputs(List.of(1f, 0.5f * r / REPLICAS, 0.2f, 1f))
                .build());
      }
      for (double[] r : w) {
        r[0] += -0.05 * r[0] + 0.01 * random.nextGaussian();
        r[1] += -0.02 * (r[1] - 0.1) + 0.01 * random.nextGaussian();
      }
    }
    return out;
  }
}
