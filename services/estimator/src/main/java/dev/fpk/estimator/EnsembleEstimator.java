package dev.fpk.estimator;

import dev.fpk.estimator.checkpoint.StateIo;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.grid.GridFollower;
import dev.fpk.physics.km.BinnedKramersMoyal;
import dev.fpk.physics.km.KramersMoyalEstimate;
import dev.fpk.physics.km.OuFit;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Running drift and diffusion of one (run, layer) (PHYSICS.md §2), per entry across replicas in
 * ensemble mode, or one for all entries pooled when the run has a single replica ({@link Mode}).
 *
 * <p>Between consecutive complete steps {@code t} and {@code t + dt}, each replica present at
 * both contributes, for every entry, the increment {@code dW = W(t+dt) - W(t)} at
 * {@code w = W(t)} to its variable's binned Kramers-Moyal estimator: drift {@code mu(w) = E[dW | w] / dt} (weight units per step),
 * diffusion {@code D(w) = Var[dW | w] / (2 dt)} (weight units^2 per step, dW = mu dt + sqrt(2D) dB).
 * The bins follow the weights ({@link Grids}); if they would grow past four times their
 * configured number, the entry starts afresh on a new grid (its history is forgotten, on
 * purpose: the landscape has moved far).
 *
 * <p>Not thread-safe: one instance belongs to one estimator entity. {@link #writeTo} /
 * {@link #readFrom} snapshot and restore it bit for bit (checkpoints).
 */
public final class EnsembleEstimator {
  private final EstimatorSettings settings;
  // no coarsening cap here: an estimator that outgrows 4x its bins starts afresh instead
  private final GridFollower follower = Grids.follower(Integer.MAX_VALUE);
  private Mode mode;
  private BinnedKramersMoyal[] variables;
  private EnsembleStep previous;

  public EnsembleEstimator(EstimatorSettings settings) {
    this.settings = settings;
  }

  /** Adds the increments that lead to {@code step} and returns the estimate as of {@code step}. */
  public DriftDiffusionEstimate update(EnsembleStep step) {
    if (variables == null) {
      mode = Mode.of(step);
      variables = new BinnedKramersMoyal[mode.variables(step)];
      for (int v = 0; v < variables.length; v++) {
        variables[v] = new BinnedKramersMoyal(Grids.around(mode.samples(step, v), settings.bins()), settings.halfLifeSteps());
      }
    } else {
      addIncrements(step);
    }
    previous = step;
    return estimate(step);
  }

  /** Entries held by the previous step (the bulk of a checkpoint besides the bins, 4 bytes each). */
  public long heldValues() {
    return previous == null ? 0 : previous.values().length;
  }

  /** Writes the state: mode, every variable's grid and sums, the previous step. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(mode == null ? -1 : mode.ordinal());
    out.writeInt(variables == null ? -1 : variables.length);
    if (variables != null) {
      for (BinnedKramersMoyal km : variables) {
        StateIo.writeGrid(out, km.grid());
        out.writeLong(km.count());
        StateIo.writeDoubles(out, km.state());
      }
    }
    StateIo.writeStep(out, previous);
  }

  /** The estimator {@link #writeTo} wrote, with these settings. */
  public static EnsembleEstimator readFrom(DataInput in, EstimatorSettings settings) throws IOException {
    EnsembleEstimator e = new EnsembleEstimator(settings);
    int mode = in.readInt();
    e.mode = mode < 0 ? null : Mode.values()[mode];
    int n = in.readInt();
    if (n >= 0) {
      e.variables = new BinnedKramersMoyal[n];
      for (int v = 0; v < n; v++) {
        Grid1D grid = StateIo.readGrid(in);
        long count = in.readLong();
        e.variables[v] = BinnedKramersMoyal.restore(grid, settings.halfLifeSteps(), count, StateIo.readDoubles(in));
      }
    }
    e.previous = StateIo.readStep(in);
    return e;
  }

  private void addIncrements(EnsembleStep step) {
    double dt = step.step() - previous.step();
    Map<Integer, Integer> before = positions(previous.replicas());
    for (int v = 0; v < variables.length; v++) {
      variables[v] = follow(variables[v], mode.samples(step, v));
      variables[v].decay(dt);
    }
    int n = step.entries();
    for (int k = 0; k < step.size(); k++) {
      Integer p = before.get(step.replicas()[k]);
      if (p == null) {
        continue;
      }
      for (int e = 0; e < n; e++) {
        double w = previous.value(p, e);
        variables[mode.variableOf(e)].increment(w, step.value(k, e) - w, dt);
      }
    }
  }

  private BinnedKramersMoyal follow(BinnedKramersMoyal km, double[] samples) {
    Grid1D grid = km.grid();
    Grid1D next = Grids.following(follower, grid, samples);
    if (next == grid) {
      return km;
    }
    if (next.cells() > 4 * settings.bins()) {
      return new BinnedKramersMoyal(Grids.around(samples, settings.bins()), settings.halfLifeSteps());
    }
    return km.regridded(next);
  }

  private DriftDiffusionEstimate estimate(EnsembleStep step) {
    DriftDiffusionEstimate.Builder out = DriftDiffusionEstimate.newBuilder()
        .setRunId(step.runId()).setLayer(step.layer()).setStep(step.step()).setMode(mode.wireName());
    for (int v = 0; v < variables.length; v++) {
      out.addEntries(entry(mode.index(step, v), variables[v].result()));
    }
    return out.build();
  }

  private EntryEstimate entry(int[] index, KramersMoyalEstimate km) {
    EntryEstimate.Builder b = EntryEstimate.newBuilder();
    for (int i : index) {
      b.addIndex(i);
    }
    double[] centres = km.grid().centres();
    double[] drift = km.smoothedDrift(settings.minBinCount());
    double[] diffusion = km.smoothedDiffusion(settings.minBinCount());
    // each accessor returns a fresh copy: take them once, not once per bin
    double[] driftStdErr = km.driftStdErr();
    double[] diffusionStdErr = km.diffusionStdErr();
    double[] counts = km.counts();
    for (int i = 0; i < centres.length; i++) {
      b.addGrid(centres[i]).addDrift(drift[i]).addDiffusion(diffusion[i])
          .addDriftStderr(driftStdErr[i]).addDiffusionStderr(diffusionStdErr[i])
          .addCount(counts[i]);
    }
    OuFit fit = km.ouFit();
    return b.setDriftSlope(fit.slope()).setDriftIntercept(fit.intercept())
        .setDiffusionMean(fit.diffusion()).setPawulaRatio(km.pawulaRatio())
        .setDriftSlopeStderr(fit.slopeStdErr()).setDiffusionMeanStderr(fit.diffusionStdErr()).build();
  }

  private static Map<Integer, Integer> positions(int[] replicas) {
    Map<Integer, Integer> m = new HashMap<>();
    for (int k = 0; k < replicas.length; k++) {
      m.put(replicas[k], k);
    }
    return m;
  }
}
