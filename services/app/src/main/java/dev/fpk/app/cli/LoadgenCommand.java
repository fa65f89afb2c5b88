package dev.fpk.app.cli;

import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.loadgen.LoadGenerator;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.app.node.KafkaAdmin;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Synthetic snapshots with known Ornstein-Uhlenbeck dynamics, at a paced rate, for load and
 * correctness under load.
 */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    description =
        "Publish synthetic weight snapshots with known Ornstein-Uhlenbeck dynamics at a given rate.")
public final class LoadgenCommand implements Callable<Integer> {

  @Mixin BootstrapOptions.Required kafka;

  @Option(
      names = "--runs",
      defaultValue = "4",
      description = "Runs, each an ensemble of one matrix (default ${DEFAULT-VALUE})")
  int runs;

  @Option(
      names = "--replicas",
      defaultValue = "64",
      description = "Replicas per run (default ${DEFAULT-VALUE})")
  int replicas;

  @Option(
      names = "--shape",
      defaultValue = "16x16",
      description = "Matrix shape AxB (default ${DEFAULT-VALUE})")
  String shapeText;

  @Option(
      names = "--rate",
      defaultValue = "256/s",
      converter = RateConverter.class,
      description =
          "Snapshots per second over all runs and replicas, S/s (default ${DEFAULT-VALUE})")
  double rate;

  @Option(
      names = "--steps",
      defaultValue = "100",
      description = "Last step: every replica publishes steps 0..T (default ${DEFAULT-VALUE})")
  long steps;

  @Option(
      names = "--run-id",
      defaultValue = "loadgen",
      description = "Run id prefix; run i is <prefix>-r<i> (default ${DEFAULT-VALUE})")
  String runIdPrefix;

  @Option(
      names = "--layer",
      defaultValue = "w",
      description = "Layer name (default ${DEFAULT-VALUE})")
  String layer;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed; run i uses seed + i (default ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() {
    int[] shape = parseShape(shapeText);
    LoadGenerator.Settings settings =
        new LoadGenerator.Settings(
            runIdPrefix, layer, runs, replicas, shape[0], shape[1], rate, steps, seed);
    try (KafkaAdmin admin = new KafkaAdmin(kafka.bootstrap)) {
      admin.ensureTopics(FpkConfig.load().getInt("fpk.partitions"), (short) 1);
    }
    int entries = settings.valuesPerSnapshot();
    System.out.printf(
        Locale.ROOT,
        "fpk loadgen: %d runs x %d replicas of a %dx%d matrix, steps 0..%d, %.1f snapshots/s"
            + " (%.3g values/s) to %s%n",
        runs,
        replicas,
        shape[0],
        shape[1],
        steps,
        rate,
        rate * entries,
        kafka.bootstrap);
    System.out.printf(
        Locale.ROOT,
        "dynamics: dW = -k (W - 0) dt + sqrt(2D) dB per entry, k from %.3g to %.3g per step"
            + " (entry e of %d: k = %.3g + %.3g e/(%d-1)), D = %.3g; per unit step the estimators should see drift slope"
            + " -(1 - e^-k) in [%.4g, %.4g] and D (1 - e^-2k)/(2k)%n",
        LoadGenerator.MIN_RATE,
        LoadGenerator.MAX_RATE,
        entries,
        LoadGenerator.MIN_RATE,
        LoadGenerator.MAX_RATE - LoadGenerator.MIN_RATE,
        entries,
        LoadGenerator.DIFFUSION,
        OuEnsemble.discreteSlope(LoadGenerator.MAX_RATE),
        OuEnsemble.discreteSlope(LoadGenerator.MIN_RATE));
    LoadGenerator.Report report;
    try (KafkaProducer<byte[], byte[]> producer =
        LoadGenerator.producer(kafka.bootstrap, "loadgen")) {
      report = LoadGenerator.run(settings, producer);
    }
    System.out.printf(
        Locale.ROOT,
        "sent %d snapshots (%d values) in %.2f s: %.1f snapshots/s, %.3g values/s%n",
        report.snapshots(),
        report.values(),
        report.seconds(),
        report.snapshotsPerSecond(),
        report.valuesPerSecond());
    return 0;
  }

  /** "AxB" with A, B >= 1, as {A, B}. */
  static int[] parseShape(String value) {
    String[] parts = value.toLowerCase(Locale.ROOT).split("x");
    try {
      if (parts.length == 2) {
        int a = Integer.parseInt(parts[0].strip());
        int b = Integer.parseInt(parts[1].strip());
        if (a >= 1 && b >= 1) {
          return new int[] {a, b};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "shape '" + value + "': expected AxB with A, B >= 1, e.g. 256x256");
  }

  /** "S/s" or "S": snapshots per second, > 0. */
  static final class RateConverter implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      String number = value.endsWith("/s") ? value.substring(0, value.length() - 2) : value;
      try {
        double rate = Double.parseDouble(number.strip());
        if (rate > 0 && Double.isFinite(rate)) {
          return rate;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "rate '" + value + "': expected snapshots per second > 0, e.g. 200/s");
    }
  }
}
