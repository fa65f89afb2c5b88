package dev.fpk.estimator;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.physics.grid.GridFollower;
import dev.fpk.physics.km.BinnedKramersMoyal;
import dev.fpk.physics.km.KramersMoyalEstimate;
import dev.fpk.physics.km.OuFit;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.HashMap;
import java.util.Map;

/**
 * The test oracle for {@link EnsembleEstimator}: its update and estimate as they were before they
 * were made fast (commit 68ad565), written the plain way: a map from replica id to position, the
 * samples copied per variable, the estimate's fields appended value by value from {@link
 * BinnedKramersMoyal#result()}. The fast estimator must give the same messages, bit for bit.
 */
final class ReferenceEnsembleEstimator {
  private final EstimatorSettings settings;
  private final GridFollower follower = Grids.follower(Integer.MAX_VALUE);
  private Mode mode;
  private BinnedKramersMoyal[] variables;
  private EnsembleStep previous;

  ReferenceEnsembleEstimator(EstimatorSettings settings) {
    this.settings = settings;
  }

  DriftDiffusionEstimate update(EnsembleStep step) {
    if (variables == null) {
      mode = Mode.of(step);
      variables = new BinnedKramersMoyal[mode.variables(step)];
      for (int v = 0; v < variables.length; v++) {
        variables[v] =
            new BinnedKramersMoyal(
                Grids.around(mode.samples(step, v), settings.bins()), settings.halfLife().steps());
      }
    } else {
      addIncrements(step);
    }
    previous = step;
    return estimate(step);
  }

  private void addIncrements(EnsembleStep step) {
    double dt = step.step() - previous.step();
    Map<Integer, Integer> before = new HashMap<>();
    for (int k = 0; k < previous.replicas().length; k++) {
      before.put(previous.replicas()[k], k);
    }
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
      return new BinnedKramersMoyal(
          Grids.around(samples, settings.bins()), settings.halfLife().steps());
    }
    return km.regridded(next);
  }

  private DriftDiffusionEstimate estimate(EnsembleStep step) {
    DriftDiffusionEstimate.Builder out =
        DriftDiffusionEstimate.newBuilder()
            .setRunId(step.runId())
            .setLayer(step.layer())
            .setStep(step.step())
            .setMode(mode.wireName())
            .setWatchedEntries("all") // the reference watches every entry
            .addAllShape(java.util.Arrays.stream(step.shape()).boxed().toList());
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
    double[] driftStdErr = km.driftStdErr();
    double[] diffusionStdErr = km.diffusionStdErr();
    double[] counts = km.counts();
    for (int i = 0; i < centres.length; i++) {
      b.addGrid(centres[i])
          .addDrift(drift[i])
          .addDiffusion(diffusion[i])
          .addDriftStderr(driftStdErr[i])
          .addDiffusionStderr(diffusionStdErr[i])
          .addCount(counts[i]);
    }
    OuFit fit = km.ouFit();
    return b.setDriftSlope(fit.slope())
        .setDriftIntercept(fit.intercept())
        .setDiffusionMean(fit.diffusion())
        .setPawulaRatio(km.pawulaRatio())
        .setDriftSlopeStderr(fit.slopeStdErr())
        .setDiffusionMeanStderr(fit.diffusionStdErr())
        .setMemoryHalfLifeSteps(settings.halfLife().steps())
        .build();
  }
}
