package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.estimator.EnsembleEstimator;
import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.EstimatorSettings;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.physics.fp.TimeScheme;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.JointAlignment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The joint model against a coupled 2x2 Ornstein-Uhlenbeck ensemble, without Kafka or actors: the
 * drift couples w00 with w01 and w10 with w11, so the entries become strongly correlated, which the
 * entry-wise model (entries independent) cannot represent and the outputs y = W h show.
 */
class JointSolverTest {
  private static final int REPLICAS = 256;
  private static final int PROBES = 4;

  /**
   * Drift matrix, per step, row-major over the entries (w00, w01, w10, w11): eigenvalues -0.005 and
   * -0.095.
   */
  private static final double[] A = {
    -0.05, 0.045, 0, 0, 0.045, -0.05, 0, 0, 0, 0, -0.05, -0.045, 0, 0, -0.045, -0.05
  };

  private static final double D = 1e-4;
  private static final SolverSettings SETTINGS = new SolverSettings(64, TimeScheme.TR_BDF2, 1);
  private static final JointSettings JOINT =
      new JointSettings(
          true, 4096, Double.POSITIVE_INFINITY, true, JointSettings.DEFAULT_NEIGHBOURS);

  /**
   * The coupled ensemble: R replicas x 4 entries, Euler-Maruyama with a step of one optimiser step.
   */
  private static final class Ensemble {
    final SplittableRandom random;
    final double[][] w = new double[REPLICAS][4];

    Ensemble(long seed) {
      random = new SplittableRandom(seed);
      for (double[] x : w) {
        for (int k = 0; k < 4; k++) {
          x[k] = 0.05 * random.nextGaussian();
        }
      }
    }

    void step() {
      for (double[] x : w) {
        double[] dw = new double[4];
        for (int k = 0; k < 4; k++) {
          for (int j = 0; j < 4; j++) {
            dw[k] += A[k * 4 + j] * x[j];
          }
          dw[k] += Math.sqrt(2 * D) * random.nextGaussian();
        }
        for (int k = 0; k < 4; k++) {
          x[k] += dw[k];
        }
      }
    }

    EnsembleStep at(long step) {
      float[] values = new float[REPLICAS * 4];
      for (int r = 0; r < REPLICAS; r++) {
        for (int k = 0; k < 4; k++) {
          values[r * 4 + k] = (float) w[r][k];
        }
      }
      // probe inputs h in [0.5, 1.5]^2, the same at every step
      float[] probes = new float[REPLICAS * PROBES * 2];
      for (int i = 0; i < probes.length; i++) {
        probes[i] = 0.5f + (float) ((i * 0.618034) % 1.0);
      }
      return new EnsembleStep(
          "run",
          "layer",
          step,
          new int[] {2, 2},
          IntStream.range(0, REPLICAS).toArray(),
          values,
          0.01,
          32,
          0,
          probes);
    }
  }

  /**
   * Both models through {@code steps} steps; the alignment records with the joint figures added.
   */
  private static List<AlignmentUpdate> run(long seed, int steps) {
    Ensemble ensemble = new Ensemble(seed);
    EnsembleEstimator estimator =
        new EnsembleEstimator(new EstimatorSettings(32, Double.POSITIVE_INFINITY, 20, 30_000, 16));
    EnsembleSolver entrywise = new EnsembleSolver(SETTINGS);
    JointSolver joint = new JointSolver(SETTINGS, JOINT);
    List<AlignmentUpdate> out = new ArrayList<>();
    for (int t = 0; t <= steps; t++) {
      EnsembleStep s = ensemble.at(t);
      StepEstimate se = new StepEstimate(s, estimator.update(s));
      AlignmentUpdate a = entrywise.advance(se).alignment();
      out.add(joint.advance(se).addTo(a));
      ensemble.step();
    }
    return out;
  }

  @Test
  void shouldBeatTheEntrywiseModelOnTheOutputsOfACoupledOuEnsemble() {
    List<AlignmentUpdate> updates = run(21, 150);
    JointGain gain = JointGain.of(updates, 50);
    System.out.printf(
        "coupled 2x2 OU, R = %d, steps 50..150: output sliced W1 joint %.2e, entrywise %.2e, floor %.2e "
            + "(ratio %.2f); energy ratio %.2f; marginal W1 ratio %.2f%n",
        REPLICAS,
        gain.meanJointSlicedW1(),
        gain.meanEntrywiseSlicedW1(),
        gain.meanSlicedW1Floor(),
        gain.slicedW1Ratio(),
        gain.energyRatio(),
        gain.marginalW1Ratio());
    assertEquals(101, gain.steps());
    assertEquals(101, gain.outputSteps());
    assertTrue(gain.slicedW1Ratio() < 0.7, "joint gains on the outputs: " + gain);
    assertTrue(gain.energyRatio() < 0.7, "joint gains on the outputs: " + gain);
    assertTrue(
        gain.meanJointSlicedW1() < 2 * gain.meanSlicedW1Floor(),
        "joint within 2x the floor: " + gain);
  }

