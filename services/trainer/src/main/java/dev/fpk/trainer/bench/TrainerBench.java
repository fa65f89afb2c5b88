package dev.fpk.trainer.bench;

import dev.fpk.trainer.Backend;
import dev.fpk.trainer.EnsembleTrainer;
import dev.fpk.trainer.TrainerSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Replica-steps per second of the built-in ensemble trainer: R replicas of the default model
 * (widths 32,16,2,2,16,32, tanh, B = 32, plain SGD), warm-up first (at least {@code steps} steps
 * and 1 s), then the median of timed repeats. {@code fpk bench trainer --json} prints {@link #run}.
 *
 * <p>Measured on this machine (2 cores, AVX-512, JDK 17, OMP_NUM_THREADS=1), R = 64, B = 32, in one
 * session, while other builds shared the two cores (load average 4-7, so wall-clock figures are
 * noisy and two threads rarely beat one):
 *
 * <pre>
 *   backend                                   replica-steps/s
 *   PLAIN, 1 thread (thread CPU time)         66,000 - 69,000   (~15 us per replica-step)
 *   PLAIN, 2 threads (wall clock)             57,700 - 62,400
 *   PLAIN, 1 thread  (wall clock)             30,600 (first kernel) / 61,500 (row-per-unit kernel)
 *   ND4J 1.0.0-M2.1 batched (wall clock)       5,900 - 14,400   (4.4 - 10.8 ms per step, ~45 native ops)
 *   PyTorch 1.13 (Debian python3-torch), same model and ensemble, batched with baddbmm/bmm
 *   (services/trainer/src/test/python/torch_ensemble_bench.py), same session:
 *     autograd, 1 thread                      18,800 - 21,500
 *     autograd, 2 threads                      2,600 - 12,600
 *     hand-written backward, 1 thread         17,100 - 23,900
 *     hand-written backward, 2 threads        19,100 - 24,200
 * </pre>
 *
 * So the plain-Java kernel is the default ({@link Backend#PLAIN}): about 2.5x PyTorch's best and
 * 4-10x ND4J's, because at these sizes (2x2 .. 32x16 matrices, 32 samples) every native op of ND4J
 * or PyTorch costs more in dispatch than in arithmetic. The plain kernel keeps one array per unit
 * so that C2 vectorises its inner loops (2x over the flat-array version). ND4J stays selectable
 * ({@code withBackend(Backend.ND4J)}) and a test checks that both backends agree.
 */
public final class TrainerBench {
  private TrainerBench() {}

  /** Result of one configuration. */
  public record Result(
      String backend,
      int threads,
      double replicaStepsPerSecond,
      double msPerStep,
      double lossFirst,
      double lossLast) {
    String json() {
      return String.format(
          Locale.ROOT,
          "{\"backend\":\"%s\",\"threads\":%d,\"replicaStepsPerSecond\":%.1f,\"msPerStep\":%.4f,"
              + "\"lossFirst\":%.5f,\"lossLast\":%.5f}",
          backend,
          threads,
          replicaStepsPerSecond,
          msPerStep,
          lossFirst,
          lossLast);
    }
  }

  /**
   * Measures one configuration: warm-up (at least {@code steps} steps and 1 s), then {@code
   * repeats} timed runs of {@code steps} steps; the median rate.
   */
  public static Result measure(TrainerSettings s, int steps, int repeats) {
    try (EnsembleTrainer t = new EnsembleTrainer(s)) {
      t.step();
      double first = t.meanLoss();
      long warmEnd = System.nanoTime() + 1_000_000_000L;
      int warm = 0;
      while (warm < steps || System.nanoTime() < warmEnd) {
        t.step();
        warm++;
      }
      double[] rates = new double[repeats];
      for (int k = 0; k < repeats; k++) {
        long t0 = System.nanoTime();
        t.steps(steps);
        rates[k] = (double) s.replicas() * steps / ((System.nanoTime() - t0) / 1e9);
      }
      Arrays.sort(rates);
      double median =
          repeats % 2 == 1 ? rates[repeats / 2] : (rates[repeats / 2 - 1] + rates[repeats / 2]) / 2;
      return new Result(
          s.backend().name(),
          s.backend() == Backend.PLAIN ? s.effectiveThreads() : 1,
          median,
          1000.0 * s.replicas() / median,
          first,
          t.meanLoss());
    }
  }

  /**
   * Benchmarks the default model (widths d,16,2,2,16,d, B = 32, SGD) with {@code replicas}
   * replicas: the default backend (PLAIN on all processors) gives {@code replicaStepsPerSecond};
   * PLAIN on one thread and ND4J are measured too and listed under {@code results}. One JSON
   * object.
   */
  public static String run(int replicas, int steps) {
    if (replicas < 1) throw new IllegalArgumentException("replicas must be >= 1, was " + replicas);
    if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, was " + steps);
    TrainerSettings base = TrainerSettings.defaults().withReplicas(replicas);
    int repeats = 5;
    Result main = measure(base, steps, repeats);
    List<Result> all = new ArrayList<>();
    all.add(main);
    if (base.effectiveThreads() > 1) all.add(measure(base.withThreads(1), steps, repeats));
    all.add(measure(base.withBackend(Backend.ND4J), Math.max(1, steps / 4), 3));
    StringBuilder results = new StringBuilder("[");
    for (int i = 0; i < all.size(); i++) results.append(i > 0 ? "," : "").append(all.get(i).json());
    results.append(']');
    return String.format(
        Locale.ROOT,
        "{\"name\":\"trainer\",\"replicaStepsPerSecond\":%.1f,\"replicas\":%d,\"widths\":%s,\"batchSize\":%d,"
            + "\"steps\":%d,\"repeats\":%d,\"optimizer\":\"%s\",\"activation\":\"%s\",\"backend\":\"%s\","
            + "\"threads\":%d,\"processors\":%d,\"results\":%s}",
        main.replicaStepsPerSecond(),
        replicas,
        Arrays.toString(base.widths()).replace(" ", ""),
        base.batchSize(),
        steps,
        repeats,
        base.optimizer(),
        base.activation(),
        main.backend(),
        main.threads(),
        Runtime.getRuntime().availableProcessors(),
        results);
  }

  /** {@code java ... dev.fpk.trainer.bench.TrainerBench [replicas] [steps]}. */
  public static void main(String[] args) {
    int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    System.out.println(run(replicas, steps));
  }
}
