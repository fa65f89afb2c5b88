package dev.fpk.app.cli;

import dev.fpk.physics.bench.PhysicsBench;
import dev.fpk.trainer.bench.TrainerBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Benchmarks with JSON output: one object per line, each the median of repeated warm runs. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark and print its figures as JSON (one object per line).")
public final class BenchCommand implements Callable<Integer> {

  /** What can be measured. */
  enum Target { physics, trainer }

  @Parameters(index = "0", description = "What to measure: ${COMPLETION-CANDIDATES}")
  Target target;

  @Option(names = "--json", description = "JSON output (the only format for now; accepted for scripts)")
  boolean json;

  @Option(names = "--replicas", defaultValue = "64", description = "trainer: replicas (default ${DEFAULT-VALUE})")
  int replicas;

  @Option(names = "--steps", defaultValue = "200", description = "trainer: optimiser steps per run (default ${DEFAULT-VALUE})")
  int steps;

  @Override
  public Integer call() {
    switch (target) {
      case physics -> PhysicsBench.run(System.out);
      case trainer -> System.out.println(TrainerBench.run(replicas, steps));
    }
    return 0;
  }
}
