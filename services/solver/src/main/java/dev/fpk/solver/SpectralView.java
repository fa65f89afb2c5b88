package dev.fpk.solver;

import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.Mode;
import dev.fpk.physics.spectral.SpectralTracker;
import dev.fpk.physics.spectral.Spectrum;
import dev.fpk.protocol.v1.MarchenkoPasturFit;
import dev.fpk.protocol.v1.SpectrumUpdate;
import java.util.Optional;

/**
 * The spectral view of one (run, layer) (issue 16): from the layer's successive {@link
 * EnsembleStep}s, one {@link SpectrumUpdate} per window of {@code everySteps} optimiser steps (at
 * the first step seen in each window), computed by {@link SpectralTracker}: the eigenvalues of
 * {@code W W^T} of every replica, pooled, their Marchenko-Pastur fit and spikes, power-law tail,
 * level spacings, and the Dyson temperature since the previous update (so over {@code everySteps}
 * steps or more, normalised per step and by the step's learning rate).
 *
 * <p>The matrix of a layer of shape {@code [rows, d1, d2, ...]} is {@code [rows, d1 * d2 * ...]} (a
 * convolution kernel as its output channels against everything else); a 1-D layer (a bias) has no
 * spectrum and gets no update. In both modes ({@link Mode#of}: ensemble for several replicas,
 * pooled for one) the replicas' spectra are pooled. At most {@link #MAX_EIGENVALUES} eigenvalues go
 * on the wire (evenly spaced order statistics of the pooled ones beyond that); the statistics use
 * them all.
 *
 * <p>Cost per update: one eigenvalue problem of size {@code min(rows, cols)} per replica and the
 * fits ({@code bench physics}, entry {@code spectral}), on the calling thread. Steps that do not
 * advance (a duplicate, a step older than the last) are ignored. Not thread-safe: one instance per
 * (run, layer), fed in step order.
 */
public final class SpectralView {
  /**
   * Most eigenvalues one update carries (256 KB of floats, well under Kafka's 1 MB record limit).
   */
  public static final int MAX_EIGENVALUES = 65_536;

  private final int everySteps;
  private final SpectralTracker tracker = new SpectralTracker();
  private long lastStep = -1;

  /**
   * @param everySteps one update per window of this many optimiser steps, >= 1
   * @throws IllegalArgumentException naming the bad value
   */
  public SpectralView(int everySteps) {
    if (everySteps < 1) {
      throw new IllegalArgumentException(
          "fpk.spectral.every-steps must be >= 1, got " + everySteps);
    }
    this.everySteps = everySteps;
  }

  /**
   * The update of this step if it opens a new window (and the layer is a matrix); empty otherwise.
   */
  public Optional<SpectrumUpdate> observe(EnsembleStep step) {
    long previous = lastStep;
    if (step.step() <= previous) {
      return Optional.empty();
    }
    lastStep = step.step();
    if (!StepWindows.opens(previous, step.step(), everySteps) || step.shape().length < 2) {
      return Optional.empty();
    }
    int rows = step.shape()[0];
    int cols = step.entries() / rows;
    Spectrum s =
        tracker.observe(step.step(), step.values(), step.size(), rows, cols, step.learningRate());
    return Optional.of(toMessage(step, rows, cols, s));
  }

  private static SpectrumUpdate toMessage(EnsembleStep step, int rows, int cols, Spectrum s) {
    SpectrumUpdate.Builder b =
        SpectrumUpdate.newBuilder()
            .setRunId(step.runId())
            .setLayer(step.layer())
            .setStep(step.step())
            .setMode(Mode.of(step).wireName())
            .setReplicas(s.replicas())
            .addShape(rows)
            .addShape(cols)
            .setEigenvalueCount(s.eigenvalues().length)
            .setMp(
                MarchenkoPasturFit.newBuilder()
                    .setSigma2(s.mp().sigma2())
                    .setRatio(s.mp().ratio())
                    .setKs(s.mp().ks())
                    .setEdge(s.mp().edge()))
            .setSpikes(s.spikes())
            .setAlpha(s.tail().alpha())
            .setAlphaXmin(s.tail().xmin())
            .setAlphaKs(s.tail().ks())
            .setAlphaTail(s.tail().size())
            .setSpacingKs(s.spacings().wignerKs())
            .setPoissonKs(s.spacings().poissonKs())
            .setSpacings(s.spacings().count())
            .setTemperature(s.temperature())
            .setLearningRate(step.learningRate())
            .setBatchSize(step.batchSize())
            .setSourceTimeUnixMillis(step.sourceTimeMillis());
    for (float x : orderStatistics(s.eigenvalues(), MAX_EIGENVALUES)) {
      b.addEigenvalues(x);
    }
    return b.build();
  }

  /**
   * All of an ascending sample when it has at most {@code max} values (max >= 2), else {@code max}
   * evenly spaced order statistics of it, from the smallest to the largest.
   */
  static float[] orderStatistics(double[] sorted, int max) {
    int n = sorted.length;
    int kept = Math.min(n, max);
    float[] out = new float[kept];
    for (int i = 0; i < kept; i++) {
      int at = kept == n ? i : (int) Math.round((double) i * (n - 1) / (kept - 1));
      out[i] = (float) sorted[at];
    }
    return out;
  }
}
