package dev.fpk.app.cli;

import dev.fpk.app.bench.E2eBench;
import dev.fpk.app.bench.ScaleOutBench;
import dev.fpk.physics.bench.PhysicsBench;
import dev.fpk.trainer.bench.TrainerBench;
import java.util.List;
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
    e2e,
    scaleout
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
      description = "trainer, e2e, scaleout: replicas (default ${DEFAULT-VALUE})")
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
      description = "e2e, scaleout: matrix shape AxB (default ${DEFAULT-VALUE})")
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

  @Option(
      names = "--nodes",
      split = ",",
      defaultValue = "1,2,3",
      description =
          "scaleout: node counts to run in turn, the first the reference (default ${DEFAULT-VALUE})")
  List<Integer> nodes;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description = "scaleout: partitions of the snapshot topic (default ${DEFAULT-VALUE})")
  int partitions;

  @Option(
      names = "--runs-per-partition",
      defaultValue = "2",
      description =
          "scaleout: runs (each one 16x16 layer by default) on each partition (default ${DEFAULT-VALUE})")
  int runsPerPartition;

  @Option(
      names = "--rate",
      defaultValue = "1000/s",
      converter = LoadgenCommand.RateConverter.class,
      description = "scaleout: snapshots per second published, S/s (default ${DEFAULT-VALUE})")
  double rate;

  @Option(
      names = "--warm-up-steps",
      defaultValue = "10",
      description =
          "scaleout: steps published and analysed before the measurement (default ${DEFAULT-VALUE})")
  int warmUpSteps;

  @Option(
      names = "--measured-steps",
      defaultValue = "60",
      description = "scaleout: steps measured (default ${DEFAULT-VALUE})")
  int measuredSteps;

  @Option(
      names = "--heap",
      defaultValue = "1g",
      description = "scaleout: each node's -Xmx (default ${DEFAULT-VALUE})")
  String heap;

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
      case scaleout -> {
        int[] rowsCols = LoadgenCommand.parseShape(shape);
        ScaleOutBench.run(
            new ScaleOutBench.Settings(
                nodes,
                partitions,
                partitions * runsPerPartition,
                replicas,
                rowsCols[0],
                rowsCols[1],
                rate,
                warmUpSteps,
                measuredSteps,
                heap),
            System.out,
            System.err);
      }
    }
    return 0;
  }
}
