package dev.fpk.dashboard.live;

import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.HorizonForecast;
import dev.fpk.protocol.v1.MarchenkoPasturFit;
import dev.fpk.protocol.v1.OutputComparison;
import dev.fpk.protocol.v1.SpectrumUpdate;

/** Output messages of an Ornstein-Uhlenbeck entry (mu = -0.5 w, D = 0.01) for tests. */
public final class Outputs {
  private Outputs() {}

  /**
   * A spectral update of a [4, 8] matrix of 2 replicas at {@code step}: 8 eigenvalues 0.1 .. 0.8,
   * alpha = 2 + step / 100, temperature NaN at step 0 (the first) and 1e-3 * step after.
   */
  public static SpectrumUpdate spectrum(String run, String layer, long step) {
    SpectrumUpdate.Builder b =
        SpectrumUpdate.newBuilder()
            .setRunId(run)
            .setLayer(layer)
            .setStep(step)
            .setMode("ensemble")
            .setReplicas(2)
            .addShape(4)
            .addShape(8)
            .setEigenvalueCount(8)
            .setMp(
                MarchenkoPasturFit.newBuilder()
                    .setSigma2(0.01)
                    .setRatio(0.5)
                    .setKs(0.125)
                    .setEdge(0.55))
            .setSpikes(1.5)
            .setAlpha(2 + step / 100.0)
            .setAlphaXmin(0.4)
            .setAlphaKs(0.2)
            .setAlphaTail(5)
            .setSpacingKs(0.25)
            .setPoissonKs(0.5)
            .setSpacings(6)
            .setTemperature(step == 0 ? Double.NaN : 1e-3 * step);
    for (int i = 1; i <= 8; i++) {
      b.addEigenvalues(0.1f * i);
    }
    return b.build();
  }

  public static DriftDiffusionEstimate estimate(String run, String layer, long step, int entries) {
    DriftDiffusionEstimate.Builder b =
        DriftDiffusionEstimate.newBuilder()
            .setRunId(run)
            .setLayer(layer)
            .setStep(step)
            .setMode("ensemble");
    for (int e = 0; e < entries; e++) {
      EntryEstimate.Builder entry =
          EntryEstimate.newBuilder()
              .addIndex(0)
              .addIndex(e)
              .setDriftSlope(-0.5)
              .setDriftSlopeStderr(0.05)
              .setDriftIntercept(0.0)
              .setDiffusionMean(0.01)
              .setDiffusionMeanStderr(0.001)
              .setPawulaRatio(3.0)
              .setMemoryHalfLifeSteps(40)
              .setDriftTimeTerm(true)
              .setMemoryChosenOnline(true);
      for (int i = 0; i < 9; i++) {
        double w = -1 + 0.25 * i;
        entry
            .addGrid(w)
            .addDrift(-0.5 * w)
            .addDriftStderr(0.02)
            .addDiffusion(0.01)
            .addDiffusionStderr(0.001)
            .addCount(50);
      }
      b.addEntries(entry);
    }
    return b.build();
  }

  public static DensityUpdate density(String run, String layer, long step, int entries) {
    DensityUpdate.Builder b =
        DensityUpdate.newBuilder().setRunId(run).setLayer(layer).setStep(step);
    for (int e = 0; e < entries; e++) {
      EntryDensity.Builder d = EntryDensity.newBuilder().addIndex(0).addIndex(e);
      int cells = 20;
      double lo = -1;
      double h = 0.1;
      for (int i = 0; i <= cells; i++) {
        d.addEdges(lo + i * h);
      }
      double sigma2 = 0.02; // D / |slope|
      for (int i = 0; i < cells; i++) {
        double w = lo + (i + 0.5) * h;
        double p = Math.exp(-w * w / (2 * sigma2)) / Math.sqrt(2 * Math.PI * sigma2);
        d.addTheory(p).addEmpirical(p * (1 + 0.1 * Math.sin(i)));
      }
      b.addEntries(d);
    }
    return b.build();
  }

  public static AlignmentUpdate alignment(
      String run, String layer, long step, int entries, long sourceMillis) {
    AlignmentUpdate.Builder b =
        AlignmentUpdate.newBuilder()
            .setRunId(run)
            .setLayer(layer)
            .setStep(step)
            .setSamples(16)
            .setReplicas(16)
            .setSourceTimeUnixMillis(sourceMillis);
    for (int e = 0; e < entries; e++) {
      b.addEntries(
          EntryAlignment.newBuilder()
              .addIndex(0)
              .addIndex(e)
              .setW1(0.01 * step)
              .setJs(0.001)
              .setHellinger(0.02)
              .setMeanError(0.001)
              .setVarianceError(0.0001)
              .setSamplingFloorW1(0.005)
              .setBootstrapFloorW1(0.007)
              .setPValue(0.3)
              .addForecasts(
                  HorizonForecast.newBuilder()
                      .setHorizon(5)
                      .setIssuedStep(step - 5)
                      .setW1(0.01)
                      .setStaticW1(0.03)
                      .setGaussianW1(0.02)));
    }
    // outputs y = W h in output units: theory twice the floor
    b.addOutputs(
        OutputComparison.newBuilder()
            .setModel("entrywise")
            .setProbes(8)
            .setTheorySamples(16)
            .setSlicedW1(0.02)
            .setEnergy(0.004)
            .setSlicedW1Floor(0.01)
            .setEnergyFloor(0.002));
    return b.build();
  }
}
