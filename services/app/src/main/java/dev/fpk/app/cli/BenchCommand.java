package dev.fpk.app.cli;

import dev.fpk.app.bench.E2eBench;
import dev.fpk.physics.bench.PhysicsBench;
import dev.fpk.trainer.bench.TrainerBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Benchmarks with JSON output: one object per line, each the median of repeated warm runs. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Run a benchmark and print its figures as JSON (one object per line).")
public final class BenchCommand implements Callable<Integer> {

  /** What can be measured. */
  enum Target {
    physics,
    trainer,
    e2e
  }

  @Parameters(index = "0", description = "What to measure: ${COMPLETION-CANDIDATES}")
  Target target;

  @Option(
      names = "--json",
      description = "JSON output (the only format for now; accepted for scripts)")
  boolean json;

  @Option(
      names = "--replicas",
      defaultValue = "64",
      description = "trainer, e2e: replicas (default ${DEFAULT-VALUE})")
  int replicas;

  @Option(
      names = "--steps",
      defaultValue = "200",
      description = "trainer: optimiser steps per run (default ${DEFAULT-VALUE})")
  int steps;

  @Option(
      names = "--runs",
      defaultValue = "4",
      description = "e2e: runs, each an ensemble of one matrix (default ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--shape",
      defaultValue = "16x16",
      description = "e2e: matrix shape AxB (default ${DEFAULT-VALUE})")
  String shape;

  @Option(
      names = "--level-seconds",
      defaultValue = "8",
      description = "e2e: seconds of load per rate level (default ${DEFAULT-VALUE})")
  double levelSeconds;

  @Option(
      names = "--start-rate",
      defaultValue = "40000",
      description = "e2e: weight values/s offered at the first level (default ${DEFAULT-VALUE})")
  double startRate;

  @Option(
      names = "--factor",
      defaultValue = "2",
      description = "e2e: each level offers this many times the last (default ${DEFAULT-VALUE})")
  double factor;

  @Option(
      names = "--levels",
      defaultValue = "9",
      description = "e2e: at most this many rate levels (default ${DEFAULT-VALUE})")
  int levels;

  @Option(
      names = "--soak-minutes",
      defaultValue = "0",
      description =
          "e2e: afterwards, this many minutes at half the sustained rate, heap after GC each minute (default ${DEFAULT-VALUE})")
  double soakMinutes;

  @Override
  public Integer call() throws Exception {
    switch (target) {
      case physics -> PhysicsBench.run(System.out);
      case trainer -> System.out.println(TrainerBench.run(replicas, steps));
      case e2e -> {
        int[] rowsCols = LoadgenCommand.parseShape(shape);
        System.out.println(
            E2eBench.run(
                new E2eBench.Settings(
                    runs,
                    replicas,
                    rowsCols[0],
                    rowsCols[1],
                    levelSeconds,
                    startRate,
                    factor,
                    levels,
                    soakMinutes),
                System.err));
      }
    }
    return 0;
  }
}
