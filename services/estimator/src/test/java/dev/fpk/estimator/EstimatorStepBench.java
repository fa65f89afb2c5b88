package dev.fpk.estimator;

import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Cost of one estimator step on the calling thread, as the estimator entity spends it: the 64
 * snapshots of a step offered to the {@link StepAssembler} (in a shuffled replica order), the
 * {@link EnsembleEstimator#update} of the completed step, and the estimate's encoding for the
 * estimates topic. Each replica's 16x16 entries follow independent OU processes. Prints one JSON
 * line: microseconds per step for each part, of the fastest of the measured blocks of steps (the
 * machine is shared: others only slow a block down), the mean thread CPU time per step of
 * assembling and updating (which time slices lost to other processes do not inflate; measuring
 * costs ~1 us), and bytes allocated per step (the mean).
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * mvn -q -o -pl services/estimator test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * java -cp services/estimator/target/test-classes:services/estimator/target/classes:$(cat services/estimator/target/test-classpath.txt) \
 *     dev.fpk.estimator.EstimatorStepBench [replicas] [rows] [cols] [warmupSteps] [blocks] [stepsPerBlock] [halfLife]
 * </pre>
 *
 * {@code halfLife}: "adaptive" (the default, as the estimators run by default) or a number of
 * steps.
 */
public final class EstimatorStepBench {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private EstimatorStepBench() {}

  public static void main(String[] args) {
    int replicas = arg(args, 0, 64);
    int rows = arg(args, 1, 16);
    int cols = arg(args, 2, 16);
    int warmup = arg(args, 3, 3000);
    int blocks = arg(args, 4, 10);
    int blockSteps = arg(args, 5, 300);
    HalfLife halfLife =
        args.length > 6 && !args[6].equals("adaptive")
            ? HalfLife.fixed(Double.parseDouble(args[6]))
            : HalfLife.ADAPTIVE;
    EstimatorSettings settings = new EstimatorSettings(32, halfLife, 20, 30_000, 256);
    Feed feed = new Feed(replicas, rows * cols, 7);
    StepAssembler assembler =
        new StepAssembler(settings.replicaTimeoutMillis(), settings.maxPendingSteps());
    EnsembleEstimator estimator = new EnsembleEstimator(settings);
    // per block: nanoseconds and bytes of the three parts, and the encoded estimate's size
    long[][] nanos = new long[blocks][3];
    long[][] bytes = new long[blocks][3];
    long encoded = 0;
    // thread CPU time of assembling and updating, over all measured steps: what contention does not
    // inflate
    long[] cpu = new long[2];
    for (int step = 0; step < warmup + blocks * blockSteps; step++) {
      int block = step < warmup ? -1 : (step - warmup) / blockSteps;
      WeightSnapshot[] snapshots = feed.next(step, rows, cols);
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      long a0 = THREADS.getCurrentThreadAllocatedBytes();
      List<EnsembleStep> done = List.of();
      for (WeightSnapshot s : snapshots) {
        StepAssembler.Offer offer = assembler.offer(s, step);
        if (!offer.completed().isEmpty()) {
          done = offer.completed();
        }
      }
      long t1 = System.nanoTime();
      long a1 = THREADS.getCurrentThreadAllocatedBytes();
      long c1 = THREADS.getCurrentThreadCpuTime();
      DriftDiffusionEstimate estimate = estimator.update(done.get(0));
      long c2 = THREADS.getCurrentThreadCpuTime();
      long t2 = System.nanoTime();
      long a2 = THREADS.getCurrentThreadAllocatedBytes();
      int size = estimate.toByteArray().length;
      long t3 = System.nanoTime();
      long a3 = THREADS.getCurrentThreadAllocatedBytes();
      if (block >= 0) {
        long[] t = {t1 - t0, t2 - t1, t3 - t2};
        long[] a = {a1 - a0, a2 - a1, a3 - a2};
        for (int i = 0; i < 3; i++) {
          nanos[block][i] += t[i];
          bytes[block][i] += a[i];
        }
        encoded += size;
        cpu[0] += c1 - c0;
        cpu[1] += c2 - c1;
      }
    }
    int steps = blocks * blockSteps;
    System.out.printf(
        Locale.ROOT,
        "{\"halfLife\":\"%s\",\"replicas\":%d,\"entries\":%d,\"steps\":%d,\"assembleMicros\":%.1f,\"updateMicros\":%.1f,"
            + "\"encodeMicros\":%.1f,\"assembleBytes\":%d,\"updateBytes\":%d,\"encodeBytes\":%d,"
            + "\"estimateBytes\":%d,\"microsPerEntryStep\":%.3f,\"bytesPerValue\":%.1f,"
            + "\"assembleCpuMicros\":%.1f,\"updateCpuMicros\":%.1f}%n",
        halfLife,
        replicas,
        rows * cols,
        steps,
        best(nanos, 0) / 1e3 / blockSteps,
        best(nanos, 1) / 1e3 / blockSteps,
        best(nanos, 2) / 1e3 / blockSteps,
        total(bytes, 0) / steps,
        total(bytes, 1) / steps,
        total(bytes, 2) / steps,
        encoded / steps,
        (best(nanos, 0) + best(nanos, 1)) / 1e3 / blockSteps / (rows * cols),
        (double) (total(bytes, 0) + total(bytes, 1)) / steps / ((long) replicas * rows * cols),
        cpu[0] / 1e3 / steps,
        cpu[1] / 1e3 / steps);
  }

  /**
   * The fastest block's figure of part i: other processes on the machine only ever slow a block
   * down.
   */
  private static long best(long[][] perBlock, int i) {
    long min = Long.MAX_VALUE;
    for (long[] b : perBlock) {
      min = Math.min(min, b[i]);
    }
    return min;
  }

  private static long total(long[][] perBlock, int i) {
    long sum = 0;
    for (long[] b : perBlock) {
      sum += b[i];
    }
    return sum;
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }

  /** Independent OU weights per replica and entry, as snapshots in a shuffled replica order. */
  private static final class Feed {
    private final double[][] w;
    private final SplittableRandom random;

    Feed(int replicas, int entries, long seed) {
      random = new SplittableRandom(seed);
      w = new double[replicas][entries];
      for (double[] r : w) {
        for (int e = 0; e < entries; e++) {
          r[e] = 0.1 * Math.sin(e) + 0.01 * gaussian();
        }
      }
    }

    WeightSnapshot[] next(long step, int rows, int cols) {
      WeightSnapshot[] out = new WeightSnapshot[w.length];
      for (int k = 0; k < w.length; k++) {
        WeightSnapshot.Builder b =
            WeightSnapshot.newBuilder()
                .setRunId("bench")
                .setLayer("l")
                .setReplica(k)
                .setStep(step)
                .addShape(rows)
                .addShape(cols)
                .setEnsembleSize(w.length)
                .setLearningRate(0.01)
                .setBatchSize(32)
                .setTimeUnixMillis(step);
        for (int e = 0; e < w[k].length; e++) {
          double a = 0.1 * Math.sin(e);
          w[k][e] += -0.02 * (w[k][e] - a) + 1e-3 * gaussian();
          b.addValues((float) w[k][e]);
        }
        out[k] = b.build();
      }
      for (int i = out.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        WeightSnapshot t = out[i];
        out[i] = out[j];
        out[j] = t;
      }
      return out;
    }

    private double gaussian() {
      return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
          * Math.cos(2 * Math.PI * random.nextDouble());
    }
  }
}
