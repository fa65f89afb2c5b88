package dev.fpk.estimator;

import dev.fpk.estimator.checkpoint.StateIo;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.grid.GridFollower;
import dev.fpk.physics.km.Memories;
import dev.fpk.physics.km.PrequentialKramersMoyal;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Running drift and diffusion of one (run, layer) (services/physics/PHYSICS.md §2), per entry
 * across replicas in ensemble mode, or one for all entries pooled when the run has a single replica
 * ({@link Mode}).
 *
 * <p>Between consecutive complete steps {@code t} and {@code t + dt}, each replica present at both
 * contributes, for every entry, the increment {@code dW = W(t+dt) - W(t)} at {@code w = W(t)} to
 * its variable's binned Kramers-Moyal estimator: drift {@code mu(w) = E[dW | w] / dt} (weight units
 * per step), diffusion {@code D(w) = Var[dW | w] / (2 dt)} (weight units^2 per step, dW = mu dt +
 * sqrt(2D) dB). By default ({@link HalfLife#ADAPTIVE}) each variable keeps several memories and
 * publishes the one that predicted its latest increments best, chosen online ({@link
 * PrequentialKramersMoyal}); a fixed half-life keeps one. The bins follow the weights ({@link
 * Grids}); if they would grow past four times their configured number, the entry starts afresh on a
 * new grid (its history is forgotten, on purpose: the landscape has moved far).
 *
 * <p>Not thread-safe: one instance belongs to one estimator entity. {@link #writeTo} / {@link
 * #readFrom} snapshot and restore it bit for bit (checkpoints).
 */
public final class EnsembleEstimator {
  private final EstimatorSettings settings;
  private final Memories memories;
  // no coarsening cap here: an estimator that outgrows 4x its bins starts afresh instead
  private final GridFollower follower = Grids.follower(Integer.MAX_VALUE);
  private final EstimateWriter writer;

  /** The entries this layer's configuration asks for (used from the first step on). */
  private final EntrySelection selection;

  private Mode mode;

  /** The variables: the watched entries, or the pooled one; null before the first step. */
  private WatchedEntries watched;

  private PrequentialKramersMoyal[] variables;

  /**
   * The selection of the checkpoint this estimator was to be restored from, when that differed from
   * {@link #selection} and it started afresh instead; else null.
   */
  private EntrySelection discarded;

  private EnsembleStep previous;

  /**
   * Per step: each variable's smallest and largest sample; the offsets of the replicas present at
   * both steps.
   */
  private double[] min = new double[0];

  private double[] max = new double[0];
  private int[] fromOffsets = new int[0];
  private int[] toOffsets = new int[0];

  /**
   * At a checkpoint: each variable's state in turn, written from one array rather than a fresh one
   * per variable (the allocation was 2% of all threads' samples in fpk bench e2e's JFR).
   */
  private double[] stateScratch = new double[0];

  /** An estimator of every entry. */
  public EnsembleEstimator(EstimatorSettings settings) {
    this(settings, EntrySelection.ALL);
  }

  /**
   * An estimator of the entries {@code selection} chooses (in ensemble mode; a pooled layer sees
   * every entry): an entry not chosen has no variable, no grid, no sums.
   */
  public EnsembleEstimator(EstimatorSettings settings, EntrySelection selection) {
    this.settings = settings;
    this.selection = selection;
    this.memories = settings.memories();
    this.writer = new EstimateWriter(settings.minBinCount());
  }

  /** Adds the increments that lead to {@code step} and returns the estimate as of {@code step}. */
  public DriftDiffusionEstimate update(EnsembleStep step) {
    if (variables == null) {
      mode = Mode.of(step);
      watched = WatchedEntries.of(step, selection);
      variables = new PrequentialKramersMoyal[watched.variables()];
      ranges(step);
      for (int v = 0; v < variables.length; v++) {
        variables[v] =
            new PrequentialKramersMoyal(Grids.around(min[v], max[v], settings.bins()), memories);
      }
    } else {
      addIncrements(step);
    }
    // kept for the next increments (and checkpointed): of the watched entries only
    previous = projected() ? watched.project(step) : step;
    return writer.write(step, watched, variables);
  }

  /** Whether {@link #previous} holds the watched entries only: ensemble mode, some watched. */
  private boolean projected() {
    return watched.mode() == Mode.ENSEMBLE && !watched.everyEntry();
  }

  /** The variables (null before the first step). */
  public WatchedEntries watched() {
    return watched;
  }

  /**
   * The selection of the checkpoint {@link #readFrom} was given when it differed from this
   * estimator's and the estimator started afresh; else null.
   */
  public EntrySelection discardedSelection() {
    return discarded;
  }

  /**
   * Writes the state: mode, every variable's grid and sums (each memory's, with the scores of the
   * memory choice), the previous step. A state read back with other memories (the half-life setting
   * changed) restores the mode and grids, and each variable starts afresh on its grid.
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(WITH_SELECTION);
    out.writeBoolean(watched != null);
    if (watched != null) {
      watched.writeTo(out);
    }
    out.writeInt(mode == null ? -1 : mode.ordinal());
    out.writeInt(variables == null ? -1 : variables.length);
    if (variables != null) {
      for (PrequentialKramersMoyal km : variables) {
        StateIo.writeGrid(out, km.grid());
        out.writeLong(km.count());
        int n = km.stateLength();
        if (stateScratch.length < n) {
          stateScratch = new double[n];
        }
        km.stateInto(stateScratch);
        StateIo.writeDoubles(out, stateScratch, n);
      }
    }
    StateIo.writeStep(out, previous);
  }

  /**
   * Leads a state with the watched entries (before them, the first int was the mode, >= -1, and
   * every entry was watched).
   */
  private static final int WITH_SELECTION = -200;

  /** The estimator {@link #writeTo} wrote, of every entry, with these settings. */
  public static EnsembleEstimator readFrom(DataInput in, EstimatorSettings settings)
      throws IOException {
    return readFrom(in, settings, EntrySelection.ALL);
  }

  /**
   * The estimator {@link #writeTo} wrote, with these settings, if it watched the entries {@code
   * selection} chooses (or is pooled); else a fresh estimator of them, whose {@link
   * #discardedSelection} says what the checkpoint had: its sums are of other entries.
   */
  public static EnsembleEstimator readFrom(
      DataInput in, EstimatorSettings settings, EntrySelection selection) throws IOException {
    EnsembleEstimator e = new EnsembleEstimator(settings, selection);
    int first = in.readInt();
    WatchedEntries watched = null;
    if (first == WITH_SELECTION && in.readBoolean()) {
      watched = WatchedEntries.readFrom(in);
    }
    int mode = first == WITH_SELECTION ? in.readInt() : first;
    e.mode = mode < 0 ? null : Mode.values()[mode];
    int n = in.readInt();
    if (n >= 0) {
      e.variables = new PrequentialKramersMoyal[n];
      for (int v = 0; v < n; v++) {
        Grid1D grid = StateIo.readGrid(in);
        long count = in.readLong();
        double[] state = StateIo.readDoubles(in);
        try {
          e.variables[v] = PrequentialKramersMoyal.restore(grid, e.memories, count, state);
        } catch (IllegalArgumentException written) {
          // written with other memories (the half-life setting changed): this variable starts
          // afresh
          e.variables[v] = new PrequentialKramersMoyal(grid, e.memories);
        }
      }
    }
    e.previous = StateIo.readStep(in);
    if (e.mode != null && watched == null) { // written before selections: every entry watched
      watched = WatchedEntries.of(e.previous, EntrySelection.ALL);
    }
    e.watched = watched;
    if (watched != null
        && watched.mode() == Mode.ENSEMBLE
        && !watched.selection().equals(selection)) {
      EnsembleEstimator fresh = new EnsembleEstimator(settings, selection);
      fresh.discarded = watched.selection();
      return fresh;
    }
    return e;
  }

  private void addIncrements(EnsembleStep step) {
    double dt = step.step() - previous.step();
    ranges(step);
    for (int v = 0; v < variables.length; v++) {
      variables[v] = follow(variables[v], min[v], max[v]);
      variables[v].decay(dt);
    }
    int pairs = pairReplicas(previous, step);
    float[] from = previous.values();
    float[] to = step.values();
    int n = step.entries();
    // each variable takes its increments in replica order either way; entry by entry when each
    // entry is its own variable, so that one variable's sums stay in cache for all its replicas;
    // entries not watched are not read
    if (mode == Mode.ENSEMBLE) {
      boolean projected = projected();
      for (int v = 0; v < variables.length; v++) {
        PrequentialKramersMoyal km = variables[v];
        int e = watched.entry(v);
        int before = projected ? v : e; // the entry's place in the previous step's values
        for (int j = 0; j < pairs; j++) {
          double w = from[fromOffsets[j] + before];
          km.increment(w, to[toOffsets[j] + e] - w, dt);
        }
      }
    } else {
      PrequentialKramersMoyal km = variables[0];
      for (int j = 0; j < pairs; j++) {
        for (int e = 0; e < n; e++) {
          double w = from[fromOffsets[j] + e];
          km.increment(w, to[toOffsets[j] + e] - w, dt);
        }
      }
    }
  }

  /**
   * Each variable's smallest and largest sample at {@code step} into {@link #min} and {@link #max}.
   */
  private void ranges(EnsembleStep step) {
    int vars = watched.variables();
    if (min.length < vars) {
      min = new double[vars];
      max = new double[vars];
    }
    watched.ranges(step, min, max);
  }

  /**
   * The replicas present at both steps, in the order of {@code to}: the j-th starts its values at
   * {@code fromOffsets[j]} in {@code from} and {@code toOffsets[j]} in {@code to}. Returns how
   * many.
   */
  private int pairReplicas(EnsembleStep from, EnsembleStep to) {
    int[] before = from.replicas();
    int[] now = to.replicas();
    if (fromOffsets.length < now.length) {
      fromOffsets = new int[now.length];
      toOffsets = new int[now.length];
    }
    boolean ascending = ascending(before);
    int pairs = 0;
    for (int k = 0; k < now.length; k++) {
      int p = ascending ? Arrays.binarySearch(before, now[k]) : lastIndexOf(before, now[k]);
      if (p >= 0) {
        fromOffsets[pairs] = p * from.entries();
        toOffsets[pairs] = k * to.entries();
        pairs++;
      }
    }
    return pairs;
  }

  private static boolean ascending(int[] xs) {
    for (int i = 1; i < xs.length; i++) {
      if (xs[i] <= xs[i - 1]) {
        return false;
      }
    }
    return true;
  }

  private static int lastIndexOf(int[] xs, int x) {
    for (int i = xs.length - 1; i >= 0; i--) {
      if (xs[i] == x) {
        return i;
      }
    }
    return -1;
  }

  private PrequentialKramersMoyal follow(PrequentialKramersMoyal km, double lo, double hi) {
    Grid1D grid = km.grid();
    Grid1D next = follower.follow(grid, lo, hi);
    if (next == grid) {
      return km;
    }
    if (next.cells() > 4 * settings.bins()) {
      return new PrequentialKramersMoyal(Grids.around(lo, hi, settings.bins()), memories);
    }
    return km.regridded(next);
  }
}
