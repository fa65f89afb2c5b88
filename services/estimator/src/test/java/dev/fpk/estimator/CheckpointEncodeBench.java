package dev.fpk.estimator;

import com.typesafe.config.ConfigFactory;
import dev.fpk.estimator.checkpoint.CheckpointChunks;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
import dev.fpk.estimator.checkpoint.StateEncoder;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What a checkpoint barrier costs for one large estimator state: the estimator of a rows x cols
 * ensemble layer (the default, adaptive settings of reference.conf) after some steps of OU
 * increments, encoded as the estimator entity does on its actor thread ({@link
 * EnsembleEstimator#writeTo}), then joined with an empty solver part and cut into the checkpoint
 * topic's records as the stream does ({@link EntityCheckpoint#encode}, {@link
 * CheckpointChunks#write}), each the way it was done before {@link StateEncoder} and {@link
 * EntityCheckpoint#segments} and the way it is done now. Prints one JSON line: the state's bytes,
 * and per part the thread CPU time of the fastest of the repetitions (the machine is shared: others
 * only slow a repetition down; thread CPU time is what time slices lost to other processes do not
 * inflate) and bytes allocated.
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * mvn -q -o -pl services/estimator test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * java -cp services/estimator/target/test-classes:services/estimator/target/classes:$(cat services/estimator/target/test-classpath.txt) \
 *     dev.fpk.estimator.CheckpointEncodeBench [replicas] [rows] [cols] [steps] [repetitions]
 * </pre>
 */
public final class CheckpointEncodeBench {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private CheckpointEncodeBench() {}

  public static void main(String[] args) throws IOException {
    int replicas = arg(args, 0, 16);
    int rows = arg(args, 1, 64);
    int cols = arg(args, 2, 64);
    int steps = arg(args, 3, 20);
    int repetitions = arg(args, 4, 7);
    EstimatorSettings settings = EstimatorSettings.fromConfig(ConfigFactory.load());
    EnsembleEstimator estimator = new EnsembleEstimator(settings);
    int entries = rows * cols;
    int[] ids = new int[replicas];
    for (int r = 0; r < replicas; r++) {
      ids[r] = r;
    }
    SplittableRandom random = new SplittableRandom(7);
    float[] w = new float[replicas * entries];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (0.05 * random.nextGaussian());
    }
    for (int step = 0; step <= steps; step++) {
      estimator.update(
          new EnsembleStep("r", "w", step, new int[] {rows, cols}, ids, w.clone(), 0.1, 32, step));
      for (int i = 0; i < w.length; i++) {
        w[i] += (float) (-0.03 * w[i] + 0.014 * random.nextGaussian());
      }
    }
    // before: the entity's growing stream, the stream's joined record cut into chunks;
    // after: StateEncoder, and chunks cut from the parts
    long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
    long[] allocated = new long[4];
    StateEncoder encoder = new StateEncoder();
    encoder.encode(estimator::writeTo); // sizes it, as the entity's first checkpoint does
    int size = 0;
    int records = 0;
    for (int rep = 0; rep < repetitions; rep++) {
      long[] c = new long[5];
      long[] a = new long[5];
      mark(c, a, 0);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        estimator.writeTo(out);
      }
      byte[] state = bytes.toByteArray();
      mark(c, a, 1);
      byte[] joined = joinedAsBefore(state, new byte[0]);
      records = CheckpointChunks.write("g|r/w", rep, joined, 768 << 10).size();
      mark(c, a, 2);
      byte[] encoded = encoder.encode(estimator::writeTo);
      mark(c, a, 3);
      CheckpointChunks.write("g|r/w", rep, new EntityCheckpoint(encoded, new byte[0]), 768 << 10);
      mark(c, a, 4);
      for (int i = 0; i < 4; i++) {
        best[i] = Math.min(best[i], c[i + 1] - c[i]);
        allocated[i] = a[i + 1] - a[i];
      }
      size = state.length;
    }
    System.out.printf(
        Locale.ROOT,
        "{\"replicas\":%d,\"shape\":\"%dx%d\",\"stateBytes\":%d,\"records\":%d,"
            + "\"before\":{\"entityCpuMs\":%.1f,\"entityAllocatedMB\":%.1f,"
            + "\"streamCpuMs\":%.1f,\"streamAllocatedMB\":%.1f},"
            + "\"after\":{\"entityCpuMs\":%.1f,\"entityAllocatedMB\":%.1f,"
            + "\"streamCpuMs\":%.1f,\"streamAllocatedMB\":%.1f}}%n",
        replicas,
        rows,
        cols,
        size,
        records,
        best[0] / 1e6,
        allocated[0] / 1e6,
        best[1] / 1e6,
        allocated[1] / 1e6,
        best[2] / 1e6,
        allocated[2] / 1e6,
        best[3] / 1e6,
        allocated[3] / 1e6);
  }

  private static void mark(long[] cpu, long[] allocated, int i) {
    cpu[i] = THREADS.getCurrentThreadCpuTime();
    allocated[i] = THREADS.getCurrentThreadAllocatedBytes();
  }

  /** The checkpoint record as the stream joined it before: a stream, then its array copied. */
  private static byte[] joinedAsBefore(byte[] estimator, byte[] solver) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + estimator.length + solver.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(1);
      out.writeInt(estimator.length);
      out.write(estimator);
      out.writeInt(solver.length);
      out.write(solver);
    }
    return bytes.toByteArray();
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }
}
