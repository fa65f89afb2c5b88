package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.fpk.app.experiment.ExperimentSettings.Variant;
import dev.fpk.app.node.KafkaAdmin;
import dev.fpk.app.node.Pipeline;
import dev.fpk.app.report.OutputFollower;
import dev.fpk.app.report.WholeFile;
import dev.fpk.app.train.LiveTraining;
import dev.fpk.app.train.RunSpec;
import dev.fpk.app.train.Trainers;
import dev.fpk.protocol.Topics;
import dev.fpk.trainer.TrainerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;

/**
 * Runs the experiment through the real streaming pipeline: the main run and the three sensitivity
 * runs of the built-in autoencoder ensemble are trained at once into one pipeline (broker,
 * estimators, solvers with {@link ExperimentSettings#solverConfig}), the experiment follows the
 * snapshot and output topics like any reader, and writes DIR/report.json and DIR/report.html.
 */
public final class ExperimentRunner {
  /** The layer the experiment publishes and models: the 2x2 matrix between the two bottlenecks. */
  public static final String LAYER = "bottleneck";

  private static final List<String> FOLLOWED =
      List.of(
          Topics.SNAPSHOTS, Topics.ESTIMATES, Topics.DENSITIES, Topics.ALIGNMENT, Topics.SPECTRUM);

  private final ExperimentSettings settings;
  private final Config config;
  private final String bootstrap;

  /**
   * @param config fpk's configuration; the experiment's solver settings are applied on top
   * @param bootstrap Kafka bootstrap servers, empty = an embedded broker
   */
  public ExperimentRunner(ExperimentSettings settings, Config config, String bootstrap) {
    this.settings = settings;
    this.config = ExperimentSettings.solverConfig(config);
    this.bootstrap = bootstrap;
  }

  /** What the status line shows: per run, the trainer's step; the main run's analysed step. */
  public interface Status {
    void update(Map<Variant, Long> trained, long analysedMainStep);
  }

  /** Trains, analyses and writes the report into {@code out}; returns the report. */
  public Result run(Path out, Status status)
      throws IOException, InterruptedException, TimeoutException {
    Files.createDirectories(out);
    long start = System.nanoTime();
    List<String> runIds = java.util.Arrays.stream(Variant.values()).map(settings::runId).toList();
    Set<Long> densitySteps = new HashSet<>();
    settings
        .checkpoints()
        .forEach(
            c -> {
              densitySteps.add(c);
              densitySteps.add(c + ExperimentSettings.KPZ_DT_STEPS);
            });
    ExperimentRecorder recorder =
        new ExperimentRecorder(
            LAYER,
            TemperatureSensitivity.LAYER,
            runIds,
            ExperimentSettings.SAMPLE_EVERY_STEPS,
            densitySteps::contains);
    try (Pipeline pipeline = Pipeline.start(config, bootstrap);
        KafkaAdmin admin = new KafkaAdmin(pipeline.bootstrapServers())) {
      var follower =
          OutputFollower.start(
              pipeline.node().system(),
              pipeline.bootstrapServers(),
              recorder::accept,
              FOLLOWED.toArray(String[]::new));
      try {
        List<RunSpec> specs = new ArrayList<>();
        for (Variant v : Variant.values()) {
          // the sensitivity runs publish enc1 too, for the Dyson temperature of its spectrum
          List<String> layers =
              v == Variant.MAIN ? List.of(LAYER) : List.of(LAYER, TemperatureSensitivity.LAYER);
          specs.add(
              new RunSpec(
                  settings.runId(v),
                  trainerSettings(v),
                  layers,
                  1,
                  settings.steps(v),
                  v.firstStep()));
        }
        List<Trainers.Run> runs = LiveTraining.start(pipeline, specs);
        String mainId = settings.runId(Variant.MAIN);
        LiveTraining.awaitAnalysed(
            pipeline,
            runs,
            () -> {
              Map<Variant, Long> trained = new java.util.EnumMap<>(Variant.class);
              for (Variant v : Variant.values()) {
                trained.put(v, runs.get(v.ordinal()).step());
              }
              long analysed =
                  pipeline.collector().latestAlignment().stream()
                      .filter(a -> a.getRunId().equals(mainId))
                      .mapToLong(a -> a.getStep())
                      .max()
                      .orElse(0);
              status.update(trained, analysed);
            });
        awaitRecorder(admin, recorder, Duration.ofMinutes(2));
        ExperimentReport report = new ExperimentReport(settings, recorder);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode replay = pipeline.collector().toJson(mapper, Set.of(mainId));
        ObjectNode json = report.toJson(mapper, replay, (System.nanoTime() - start) / 1e9);
        WholeFile.write(out.resolve("report.json"), f -> mapper.writeValue(f.toFile(), json));
        WholeFile.write(out.resolve("report.html"), f -> ExperimentHtml.write(f, mapper, json));
        return new Result(json, report.summary(json));
      } finally {
        follower.shutdown().toCompletableFuture().join();
      }
    }
  }

  /** The report and its text summary. */
  public record Result(ObjectNode report, String summary) {}

  private TrainerSettings trainerSettings(Variant v) {
    // one trainer thread each: the trainers outrun the analysis anyway, which needs the cores
    return TrainerSettings.defaults()
        .withReplicas(settings.replicas())
        .withSeed(settings.seed())
        .withLearningRate(settings.learningRate() * v.learningRateFactor)
        .withBatchSize(settings.batchSize() * v.batchFactor)
        .withSeeding(v.seeding)
        .withThreads(1);
  }

  /** Waits until the experiment's own follower has read everything the topics hold. */
  private static void awaitRecorder(KafkaAdmin admin, ExperimentRecorder recorder, Duration timeout)
      throws InterruptedException, TimeoutException {
    Map<TopicPartition, Long> ends = new HashMap<>();
    FOLLOWED.forEach(t -> ends.putAll(admin.endOffsets(t)));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!recorder.caughtUpWith(ends)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "the experiment's reader did not catch up with the topics within " + timeout);
      }
      Thread.sleep(100);
    }
  }
}
