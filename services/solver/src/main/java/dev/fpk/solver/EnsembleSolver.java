package dev.fpk.solver;

import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.EntrySelection;
import dev.fpk.estimator.Grids;
import dev.fpk.estimator.Mode;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.estimator.WatchedEntries;
import dev.fpk.estimator.checkpoint.StateIo;
import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.align.CellMasses;
import dev.fpk.physics.align.PreparedSamples;
import dev.fpk.physics.align.ReplicaOrder;
import dev.fpk.physics.density.DensitySampler;
import dev.fpk.physics.density.KernelDensity;
import dev.fpk.physics.forecast.ForecastTracker;
import dev.fpk.physics.forecast.ReplicaVelocities;
import dev.fpk.physics.forecast.ScoredForecast;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.grid.GridFollower;
import dev.fpk.physics.verdict.ConditionalVerdict;
import dev.fpk.physics.verdict.W1Verdict;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.HorizonForecast;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The Fokker-Planck densities of one (run, layer), one per entry in ensemble mode or one for the
 * pooled entries of a single replica ({@link Mode}), advanced step by step and scored against the
 * data (services/physics/PHYSICS.md §3-4).
 *
 * <p>Each entry's density starts once, at the first step seen, from a Gaussian kernel density
 * estimate of the replicas (Silverman's bandwidth, the kernels drawn in towards the mean so that
 * the density's variance is the replicas': {@link KernelDensity#estimateKeepingVariance}, since
 * this density carries its start's spread for the rest of the run), and from then on moves only by
 * the Fokker-Planck equation: it is never reset to the data. To advance from step {@code t} to
 * {@code t + dt} it uses the drift and diffusion estimated from increments up to {@code t} (out of
 * sample); only the very first interval, before any increment exists, uses the estimate that
 * includes it. Then it is compared with the replicas at {@code t + dt}: Wasserstein-1 (exact),
 * Jensen-Shannon and Hellinger against their histogram on the same cells, and the errors of mean
 * and variance, beside the sampling floor (W1 between the two halves of the replicas) and the
 * verdict: the parametric bootstrap's floor of W1 for this density and this many samples and the
 * p-value of the observed W1 under it ({@link W1Verdict}: no draws, so no random state; a pure
 * function of the density and the sample count, hence restored with them). For each forecast
 * horizon {@code k}, each entry also keeps one forecast that restarts from the data (a copy, the
 * main density is untouched), runs {@code k} steps ahead and is scored with its two baselines when
 * the data of its target step arrive. At steps with probe inputs it compares the layer's output
 * distributions, theory against experiment ({@link OutputComparer}, model "entrywise": each entry
 * drawn independently from its own density).
 *
 * <p>Not thread-safe: one instance belongs to one solver entity. {@link #writeTo} / {@link
 * #readFrom} snapshot and restore it bit for bit (checkpoints).
 */
public final class EnsembleSolver {
  private final SolverSettings settings;
  private final GridFollower follower;
  private final OutputComparer outputs;
  private Mode mode;

  /**
   * The entries this layer is analysed in, as the estimator decided ({@link WatchedEntries}): an
   * entry not watched has no solver; null before the first step.
   */
  private WatchedEntries watched;

  private EntrySolver[] entries;

  /** The replicas' ids at the last step (their own drifts are kept by place among them). */
  private int[] replicas = new int[0];

  private long lastStep;
  private DriftDiffusionEstimate fields;
  // scratch of the step's loop over entries (not state: never checkpointed)
  private final PreparedSamples prepared = new PreparedSamples();
  private final W1Verdict verdict = new W1Verdict();
  private final SharedFokkerPlanck solvers;
  private double[] drift = new double[0];
  private double[] diffusion = new double[0];

  /** The conditional verdict's shadows' drifts, each with its own estimation error (scratch). */
  private double[][] shadowDrift = new double[0][0];

  /** Whether to keep the output comparison's experiment side for {@link #takeExperiment}. */
  private boolean keepExperiments;

  private OutputComparer.@Nullable Experiment experiment;

  public EnsembleSolver(SolverSettings settings) {
    this.settings = settings;
    this.follower = Grids.follower(2 * settings.cells());
    this.outputs = new OutputComparer(settings.outputs());
    this.solvers = new SharedFokkerPlanck(settings.scheme());
  }

  /**
   * What one step produced: the alignment figures of every entry, and at steps whose curves are due
   * ({@link SolverSettings.CurveSettings}) the densities and the fields (the estimate the step was
   * scored with) of the entries published; null at other steps.
   */
  public record Output(
      AlignmentUpdate alignment,
      @Nullable DensityUpdate densities,
      @Nullable DriftDiffusionEstimate fields) {}

  /**
   * Advances every entry to this step, scores it and issues its forecasts, entry by entry: each
   * entry's samples are copied and prepared ({@link PreparedSamples}: sorted, histogram, moments)
   * once for all of that (entries are independent, so the order of the work does not change a
   * figure).
   */
  public Output advance(StepEstimate current) {
    EnsembleStep step = current.step();
    long previous = lastStep();
    boolean first = entries == null;
    DriftDiffusionEstimate use = null;
    double dt = 0;
    int substeps = 0;
    if (first) {
      mode = Mode.of(step);
      watched = WatchedEntries.of(step, current.estimate());
      entries = new EntrySolver[watched.variables()];
    } else {
      use = fields;
      dt = step.step() - lastStep;
      substeps = (int) Math.max(1, Math.ceil(dt * settings.substepsPerStep()));
    }
    lastStep = step.step();
    fields = current.estimate();
    boolean sameReplicas = Arrays.equals(replicas, step.replicas());
    replicas = step.replicas();
    Scores scores = new Scores(step, previous);
    for (int e = 0; e < entries.length; e++) {
      double[] samples = watched.samples(step, e);
      if (first) {
        entries[e] = new EntrySolver(samples);
      } else {
        entries[e].advance(
            samples,
            sameReplicas,
            fieldToUse(use, current.estimate(), e),
            dt,
            substeps,
            new SplittableRandom(
                OutputComparer.seed(step) ^ ((long) watched.entry(e) << 20) ^ 0xC0FFEEL));
      }
      prepared.prepare(samples, entries[e].order);
      scores.add(e, entries[e]);
      issueForecasts(step, e, samples, current.estimate().getEntries(e));
    }
    return scores.output(current.estimate());
  }

  /**
   * Starts a forecast from the data at this step for entry {@code e} and every horizon {@code k}
   * that is due (its last forecast scored and issued at least {@code forecast-every-steps} steps
   * ago, {@link ForecastTracker#due}): the replicas' kernel density estimate, run {@code k} steps
   * ahead with the drift and diffusion estimated up to this step; its conditional floor moves
   * copies of {@code samples} with draws seeded from (layer, step, entry, k), so a replay gets the
   * same figures.
   */
  private void issueForecasts(EnsembleStep step, int e, double[] samples, EntryEstimate field) {
    if (settings.forecastHorizons().isEmpty() || !FieldOnGrid.usable(field)) {
      return;
    }
    EntrySolver s = entries[e];
    int n = s.grid.cells();
    double[] start = null;
    double[] mu = null;
    double[] d = null;
    double[] own = null;
    double explained = 0;
    for (int k : settings.forecastHorizons()) {
      if (s.forecasts.due(k, step.step(), settings.forecastEverySteps())) {
        if (start == null) {
          start = KernelDensity.estimate(s.grid, prepared);
          fieldsAt(field, s.grid);
          // the forecasts want exactly one value per cell; the scratch may be longer
          mu = drift.length == n ? drift : Arrays.copyOf(drift, n);
          d = diffusion.length == n ? diffusion : Arrays.copyOf(diffusion, n);
          if (s.velocities != null) { // once for every horizon issued now
            own = s.velocities.ownDrift();
            explained = s.velocities.explainedVariance();
          }
        }
        long seed = OutputComparer.seed(step) ^ ((long) watched.entry(e) << 20) ^ k;
        s.forecasts.issue(
            step.step(),
            k,
            s.grid,
            start,
            mu,
            d,
            samples,
            own,
            explained,
            new SplittableRandom(seed));
      }
    }
  }

  /**
   * The field's drift and diffusion at the cell centres of {@code g}, into the first {@code
   * g.cells()} values of the scratch arrays (grown to the largest grid seen).
   */
  private void fieldsAt(EntryEstimate field, Grid1D g) {
    if (drift.length < g.cells()) {
      drift = new double[g.cells()];
      diffusion = new double[g.cells()];
    }
    FieldOnGrid.drift(field, g, drift);
    FieldOnGrid.diffusion(field, g, diffusion);
  }

  /**
   * How much of the drift's estimation error persists from one estimate to the next, {@code dt}
   * steps later: {@code 2^(-dt / h)} for the memory's half-life {@code h} (1 if it never forgets;
   * 0, independent errors, when the writer did not say).
   */
  static double errorPersistence(EntryEstimate field, double dt) {
    double h = field.getMemoryHalfLifeSteps();
    return h > 0 ? Math.pow(2, -dt / h) : 0; // h = Infinity gives 1
  }

  /** {@code draws} scratch drifts of at least {@code cells} values (grown as needed). */
  private double[][] shadowDrifts(int draws, int cells) {
    if (shadowDrift.length != draws || shadowDrift[0].length < cells) {
      shadowDrift = new double[draws][cells];
    }
    return shadowDrift;
  }

  /** Draws matrices entry by entry, each entry independently from its own density. */
  private double[][] drawEntrywise(int n, RandomGenerator random) {
    double[][] out = new double[n][entries.length];
    for (int e = 0; e < entries.length; e++) {
      double[] w = DensitySampler.sample(entries[e].grid, entries[e].density, n, random);
      for (int k = 0; k < n; k++) {
        out[k][e] = w[k];
      }
    }
    return out;
  }

  /**
   * From the next step on, keep the experiment's side of each output comparison ({@link
   * OutputComparer#experiment}) for another model's comparison of the same step ({@link
   * #takeExperiment}); off by default, as it holds every output's projections (some MB for large
   * layers) until taken or the next step.
   */
  public void keepExperiments(boolean keep) {
    keepExperiments = keep;
    experiment = null;
  }

  /**
   * The experiment side of the last step's output comparison if kept (then forgotten here), else
   * null.
   */
  public OutputComparer.@Nullable Experiment takeExperiment() {
    OutputComparer.Experiment e = experiment;
    experiment = null;
    return e;
  }

  /**
   * Whether this solver analyses the entries {@code estimate} is of (true before the first step):
   * false when the estimator watches other entries than the checkpoint this solver was restored
   * from (the selection changed), so that it must start afresh.
   */
  public boolean watchesEntriesOf(DriftDiffusionEstimate estimate) {
    return watched == null
        || watched.selection().equals(EntrySelection.parse(estimate.getWatchedEntries()));
  }

  /** The entries analysed; null before the first step. */
  public @Nullable WatchedEntries watched() {
    return watched;
  }

  /** The last step advanced to; -1 before the first. */
  public long lastStep() {
    return entries == null ? -1 : lastStep;
  }

  /**
   * Leads a state with the conditional verdict's shadows (before them, the first int was the mode,
   * >= -1).
   */
  private static final int WITH_SHADOWS = -100;

  /** Leads a state with the shadows and the watched entries (before, every entry was watched). */
  private static final int WITH_WATCHED = -101;

  /**
   * Leads a state with the shadows, the watched entries, each entry's replica velocities and the
   * replicas' ids (before, forecasts moved the replicas by the field alone).
   */
  private static final int WITH_OWN_DRIFTS = -102;

  /**
   * Writes the state: mode, each entry's grid, density, forecasts and verdict shadows, the last
   * step, the fields to use next.
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(WITH_OWN_DRIFTS);
    out.writeBoolean(watched != null);
    if (watched != null) {
      watched.writeTo(out);
    }
    out.writeInt(mode == null ? -1 : mode.ordinal());
    out.writeInt(entries == null ? -1 : entries.length);
    if (entries != null) {
      for (EntrySolver e : entries) {
        StateIo.writeGrid(out, e.grid);
        StateIo.writeDoubles(out, e.density);
        e.forecasts.writeTo(out);
        out.writeBoolean(e.verdict != null);
        if (e.verdict != null) {
          e.verdict.writeTo(out);
        }
        out.writeBoolean(e.velocities != null);
        if (e.velocities != null) {
          e.velocities.writeTo(out);
        }
      }
    }
    StateIo.writeInts(out, replicas);
    out.writeLong(lastStep);
    StateIo.writeMessage(out, fields);
  }

  /** The solver {@link #writeTo} wrote, with these settings. */
  public static EnsembleSolver readFrom(DataInput in, SolverSettings settings) throws IOException {
    EnsembleSolver s = new EnsembleSolver(settings);
    int first = in.readInt();
    boolean ownDrifts = first == WITH_OWN_DRIFTS;
    if ((first == WITH_WATCHED || ownDrifts) && in.readBoolean()) {
      s.watched = WatchedEntries.readFrom(in);
    }
    boolean shadows = first == WITH_SHADOWS || first == WITH_WATCHED || ownDrifts;
    int mode = shadows ? in.readInt() : first; // before the shadows the state began with the mode
    s.mode = mode < 0 ? null : Mode.values()[mode];
    int n = in.readInt();
    if (n >= 0) {
      s.entries = new EntrySolver[n];
      for (int e = 0; e < n; e++) {
        s.entries[e] =
            s
            .new EntrySolver(
                StateIo.readGrid(in), StateIo.readDoubles(in), ForecastTracker.readFrom(in));
        if (shadows && in.readBoolean()) {
          s.entries[e].verdict = ConditionalVerdict.readFrom(in);
        }
        if (ownDrifts && in.readBoolean()) {
          s.entries[e].velocities = ReplicaVelocities.readFrom(in);
        }
      }
    }
    if (ownDrifts) {
      s.replicas = StateIo.readInts(in);
    }
    s.lastStep = in.readLong();
    s.fields = StateIo.readMessage(in, DriftDiffusionEstimate.parser());
    if (s.watched == null && s.entries != null) { // written before selections: every entry
      s.watched = WatchedEntries.every(s.mode, s.entries.length);
    }
    return s;
  }

  /**
   * Entry e's field to advance to this step with: the one estimated before it, or, where that has
   * no data yet (the first interval, before any increment), the one including this step. Decided
   * entry by entry, so that no entry's figures depend on another's (once on entry 0 for all).
   */
  private static EntryEstimate fieldToUse(
      @Nullable DriftDiffusionEstimate before, DriftDiffusionEstimate now, int e) {
    if (before != null && e < before.getEntriesCount()) {
      EntryEstimate field = before.getEntries(e);
      if (FieldOnGrid.usable(field)) {
        return field;
      }
    }
    return now.getEntries(e);
  }

  private static List<Integer> shape(EnsembleStep step) {
    return Arrays.stream(step.shape()).boxed().toList();
  }

  /** The alignment figures of a step, entry by entry, and its curves if due. */
  private final class Scores {
    private final EnsembleStep step;
    private final long previous;
    private final AlignmentUpdate.Builder align;
    private final DensityUpdate.@Nullable Builder dens;
    private final int stride;

    Scores(EnsembleStep step, long previous) {
      this.step = step;
      this.previous = previous;
      align =
          AlignmentUpdate.newBuilder()
              .setRunId(step.runId())
              .setLayer(step.layer())
              .setStep(step.step())
              .setSamples(mode == Mode.POOLED ? step.values().length : step.size())
              .setReplicas(step.size())
              .setSourceTimeUnixMillis(step.sourceTimeMillis())
              .setWatchedEntries(watched.selection().toString())
              .addAllShape(shape(step));
      boolean curves = settings.curves().due(step.step(), previous);
      stride = settings.curves().stride(entries.length);
      dens =
          !curves
              ? null
              : DensityUpdate.newBuilder()
                  .setRunId(step.runId())
                  .setLayer(step.layer())
                  .setStep(step.step())
                  .setScheme(SolverSettings.schemeName(settings.scheme()));
    }

    /**
     * Scores entry {@code e} against the prepared samples: W1, JS, Hellinger, moment errors, the
     * sampling floor, the verdict (bootstrap floor and p-value), and the forecasts aimed at this
     * step with their floors.
     */
    void add(int e, EntrySolver s) {
      int[] index = watched.index(step, e);
      CellMasses hist = prepared.histogram(s.grid);
      CellMasses theory = prepared.theory(s.grid, s.density);
      double w1 = Alignment.wasserstein1(theory, prepared);
      verdict.set(theory, prepared.count());
      EntryAlignment.Builder a =
          EntryAlignment.newBuilder()
              .setW1(w1)
              .setJs(Alignment.jensenShannon(theory, hist))
              .setHellinger(Alignment.hellinger(theory, hist))
              .setMeanError(theory.mean() - hist.mean())
              .setVarianceError(theory.variance() - hist.variance())
              .setSamplingFloorW1(prepared.samplingFloor())
              .setBootstrapFloorW1(verdict.floor())
              .setPValue(verdict.pValue(w1));
      if (s.verdict != null) {
        double[] shadows = s.verdict.distances(s.grid, s.density);
        a.setConditionalFloorW1(ConditionalVerdict.floor(shadows))
            .setConditionalPValue(ConditionalVerdict.pValue(shadows, w1));
      }
      for (ScoredForecast f : s.forecasts.onData(step.step(), prepared)) {
        a.addForecasts(
            HorizonForecast.newBuilder()
                .setHorizon(f.horizon())
                .setIssuedStep(f.issuedAt())
                .setW1(f.fokkerPlanck().wasserstein1())
                .setStaticW1(f.nothingChanges().wasserstein1())
                .setGaussianW1(f.gaussianMoments().wasserstein1())
                .setBootstrapFloorW1(f.fokkerPlanck().bootstrapFloorW1())
                .setConditionalFloorW1(f.conditionalFloorW1())
                .setParticleW1(f.particles().w1())
                .setParticleStaticW1(f.particles().staticW1())
                .setParticleFloorW1(f.particles().floorW1()));
      }
      for (int i : index) {
        a.addIndex(i);
      }
      align.addEntries(a);
      if (dens != null && e % stride == 0) {
        dens.addEntries(density(index, s, hist.values()));
      }
    }

    Output output(DriftDiffusionEstimate estimate) {
      experiment = null;
      // the output distributions draw whole matrices: every entry must have a density
      if (outputs.due(step, previous) && watched.everyEntry()) {
        OutputComparer.Experiment e = outputs.experiment(step);
        align.addOutputs(outputs.compare("entrywise", e, EnsembleSolver.this::drawEntrywise));
        if (settings.outputs().replicasShuffled()) {
          align.addOutputs(outputs.compareShuffled(e));
        }
        experiment = keepExperiments ? e : null;
      }
      return new Output(
          align.build(),
          dens == null ? null : dens.build(),
          dens == null ? null : published(estimate, stride));
    }
  }

  private static EntryDensity.Builder density(int[] index, EntrySolver s, double[] hist) {
    EntryDensity.Builder d = EntryDensity.newBuilder();
    for (int i : index) {
      d.addIndex(i);
    }
    for (double edge : s.grid.edges()) {
      d.addEdges(edge);
    }
    for (int i = 0; i < s.density.length; i++) {
      d.addTheory(s.density[i]).addEmpirical(hist[i]);
    }
    return d;
  }

  /** The estimate's entries the curves publish: all, or every {@code stride}-th. */
  private static DriftDiffusionEstimate published(DriftDiffusionEstimate estimate, int stride) {
    if (stride == 1) {
      return estimate;
    }
    DriftDiffusionEstimate.Builder b = estimate.toBuilder().clearEntries();
    for (int e = 0; e < estimate.getEntriesCount(); e += stride) {
      b.addEntries(estimate.getEntries(e));
    }
    return b.build();
  }

  /**
   * One entry's grid, density and forecasts; the grid follows the replicas. Its Fokker-Planck
   * solver is the layer's shared one for its cell count ({@link SharedFokkerPlanck}).
   */
  private final class EntrySolver {
    Grid1D grid;
    double[] density;
    final ForecastTracker forecasts;

    /** The conditional verdict's shadows; null without ({@code conditional-verdict-draws = 0}). */
    ConditionalVerdict verdict;

    /** The replicas' own drifts, which the forecasts' moved copies carry; null without. */
    ReplicaVelocities velocities;

    /**
     * The replicas' sorted order at the last step, so this step's sort is nearly done (a speed-up
     * only, not checkpointed: a restored entry sorts in full once and gets the same figures).
     */
    final ReplicaOrder order = new ReplicaOrder();

    EntrySolver(double[] samples) {
      PreparedSamples start = PreparedSamples.of(samples);
      grid = Grids.forDensity(start, settings.cells());
      density = KernelDensity.estimateKeepingVariance(grid, start);
      forecasts = new ForecastTracker(settings.substepsPerStep(), settings.forecastFloorDraws());
      verdict = startVerdict(samples);
      velocities = startVelocities(samples);
    }

    /**
     * Own drifts when forecasts move copies of the replicas of an ensemble and the setting keeps
     * them ({@code forecast-own-drift-half-life-steps}); else null. A pooled layer's "replicas" are
     * its entries, millions in a big layer, at 16 bytes of state each: its copies move by the field
     * alone.
     */
    private ReplicaVelocities startVelocities(double[] samples) {
      boolean moved =
          mode == Mode.ENSEMBLE
              && !settings.forecastHorizons().isEmpty()
              && settings.forecastFloorDraws() > 0;
      double halfLife = settings.ownDriftHalfLifeSteps();
      return moved && Double.isFinite(halfLife) ? ReplicaVelocities.start(samples, halfLife) : null;
    }

    private ConditionalVerdict startVerdict(double[] samples) {
      return settings.verdict().draws() > 0
          ? ConditionalVerdict.start(samples, settings.verdict().draws())
          : null;
    }

    EntrySolver(Grid1D grid, double[] density, ForecastTracker forecasts) {
      this.grid = grid;
      this.density = density;
      this.forecasts = forecasts;
    }

    /**
     * Moves the density (and the verdict's shadows, with draws from {@code random}) over {@code dt}
     * steps with the field.
     */
    void advance(
        double[] samples,
        boolean sameReplicas,
        EntryEstimate field,
        double dt,
        int substeps,
        RandomGenerator random) {
      follow(samples);
      if (!FieldOnGrid.usable(field)) {
        velocities = startVelocities(samples);
        return; // no increment seen yet: nothing moves the density
      }
      fieldsAt(field, grid);
      if (velocities != null && sameReplicas && velocities.fits(samples)) {
        velocities.observe(samples, dt, grid, drift); // the residuals against this very field
      } else {
        velocities = startVelocities(samples); // replicas came or went: their drifts start anew
      }
      solvers.advance(grid, density, drift, diffusion, dt, substeps);
      if (verdict != null) {
        if (!verdict.fits(samples)) {
          verdict = startVerdict(samples); // replicas came or went: the shadows start anew here
        } else {
          advanceShadows(field, dt, random);
        }
      }
    }

    /**
     * Moves the verdict's shadows over {@code dt} steps: each with the drift plus its own
     * estimation error, or all with the point estimate ({@code conditional-verdict-drift-errors}).
     */
    private void advanceShadows(EntryEstimate field, double dt, RandomGenerator random) {
      int substeps = settings.substepsPerStep();
      if (!settings.verdict().driftErrors()) {
        verdict.advance(grid, drift, diffusion, dt, substeps, random);
        return;
      }
      verdict.evolveDriftErrors(field.getDriftStderrCount(), errorPersistence(field, dt), random);
      double[][] drifts = shadowDrifts(verdict.draws(), grid.cells());
      for (int b = 0; b < drifts.length; b++) {
        FieldOnGrid.driftWithError(field, grid, drift, verdict.driftErrors(b), drifts[b]);
      }
      verdict.advance(grid, drifts, diffusion, dt, substeps, random);
    }

    private void follow(double[] samples) {
      Grid1D next = Grids.following(follower, grid, samples);
      if (next != grid) {
        density = Grid1D.remap(grid, density, next);
        grid = next;
      }
    }
  }
}
