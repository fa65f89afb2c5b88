package dev.fpk.solver;

import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.Mode;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.estimator.checkpoint.StateIo;
import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.joint.JointDensity;
import dev.fpk.physics.joint.JointFit;
import dev.fpk.physics.joint.LinearDriftEstimator;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.JointAlignment;
import dev.fpk.protocol.v1.OutputComparison;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The joint model of a layer with exactly 4 entries (a 2x2 matrix, ensemble mode): one 4-D
 * Fokker-Planck density of all entries together on a tensor grid (services/physics/PHYSICS.md §3), beside the four
 * 1-D densities of {@link EnsembleSolver}, and under the same rules: it starts once, at the first
 * step seen, from a product-kernel density estimate of the replicas ({@link JointDensity#fromSamples})
 * and from then on moves only by the Fokker-Planck equation, never reset to the data. To advance from
 * step {@code t} to {@code t + dt} it uses the fields estimated from increments up to {@code t} (out
 * of sample; only the first interval, before any fit exists, uses the one that includes it).
 *
 * <p>Fields: drift {@code mu_k(w) = (A w + b)_k + r_k(w_k)}, where {@code A w + b} is the joint linear
 * fit of every replica's increments on its four entries ({@link LinearDriftEstimator}, kept here,
 * forgetting with {@code fpk.solver.joint.half-life-steps}) and {@code r_k} is entry k's own nonlinear
 * remainder from the entry-wise estimate (its binned drift minus its Ornstein-Uhlenbeck line), so the
 * joint model contains the entry-wise one and adds the coupling between entries; diffusion {@code
 * D_k(w_k)} of the entry-wise estimate (the joint fit's {@code D_kk} where it has none), diagonal only:
 * the off-diagonal {@code D_ij} are measured and reported, not solved.
 *
 * <p>Scores per step: each entry's marginal against the replicas (Wasserstein-1, to compare with the
 * entry-wise W1 of the same step) and, at the steps {@link OutputComparer} takes, the outputs {@code y
 * = W h} with {@code W} drawn from the 4-D density (model "joint", same seed as the entry-wise draw).
 *
 * <p>Resolution: the tensor grid has {@code fpk.solver.joint.cells} cells per axis (16 by default,
 * against the entry-wise solver's 128), and the exponentially fitted fluxes are first order where drift
 * dominates a cell ({@code |mu| h / D >> 1}, as in the slow phase of training, where {@code D} is tiny):
 * there the scheme adds a numerical diffusion of about {@code |mu| h / 2}, which widens the joint
 * density over hundreds of steps. {@link JointGain} shows it (marginal W1 against the entry-wise W1).
 *
 * <p>Not thread-safe: one instance belongs to one solver entity. {@link #writeTo} / {@link #readFrom}
 * snapshot and restore it bit for bit.
 */
public final class JointSolver {
  /** Entries of the layers it models. */
  public static final int ENTRIES = 4;

  private final SolverSettings settings;
  private final JointSettings joint;
  private final OutputComparer comparer;
  private @Nullable JointDensity density;
  private LinearDriftEstimator estimator;
  private long lastStep = -1;
  private int[] lastReplicas = new int[0];
  private float[] lastValues = new float[0];
  private @Nullable DriftDiffusionEstimate entrywise;

  public JointSolver(SolverSettings settings, JointSettings joint) {
    this.settings = settings;
    this.joint = joint;
    this.comparer = new OutputComparer(settings.outputs());
    this.estimator = new LinearDriftEstimator(ENTRIES, joint.halfLifeSteps());
  }

  /** Whether the joint model applies to this layer: ensemble mode with exactly 4 entries. */
  public static boolean appliesTo(EnsembleStep step) {
    return step.entries() == ENTRIES && Mode.of(step) == Mode.ENSEMBLE;
  }

  /** What one step produced: the joint figures and, at comparison steps, the "joint" output comparison. */
  public record Result(JointAlignment joint, @Nullable OutputComparison output) {
    /** The entry-wise alignment with these figures added. */
    public AlignmentUpdate addTo(AlignmentUpdate alignment) {
      AlignmentUpdate.Builder b = alignment.toBuilder().setJoint(joint);
      if (output != null) {
        b.addOutputs(output);
      }
      return b.build();
    }
  }

  /** Advances the joint density to this step and scores it (see the class comment). */
  public Result advance(StepEstimate current) {
    return advance(current, null);
  }

  /**
   * {@link #advance(StepEstimate)} with the experiment's side of the output comparison as the
   * entry-wise comparison of the same step computed it ({@link EnsembleSolver#takeExperiment});
   * null or another step's: computed here. The same figures either way.
   */
  public Result advance(StepEstimate current, OutputComparer.@Nullable Experiment experiment) {
    EnsembleStep step = current.step();
    if (!appliesTo(step)) {
      throw new IllegalArgumentException(step + ": the joint model needs ensemble mode with " + ENTRIES + " entries");
    }
    double[][] points = points(step);
    long previous = lastStep;
    if (density == null) {
      density = JointDensity.fromSamples(points, joint.cells(), settings.scheme());
    } else {
      JointFit before = estimator.fit();
      addIncrements(step);
      JointFit use = before.usable() ? before : estimator.fit();
      DriftDiffusionEstimate fields = hasData(entrywise) ? entrywise : current.estimate();
      density.follow(points);
      if (use.usable()) {
        double dt = step.step() - lastStep;
        int substeps = (int) Math.max(1, Math.ceil(dt * settings.substepsPerStep()));
        density.advance(use, remainders(fields), diffusions(fields), dt, substeps);
      }
    }
    lastStep = step.step();
    lastReplicas = step.replicas();
    lastValues = step.values();
    entrywise = current.estimate();
    JointDensity p = density;
    OutputComparison output = comparer.due(step, previous)
        ? comparer.compare("joint", experiment != null && experiment.of(step) ? experiment : comparer.experiment(step),
            (n, random) -> p.sample(n, random)) : null;
    return new Result(figures(points, estimator.fit()), output);
  }

  /** The last step advanced to; -1 before the first. */
  public long lastStep() {
    return lastStep;
  }

  private void addIncrements(EnsembleStep step) {
    double dt = step.step() - lastStep;
    estimator.decay(dt);
    Map<Integer, Integer> before = new HashMap<>();
    for (int k = 0; k < lastReplicas.length; k++) {
      before.put(lastReplicas[k], k);
    }
    double[] w = new double[ENTRIES];
    double[] dw = new double[ENTRIES];
    for (int k = 0; k < step.size(); k++) {
      Integer p = before.get(step.replicas()[k]);
      if (p == null) {
        continue;
      }
      for (int e = 0; e < ENTRIES; e++) {
        w[e] = lastValues[p * ENTRIES + e];
        dw[e] = step.value(k, e) - w[e];
      }
      estimator.increment(w, dw, dt);
    }
  }

  /** Entry k's binned drift minus its OU line on axis k's centres (null if no entry-wise data). */
  private double[] @Nullable [] remainders(DriftDiffusionEstimate fields) {
    if (!hasData(fields)) {
      return null;
    }
    double[][] r = new double[ENTRIES][];
    for (int k = 0; k < ENTRIES; k++) {
      EntryEstimate e = fields.getEntries(k);
      double[] centres = density.axis(k).centres();
      r[k] = FieldOnGrid.drift(e, centres);
      for (int i = 0; i < centres.length; i++) {
        r[k][i] -= e.getDriftSlope() * centres[i] + e.getDriftIntercept();
      }
    }
    return r;
  }

  /** Entry k's diffusion on axis k's centres (null: the joint fit's D_kk). */
  private double[] @Nullable [] diffusions(DriftDiffusionEstimate fields) {
    if (!hasData(fields)) {
      return null;
    }
    double[][] d = new double[ENTRIES][];
    for (int k = 0; k < ENTRIES; k++) {
      d[k] = FieldOnGrid.diffusion(fields.getEntries(k), density.axis(k).centres(), density.axis(k).width());
    }
    return d;
  }

  private static boolean hasData(@Nullable DriftDiffusionEstimate e) {
    if (e == null || e.getEntriesCount() != ENTRIES) {
      return false;
    }
    for (EntryEstimate entry : e.getEntriesList()) {
      if (!FieldOnGrid.usable(entry)) {
        return false;
      }
    }
    return true;
  }

  private JointAlignment figures(double[][] points, JointFit fit) {
    JointAlignment.Builder j = JointAlignment.newBuilder().setCellsPerAxis(density.cellsPerAxis())
        .setLargestNeglectedCorrelation(fit.largestNeglectedCorrelation())
        .setLargestCouplingZ(fit.largestCouplingZ()).setIncrements(fit.count());
    for (int k = 0; k < ENTRIES; k++) {
      double[] samples = new double[points.length];
      for (int r = 0; r < points.length; r++) {
        samples[r] = points[r][k];
      }
      j.addMarginalW1(Alignment.wasserstein1(density.axis(k), density.marginal(k), samples))
          .addDriftOffset(fit.b()[k]).addDiffusionStderr(fit.diffusionStdErr()[k]);
    }
    for (int i = 0; i < ENTRIES * ENTRIES; i++) {
      j.addDriftMatrix(fit.a()[i]).addDriftMatrixStderr(fit.aStdErr()[i]).addDiffusionMatrix(fit.diffusion()[i]);
    }
    return j.build();
  }

  private static double[][] points(EnsembleStep step) {
    double[][] p = new double[step.size()][ENTRIES];
    for (int k = 0; k < p.length; k++) {
      for (int e = 0; e < ENTRIES; e++) {
        p[k][e] = step.value(k, e);
      }
    }
    return p;
  }

  /** Writes the state: density and grids, the joint estimator, the last step's replicas, the entry-wise fields. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeLong(lastStep);
    out.writeBoolean(density != null);
    if (density != null) {
      for (int k = 0; k < ENTRIES; k++) {
        StateIo.writeGrid(out, density.axis(k));
      }
      StateIo.writeDoubles(out, density.values());
    }
    estimator.writeTo(out);
    StateIo.writeInts(out, lastReplicas);
    StateIo.writeFloats(out, lastValues);
    StateIo.writeMessage(out, entrywise);
  }

  /** The solver {@link #writeTo} wrote, with these settings. */
  public static JointSolver readFrom(DataInput in, SolverSettings settings, JointSettings joint) throws IOException {
    JointSolver s = new JointSolver(settings, joint);
    s.lastStep = in.readLong();
    if (in.readBoolean()) {
      Grid1D[] axes = new Grid1D[ENTRIES];
      for (int k = 0; k < ENTRIES; k++) {
        axes[k] = StateIo.readGrid(in);
      }
      s.density = new JointDensity(axes, StateIo.readDoubles(in), settings.scheme());
    }
    s.estimator = LinearDriftEstimator.readFrom(in);
    s.lastReplicas = StateIo.readInts(in);
    s.lastValues = StateIo.readFloats(in);
    s.entrywise = StateIo.readMessage(in, DriftDiffusionEstimate.parser());
    return s;
  }
}