  @Test
  void shouldReportTheCouplingWithin4StdErrAndTheNeglectedDiffusionNearZero() {
    JointAlignment j = run(22, 80).get(80).getJoint();
    assertEquals(4096, j.getParticles());
    for (int i = 0; i < 16; i++) {
      double z = (j.getDriftMatrix(i) - A[i]) / j.getDriftMatrixStderr(i);
      assertTrue(Math.abs(z) < 4, "A[" + i + "] = " + j.getDriftMatrix(i) + ", z = " + z);
    }
    assertTrue(j.getLargestCouplingZ() > 10, "coupling shown: " + j.getLargestCouplingZ());
    // diagonal D in the ensemble: the measured residual correlation is sampling noise,
    // ~1/sqrt(20,000)
    assertTrue(
        j.getLargestNeglectedCorrelation() < 0.05,
        "neglected " + j.getLargestNeglectedCorrelation());
    for (int k = 0; k < 4; k++) {
      assertEquals(D, j.getDiffusionMatrix(k * 5), 4 * j.getDiffusionStderr(k));
      assertTrue(
          j.getMarginalW1(k) > 0 && j.getMarginalW1(k) < 0.02, "marginal W1 " + j.getMarginalW1(k));
    }
  }

  @Test
  void shouldGiveIdenticalFiguresFromACheckpointAndOnASecondRun() throws IOException {
    Ensemble ensemble = new Ensemble(23);
    EnsembleEstimator estimator =
        new EnsembleEstimator(new EstimatorSettings(32, Double.POSITIVE_INFINITY, 20, 30_000, 16));
    JointSolver solver = new JointSolver(SETTINGS, JOINT);
    JointSolver twin = new JointSolver(SETTINGS, JOINT);
    JointSolver restored = null;
    for (int t = 0; t <= 40; t++) {
      EnsembleStep s = ensemble.at(t);
      StepEstimate se = new StepEstimate(s, estimator.update(s));
      JointSolver.Result a = solver.advance(se);
      JointSolver.Result b = twin.advance(se);
      assertEquals(a, b, "deterministic at step " + t);
      if (restored != null) {
        assertEquals(a, restored.advance(se), "restored solver at step " + t);
      }
      if (t == 20) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        solver.writeTo(new DataOutputStream(bytes));
        restored =
            JointSolver.readFrom(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
                SETTINGS,
                JOINT);
        assertEquals(20, restored.lastStep());
      }
      assertNotNull(a.output(), "probe inputs at every step: an output comparison at every step");
      assertEquals("joint", a.output().getModel());
      ensemble.step();
    }
  }

  @Test
  void shouldStartAfreshFromAStateOfTheFormerGridModel() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(40);
    out.writeBoolean(true); // the grid model's "density present", then its grids and values
    out.writeDouble(-1);
    assertNull(
        JointSolver.readFrom(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), SETTINGS, JOINT));
  }

  @Test
  void shouldApplyOnlyToEnsembleLayersOfFourEntries() {
    Ensemble e = new Ensemble(1);
    assertTrue(JointSolver.appliesTo(e.at(0)));
    EnsembleStep sixEntries =
        new EnsembleStep(
            "run", "layer", 0, new int[] {2, 3}, new int[] {0, 1}, new float[12], 0.01, 32, 0);
    assertFalse(JointSolver.appliesTo(sixEntries));
    EnsembleStep pooled =
        new EnsembleStep(
            "run", "layer", 0, new int[] {2, 2}, new int[] {0}, new float[4], 0.01, 32, 0);
    assertFalse(JointSolver.appliesTo(pooled));
  }

  @Test
  void shouldRejectBadSettingsNamingTheKey() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> new JointSettings(true, 10, 100, true, JointSettings.DEFAULT_NEIGHBOURS));
    assertTrue(e.getMessage().contains("fpk.solver.joint.particles = 10"), e.getMessage());
  }
}
