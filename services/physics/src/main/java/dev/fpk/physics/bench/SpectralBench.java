package dev.fpk.physics.bench;

import dev.fpk.physics.spectral.SingularValues;
import dev.fpk.physics.spectral.SpectralTracker;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The spectral view's cost, one JSON line per case (name {@code spectral}), on one thread (OpenBLAS
 * set to one thread; run with {@code OMP_NUM_THREADS=1}), matrices of i.i.d. N(0, 0.02^2) entries:
 *
 * <ul>
 *   <li>{@code eigenvalues}: {@link SingularValues#squared} of a {@code [rows, cols]} matrix by a
 *       route (the default only, or every route with the argument {@code routes});
 *   <li>{@code statistics}: {@link SpectralTracker#analyse} of ready spectra (Marchenko-Pastur fit,
 *       tail, spacings, temperature) of {@code replicas} matrices;
 *   <li>{@code observe}: both, as the pipeline runs them per snapshot (one 512 or 2048 matrix, 64
 *       replicas of 256).
 * </ul>
 *
 * Each line has the median wall time ({@code millis}) and the fastest ({@code minMillis}) of {@code
 * runs} timed calls after one untimed call (fewer runs for the slow cases: about 4 s of timed
 * calls, at least 3), the median CPU time of the calling thread ({@code cpuMillis}: with one
 * OpenBLAS thread the native work runs on it, so this is what the call costs a core of its own when
 * other processes share the machine) and the system load average. Not thread-safe.
 */
final class SpectralBench {
  private static final double SD = 0.02;
  private static final long BUDGET_NANOS = 4_000_000_000L;

  private double sink;

  private SpectralBench() {}

  static void run(PrintStream out, boolean allRoutes) {
    SingularValues.setBlasThreads(1);
    SpectralBench b = new SpectralBench();
    for (int n : new int[] {512, 1024, 2048}) {
      for (SingularValues.Route route : SingularValues.Route.values()) {
        if (allRoutes || route == SingularValues.Route.SYRK_SYEV) {
          b.eigenvalues(out, n, n, route);
        }
      }
    }
    b.eigenvalues(out, 256, 1024, SingularValues.Route.SYRK_SYEV);
    b.statistics(out, 1, 512, 512);
    b.statistics(out, 1, 2048, 2048);
    b.statistics(out, 64, 256, 256);
    b.observe(out, 1, 512);
    b.observe(out, 1, 2048);
    b.observe(out, 64, 256);
  }

  /** Command-line entry: only these cases; argument {@code routes} times every route. */
  public static void main(String[] args) {
    run(System.out, args.length > 0 && args[0].equals("routes"));
  }

  private void eigenvalues(PrintStream out, int rows, int cols, SingularValues.Route route) {
    float[] w = matrix(1, rows, cols);
    double[][] t = time(() -> sink += SingularValues.squared(w, 0, rows, cols, route)[0]);
    print(
        out,
        "eigenvalues",
        String.format(
            Locale.ROOT,
            "\"route\":\"%s\",\"replicas\":1,\"rows\":%d,\"cols\":%d",
            route,
            rows,
            cols),
        t);
  }

  private void statistics(PrintStream out, int replicas, int rows, int cols) {
    float[] w = matrix(replicas, rows, cols);
    double[][] spectra = new double[replicas][];
    for (int r = 0; r < replicas; r++) {
      spectra[r] = SingularValues.squared(w, r * rows * cols, rows, cols);
    }
    SpectralTracker tracker = new SpectralTracker();
    long[] step = {0};
    double[][] t =
        time(() -> sink += tracker.analyse(step[0]++, spectra, rows, cols, 0.01).mp().ks());
    print(
        out,
        "statistics",
        String.format(
            Locale.ROOT,
            "\"replicas\":%d,\"rows\":%d,\"cols\":%d,\"eigenvalues\":%d",
            replicas,
            rows,
            cols,
            replicas * Math.min(rows, cols)),
        t);
  }

  private void observe(PrintStream out, int replicas, int n) {
    float[] w = matrix(replicas, n, n);
    SpectralTracker tracker = new SpectralTracker();
    long[] step = {0};
    double[][] t =
        time(() -> sink += tracker.observe(step[0]++, w, replicas, n, n, 0.01).mp().ks());
    print(
        out,
        "observe",
        String.format(Locale.ROOT, "\"replicas\":%d,\"rows\":%d,\"cols\":%d", replicas, n, n),
        t);
  }

  private static float[] matrix(int replicas, int rows, int cols) {
    SplittableRandom rnd = new SplittableRandom(17);
    float[] w = new float[replicas * rows * cols];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (SD * rnd.nextGaussian());
    }
    return w;
  }

  /**
   * Wall and thread CPU times in milliseconds of the timed calls, after one untimed call, each
   * sorted: {@code [0]} wall, {@code [1]} CPU.
   */
  private static double[][] time(Runnable r) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long t0 = System.nanoTime();
    r.run();
    long first = Math.max(1, System.nanoTime() - t0);
    int runs = (int) Math.max(3, Math.min(15, BUDGET_NANOS / first));
    double[][] t = new double[2][runs];
    for (int i = 0; i < runs; i++) {
      long c = threads.getCurrentThreadCpuTime();
      long s = System.nanoTime();
      r.run();
      t[0][i] = (System.nanoTime() - s) / 1e6;
      t[1][i] = (threads.getCurrentThreadCpuTime() - c) / 1e6;
    }
    Arrays.sort(t[0]);
    Arrays.sort(t[1]);
    return t;
  }

  private static void print(PrintStream out, String kind, String fields, double[][] t) {
    int runs = t[0].length;
    out.println(
        String.format(
            Locale.ROOT,
            "{\"name\":\"spectral\",\"case\":\"%s\",%s,\"threads\":1,\"runs\":%d,\"millis\":%.2f,\"minMillis\":%.2f,\"cpuMillis\":%.2f,\"loadAverage\":%.2f}",
            kind,
            fields,
            runs,
            t[0][runs / 2],
            t[0][0],
            t[1][runs / 2],
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
  }
}
