package dev.fpk.trainer.bench;

import dev.fpk.trainer.Backend;
import dev.fpk.trainer.EnsembleTrainer;
import dev.fpk.trainer.TrainerSettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Replica-steps per second of the built-in ensemble trainer (FIGURES_PLACEHOLDER).
 */
public final class TrainerBench {
    private TrainerBench() {
    }

    /** Result of one configuration. */
    public record Result(String backend, int threads, double replicaStepsPerSecond, double msPerStep, double lossFirst,
                         double lossLast) {
        String json() {
            return String.format(Locale.ROOT,
                    "{\"backend\":\"%s\",\"threads\":%d,\"replicaStepsPerSecond\":%.1f,\"msPerStep\":%.4f,"
                            + "\"lossFirst\":%.5f,\"lossLast\":%.5f}",
                    backend, threads, replicaStepsPerSecond, msPerStep, lossFirst, lossLast);
        }
    }

    /**
     * Measures one configuration: warm-up (at least {@code steps} steps and 1 s), then
     * {@code repeats} timed runs of {@code steps} steps; the median rate.
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
            double median = repeats % 2 == 1 ? rates[repeats / 2] : (rates[repeats / 2 - 1] + rates[repeats / 2]) / 2;
            return new Result(s.backend().name(), s.backend() == Backend.PLAIN ? s.effectiveThreads() : 1, median,
                    1000.0 * s.replicas() / median, first, t.meanLoss());
        }
    }

    /**
     * Benchmarks the default model (widths d,16,2,2,16,d, B = 32, SGD) with {@code replicas} replicas:
     * the default backend (PLAIN on all processors) gives {@code replicaStepsPerSecond}; PLAIN on one
     * thread and ND4J are measured too and listed under {@code results}. One JSON object.
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
        return String.format(Locale.ROOT,
                "{\"name\":\"trainer\",\"replicaStepsPerSecond\":%.1f,\"replicas\":%d,\"widths\":%s,\"batchSize\":%d,"
                        + "\"steps\":%d,\"repeats\":%d,\"optimizer\":\"%s\",\"activation\":\"%s\",\"backend\":\"%s\","
                        + "\"threads\":%d,\"processors\":%d,\"results\":%s}",
                main.replicaStepsPerSecond(), replicas, Arrays.toString(base.widths()).replace(" ", ""),
                base.batchSize(), steps, repeats, base.optimizer(), base.activation(), main.backend(),
                main.threads(), Runtime.getRuntime().availableProcessors(), results);
    }

    /** {@code java ... dev.fpk.trainer.bench.TrainerBench [replicas] [steps]}. */
    public static void main(String[] args) {
        int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        System.out.println(run(replicas, steps));
    }
}
