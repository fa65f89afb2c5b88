package dev.fpk.analysis.stream;

import com.typesafe.config.Config;

/**
 * The spectral view's settings ({@code fpk.spectral}, documented in the analysis module's
 * reference.conf).
 *
 * @param everySteps one spectrum per (run, layer) and window of this many optimiser steps ({@code
 *     fpk.spectral.every-steps}), >= 1
 * @param backlogValues weight values the steps waiting for a spectrum may hold before older ones
 *     are skipped ({@code fpk.spectral.backlog-values}), >= 1
 * @param dispatcher config path of the Pekko dispatcher the spectra are computed on, apart from the
 *     stream and the entities ({@code fpk.spectral.dispatcher})
 * @param blasThreads threads of the process's OpenBLAS pool, set when the analysis stream starts
 *     ({@code fpk.spectral.blas-threads}), >= 0 (0 = OpenBLAS's own choice)
 */
public record SpectralSettings(
    int everySteps, long backlogValues, String dispatcher, int blasThreads) {
  /** Path of the dispatcher in reference.conf. */
  public static final String DISPATCHER = "fpk.spectral.dispatcher";

  public SpectralSettings {
    if (everySteps < 1) {
      throw new IllegalArgumentException(
          "fpk.spectral.every-steps = " + everySteps + ": must be >= 1");
    }
    if (backlogValues < 1) {
      throw new IllegalArgumentException(
          "fpk.spectral.backlog-values = " + backlogValues + ": must be >= 1");
    }
    if (blasThreads < 0) {
      throw new IllegalArgumentException(
          "fpk.spectral.blas-threads = " + blasThreads + ": must be >= 0 (0 = OpenBLAS's choice)");
    }
  }

  public static SpectralSettings fromConfig(Config root) {
    return new SpectralSettings(
        root.getInt("fpk.spectral.every-steps"),
        root.getLong("fpk.spectral.backlog-values"),
        DISPATCHER,
        root.getInt("fpk.spectral.blas-threads"));
  }
}
