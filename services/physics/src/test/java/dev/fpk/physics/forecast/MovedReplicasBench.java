package dev.fpk.physics.forecast;

import dev.fpk.physics.density.Gaussians;
import dev.fpk.physics.grid.Grid1D;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Thread CPU time of the moved replicas behind one forecast of the live solver (horizon 10 steps,
 * {@code forecast-floor-draws} copies: 2, the live default, unless given; 64 replicas, a 128-cell
 * grid placed like the solver's; with {@code own}, each replica with its own drift as the live
 * solver's ensembles have them, {@link ReplicaVelocities}), as {@link ForecastTracker#issue} spends
 * it: {@link MovedReplicas#of} (the Euler moves and the sorts of the copies), the particle
 * forecast's pool ({@link MovedReplicas#forecast}) and the conditional floor ({@link
 * MovedReplicas#floorOf}). The entries are the e2e benchmark's: Ornstein-Uhlenbeck with {@code D =
 * 1e-4} per step and rates 0.01-0.1 per step, so the moves run at the cap of 10 Euler steps, as
 * there. Prints one JSON line: microseconds of thread CPU per forecast of each part (the mean over
 * all measured forecasts; time slices lost to other processes do not count), the fastest block's
 * wall time beside it.
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * mvn -q -o -pl services/physics test-compile
 * java -cp services/physics/target/test-classes:services/physics/target/classes \
 *     dev.fpk.physics.forecast.MovedReplicasBench [blocks] [forecastsPerEntry] [draws] [own]
 * </pre>
 */
public final class MovedReplicasBench {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final int ENTRIES = 256;
  private static final int REPLICAS = 64;
  private static final int CELLS = 128;
  private static final int HORIZON = 10;
  private static final double D = 1e-4;

  private MovedReplicasBench() {}

  public static void main(String[] args) {
    int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    int perEntry = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int draws = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    boolean own = args.length > 3 && args[3].equals("own");
    Grid1D[] grids = new Grid1D[ENTRIES];
    double[][] samples = new double[ENTRIES][REPLICAS];
    double[][] drift = new double[ENTRIES][CELLS];
    double[][] diffusion = new double[ENTRIES][CELLS];
    double[][] density = new double[ENTRIES][];
    double[][] ownDrift = new double[ENTRIES][];
    SplittableRandom rnd = new SplittableRandom(5);
    for (int e = 0; e < ENTRIES; e++) {
      double k = 0.01 + 0.09 * e / (ENTRIES - 1);
      double sd = Math.sqrt(D / k);
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int r = 0; r < REPLICAS; r++) {
        samples[e][r] = sd * rnd.nextGaussian();
        min = Math.min(min, samples[e][r]);
        max = Math.max(max, samples[e][r]);
      }
      grids[e] = Grid1D.of(2 * min - max, 2 * max - min, CELLS);
      for (int c = 0; c < CELLS; c++) {
        drift[e][c] = -k * grids[e].centre(c);
        diffusion[e][c] = D;
      }
      density[e] = Gaussians.cellAverages(grids[e], 0, sd, true);
      if (own) {
        ownDrift[e] = new double[REPLICAS];
        for (int r = 0; r < REPLICAS; r++) {
          ownDrift[e][r] = 0.1 * k * sd * rnd.nextGaussian(); // a tenth of the field's pull
        }
      }
    }
    long[] cpu = new long[3];
    long bestWall = Long.MAX_VALUE;
    long forecasts = 0;
    int substeps = 0;
    double sink = 0;
    for (int block = -3; block < blocks; block++) { // three blocks of warm-up
      long[] c = new long[3];
      long w0 = System.nanoTime();
      for (int i = 0; i < perEntry; i++) {
        for (int e = 0; e < ENTRIES; e++) {
          Grid1D g = grids[e];
          long c0 = THREADS.getCurrentThreadCpuTime();
          MovedReplicas moved =
              MovedReplicas.of(
                  g,
                  drift[e],
                  diffusion[e],
                  samples[e],
                  ownDrift[e],
                  0,
                  HORIZON,
                  1,
                  draws,
                  new SplittableRandom(e * 31L + i));
          long c1 = THREADS.getCurrentThreadCpuTime();
          ParticleForecast p = moved.forecast();
          long c2 = THREADS.getCurrentThreadCpuTime();
          sink += moved.floorOf(g, density[e]) + p.floor();
          long c3 = THREADS.getCurrentThreadCpuTime();
          c[0] += c1 - c0;
          c[1] += c2 - c1;
          c[2] += c3 - c2;
        }
      }
      long wall = System.nanoTime() - w0;
      if (block >= 0) {
        for (int k = 0; k < 3; k++) {
          cpu[k] += c[k];
        }
        forecasts += (long) perEntry * ENTRIES;
        bestWall = Math.min(bestWall, wall);
      }
    }
    substeps = MovedReplicas.substeps(grids[128], drift[128], diffusion[128], HORIZON, 1);
    System.out.printf(
        Locale.ROOT,
        "{\"replicas\":%d,\"draws\":%d,\"ownDrifts\":%b,\"horizon\":%d,\"eulerStepsOfEntry128\":%d,\"forecasts\":%d,"
            + "\"movedCpuMicros\":%.2f,\"poolCpuMicros\":%.2f,\"floorCpuMicros\":%.2f,"
            + "\"bestBlockWallMicrosPerForecast\":%.2f,\"sink\":%.3f}%n",
        REPLICAS,
        draws,
        own,
        HORIZON,
        substeps,
        forecasts,
        cpu[0] / 1e3 / forecasts,
        cpu[1] / 1e3 / forecasts,
        cpu[2] / 1e3 / forecasts,
        bestWall / 1e3 / ((long) perEntry * ENTRIES),
        sink);
  }
}
