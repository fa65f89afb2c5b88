package dev.fpk.solver;

import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.Mode;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.estimator.checkpoint.StateIo;
import dev.fpk.physics.align.PointClouds;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.joint.JointFit;
import dev.fpk.physics.joint.JointParticles;
import dev.fpk.physics.joint.JointSde;
import dev.fpk.physics.joint.LinearDriftEstimator;
import dev.fpk.physics.joint.NeighbourDrift;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.JointAlignment;
import dev.fpk.protocol.v1.OutputComparison;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * The joint model of a layer with exactly 4 entries (a 2x2 matrix, ensemble mode): the 4-D density
 * of all entries together, beside the four 1-D densities of {@link EnsembleSolver} and under the
 * same rules: it starts once, at the first step seen, from the replicas, and from then on moves
 * only by the fitted stochastic dynamics, never reset to the data. To advance from step {@code t}
 * to {@code t + dt} it uses the fields estimated from increments up to {@code t} (out of sample;
 * only the first interval, before any fit exists, uses the one that includes it).
 *
 * <p>Representation: {@code fpk.solver.joint.particles} particles ({@link JointParticles}), started
 * as copies of the replicas and moved by Euler-Maruyama in the SDE {@code dW = mu dt + sqrt(2D) dB}
 * ({@link JointSde}). It replaced a 16-cells-per-axis tensor grid whose first-order fluxes added a
 * numerical diffusion of about {@code |mu| h / 2} where drift dominates a cell (the slow phase of
 * training), which left the joint model's outputs 1.6-1.9x further from the replicas' than the
 * entry-wise model's on {@code fpk experiment}; particles have no such term, and their Monte Carlo
 * error ({@code ~ 1/sqrt(N)}) is far below the replicas' own ({@code ~ 1/sqrt(R)}).
 *
 * <p>Fields: drift {@code mu(w) = A w + b (+ r_k(w_k))} and diffusion {@code D_ij(w) = C_ij
 * s_i(w_i) s_j(w_j)}. {@code A w + b} and the residual diffusion matrix {@code D} are the joint
 * linear fit of every replica's increments ({@link LinearDriftEstimator}, kept here, forgetting
 * with {@code fpk.solver.joint.half-life-steps}), {@code C} its residual correlations. With {@code
 * fpk.solver.joint.entrywise-fields} (the default) each entry also brings its own nonlinear part
 * from the entry-wise estimate: {@code r_k} its binned drift minus its Ornstein-Uhlenbeck line,
 * {@code s_k^2} its binned diffusion, so the joint model contains the entry-wise one and adds the
 * coupling between entries (drift and noise); without it, {@code r = 0} and {@code s_k^2 = D_kk}
 * (the linear SDE of the fit alone).
 *
 * <p>Randomness: each interval's noise comes from a generator seeded by (layer, step) like {@link
 * OutputComparer}'s draws (run left out for the same reason), so a replay or a restart from a
 * checkpoint moves the particles bit for bit alike. Euler-Maruyama substeps: at least {@code
 * substeps-per-step} per step, and enough that {@code h * rate <= 0.05} for the fit's fastest rate
 * (Gershgorin bound of {@code A}).
 *
 * <p>Scores per step: each entry's marginal against the replicas (Wasserstein-1 between the
 * particles' and the replicas' values, to compare with the entry-wise W1 of the same step) and, at
 * the steps {@link OutputComparer} takes, the outputs {@code y = W h} with {@code W} drawn from the
 * particles (model "joint", same seed as the entry-wise draw).
 *
 * <p>Not thread-safe: one instance belongs to one solver entity. {@link #writeTo} / {@link
 * #readFrom} snapshot and restore it bit for bit.
 */
public final class JointSolver {
  /** Entries of the layers it models. */
  public static final int ENTRIES = 4;

  /** Noise stream salt: apart from the output comparison's draws of the same (layer, step). */
  private static final long NOISE_SALT = 0x6A09E667F3BCC909L;

  /** Largest {@code h * rate} of an Euler-Maruyama substep. */
  private static final double MAX_RATE_STEP = 0.05;

  /** At most this many substeps per interval (a fit with absurd rates costs no more). */
  private static final int MAX_SUBSTEPS = 1000;

  /** Cells of the tables that carry the entry-wise fields to the particles. */
  private static final int TABLE_CELLS = 64;

  /** State format tags (the former grid model wrote a boolean, 0 or 1, in their place). */
  private static final byte FORMAT_EMPTY = 2;

  private static final byte FORMAT_PARTICLES = 3;

  /** Particles, then (after the entry-wise fields) the last interval's starts and rates. */
  private static final byte FORMAT_NEIGHBOURS = 4;

  private final SolverSettings settings;
  private final JointSettings joint;
  private final OutputComparer comparer;
  private @Nullable JointParticles particles;
  private LinearDriftEstimator estimator;
  private long lastStep = -1;
  private int[] lastReplicas = new int[0];
  private float[] lastValues = new float[0];

  /**
   * The last interval's paired replicas: where each started ({@code W(t)}) and its rate over the
   * interval, replica-major (empty before two steps): the neighbours' drift of the next interval.
   */
  private double[] intervalStarts = new double[0];

  private double[] intervalRates = new double[0];

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

  /**
   * What one step produced: the joint figures and, at comparison steps, the "joint" output
   * comparison.
   */
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
      throw new IllegalArgumentException(
          step + ": the joint model needs ensemble mode with " + ENTRIES + " entries");
    }
    double[][] points = points(step);
    long previous = lastStep;
    if (particles == null) {
      particles = JointParticles.fromSamples(points, joint.particles());
    } else {
      JointFit before = estimator.fit();
      double[][] interval = addIncrements(step);
      JointFit use = before.usable() ? before : estimator.fit();
      if (use.usable()) {
        double dt = step.step() - lastStep;
        JointSde sde = sde(use, hasData(entrywise) ? entrywise : current.estimate());
        if (joint.neighbours() > 0 && intervalStarts.length > 0) {
          // the interval before this one: out of sample, as the fit
          sde =
              sde.withNeighbourDrift(
                  new NeighbourDrift(
                      ENTRIES, joint.neighbours(), intervalStarts, intervalResiduals(use)));
        }
        int substeps =
            (int)
                Math.min(
                    MAX_SUBSTEPS,
                    Math.max(
                        Math.ceil(dt * settings.substepsPerStep()),
                        Math.ceil(dt * sde.fastestRate() / MAX_RATE_STEP)));
        particles.advance(
            sde,
            dt,
            Math.max(1, substeps),
            new SplittableRandom(OutputComparer.seed(step) ^ NOISE_SALT));
      }
      intervalStarts = interval[0];
      intervalRates = interval[1];
    }
    lastStep = step.step();
    lastReplicas = step.replicas();
    lastValues = step.values();
    entrywise = current.estimate();
    JointParticles p = particles;
    OutputComparison output =
        comparer.due(step, previous)
            ? comparer.compare(
                "joint",
                experiment != null && experiment.of(step) ? experiment : comparer.experiment(step),
                p::sample)
            : null;
    return new Result(figures(points, estimator.fit()), output);
  }

  /** The last step advanced to; -1 before the first. */
  public long lastStep() {
    return lastStep;
  }

  /**
   * Adds the increments from the last step to this one to the fit; returns the interval's paired
   * replicas: their starts and rates, replica-major.
   */
  private double[][] addIncrements(EnsembleStep step) {
    double dt = step.step() - lastStep;
    estimator.decay(dt);
    Map<Integer, Integer> before = new HashMap<>();
    for (int k = 0; k < lastReplicas.length; k++) {
      before.put(lastReplicas[k], k);
    }
    double[] w = new double[ENTRIES];
    double[] dw = new double[ENTRIES];
    double[] starts = new double[step.size() * ENTRIES];
    double[] rates = new double[starts.length];
    int pairs = 0;
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
      if (finite(w) && finite(dw)) {
        for (int e = 0; e < ENTRIES; e++) {
          starts[pairs * ENTRIES + e] = w[e];
          rates[pairs * ENTRIES + e] = dw[e] / dt;
        }
        pairs++;
      }
    }
    int n = pairs * ENTRIES;
    return new double[][] {Arrays.copyOf(starts, n), Arrays.copyOf(rates, n)};
  }

  /** The last interval's rates less the fit's drift where each replica started. */
  private double[] intervalResiduals(JointFit fit) {
    double[] r = intervalRates.clone();
    double[] w = new double[ENTRIES];
    for (int o = 0; o < r.length; o += ENTRIES) {
      System.arraycopy(intervalStarts, o, w, 0, ENTRIES);
      for (int k = 0; k < ENTRIES; k++) {
        r[o + k] -= fit.driftAt(k, w);
      }
    }
    return r;
  }

  private static boolean finite(double[] v) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The SDE of the fit, with the entry-wise fields tabulated over the particles' range of each
   * entry when {@code entrywise-fields} is on and they have data.
   */
  private JointSde sde(JointFit fit, @Nullable DriftDiffusionEstimate fields) {
    if (!joint.entrywiseFields() || !hasData(fields)) {
      return JointSde.linear(fit);
    }
    Grid1D[] axes = new Grid1D[ENTRIES];
    double[][] r = new double[ENTRIES][TABLE_CELLS];
    double[][] d = new double[ENTRIES][TABLE_CELLS];
    for (int k = 0; k < ENTRIES; k++) {
      double[] w = particles.coordinate(k);
      double lo = Arrays.stream(w).min().orElseThrow();
      double hi = Arrays.stream(w).max().orElseThrow();
      double margin = Math.max(0.05 * (hi - lo), 1e-9 * Math.max(1, Math.abs(lo)));
      axes[k] = Grid1D.of(lo - margin, hi + margin, TABLE_CELLS);
      EntryEstimate e = fields.getEntries(k);
      FieldOnGrid.drift(e, axes[k], r[k]);
      for (int i = 0; i < TABLE_CELLS; i++) {
        r[k][i] -= e.getDriftSlope() * axes[k].centre(i) + e.getDriftIntercept();
      }
      FieldOnGrid.diffusion(e, axes[k], d[k]);
    }
    return new JointSde(fit, axes, r, d);
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
    JointAlignment.Builder j =
        JointAlignment.newBuilder()
            .setParticles(particles.size())
            .setLargestNeglectedCorrelation(fit.largestNeglectedCorrelation())
            .setLargestCouplingZ(fit.largestCouplingZ())
            .setIncrements(fit.count());
    for (int k = 0; k < ENTRIES; k++) {
      double[] samples = new double[points.length];
      for (int r = 0; r < points.length; r++) {
        samples[r] = points[r][k];
      }
      j.addMarginalW1(PointClouds.wasserstein1(particles.coordinate(k), samples))
          .addDriftOffset(fit.b()[k])
          .addDiffusionStderr(fit.diffusionStdErr()[k]);
    }
    for (int i = 0; i < ENTRIES * ENTRIES; i++) {
      j.addDriftMatrix(fit.a()[i])
          .addDriftMatrixStderr(fit.aStdErr()[i])
          .addDiffusionMatrix(fit.diffusion()[i]);
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

  /**
   * Writes the state: a format tag, the particles, the joint estimator, the last step's replicas,
   * the entry-wise fields, the last interval's starts and rates.
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeLong(lastStep);
    out.writeByte(particles == null ? FORMAT_EMPTY : FORMAT_NEIGHBOURS);
    if (particles != null) {
      particles.writeTo(out);
    }
    estimator.writeTo(out);
    StateIo.writeInts(out, lastReplicas);
    StateIo.writeFloats(out, lastValues);
    StateIo.writeMessage(out, entrywise);
    if (particles != null) {
      StateIo.writeDoubles(out, intervalStarts);
      StateIo.writeDoubles(out, intervalRates);
    }
  }

  /**
   * The solver {@link #writeTo} wrote, with these settings; null for the state of the former grid
   * model (tags 0 and 1, a boolean there): the joint model then starts afresh from the next step's
   * replicas.
   */
  public static @Nullable JointSolver readFrom(
      DataInput in, SolverSettings settings, JointSettings joint) throws IOException {
    JointSolver s = new JointSolver(settings, joint);
    s.lastStep = in.readLong();
    byte format = in.readByte();
    if (format != FORMAT_EMPTY && format != FORMAT_PARTICLES && format != FORMAT_NEIGHBOURS) {
      return null;
    }
    if (format != FORMAT_EMPTY) {
      s.particles = JointParticles.readFrom(in);
    }
    s.estimator = LinearDriftEstimator.readFrom(in);
    s.lastReplicas = StateIo.readInts(in);
    s.lastValues = StateIo.readFloats(in);
    s.entrywise = StateIo.readMessage(in, DriftDiffusionEstimate.parser());
    if (format == FORMAT_NEIGHBOURS) {
      s.intervalStarts = StateIo.readDoubles(in);
      s.intervalRates = StateIo.readDoubles(in);
    }
    return s;
  }
}
