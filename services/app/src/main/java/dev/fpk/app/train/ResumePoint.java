package dev.fpk.app.train;

import dev.fpk.app.node.KafkaAdmin;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.trainer.TrainerSettings;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a run that was stopped or crashed resumes: the highest step every layer has published,
 * rounded down to the snapshot interval; the run's first step when a layer has published nothing. A
 * run published by another configuration cannot be resumed: that is an error that says so, not a
 * silent mix of two trainings.
 */
public final class ResumePoint {
  /** The published snapshot of the highest step of a layer of the run, if any. */
  public interface LatestPublished {
    Optional<WeightSnapshot> of(String layer);
  }

  private ResumePoint() {}

  /**
   * The step to resume {@code run} from, given what it has published.
   *
   * @throws IllegalStateException naming the run and both configurations when the published
   *     snapshots come from another configuration
   */
  public static long of(RunSpec run, LatestPublished latest) {
    long from = Long.MAX_VALUE;
    for (String layer : run.layers()) {
      Optional<WeightSnapshot> last = latest.of(layer);
      if (last.isEmpty()) {
        return run.firstStep();
      }
      WeightSnapshot s = last.get();
      checkSameConfiguration(run, s);
      from = Math.min(from, s.getStep() - s.getStep() % run.every());
    }
    return Math.max(from, run.firstStep());
  }

  /** The rule on the snapshot topic of a broker. */
  public static TrainerActor.ResumeLookup onKafka(String bootstrapServers) {
    return run -> {
      int partitions;
      try (KafkaAdmin admin = new KafkaAdmin(bootstrapServers)) {
        partitions = admin.partitions(Topics.SNAPSHOTS);
      }
      return of(
          run, layer -> PublishedSteps.latest(bootstrapServers, run.runId(), layer, partitions));
    };
  }

  private static void checkSameConfiguration(RunSpec run, WeightSnapshot s) {
    TrainerSettings t = run.settings();
    long seed = s.getSeed() - s.getReplica();
    if (s.getEnsembleSize() != t.replicas()
        || seed != t.seed()
        || s.getLearningRate() != t.learningRate()
        || s.getBatchSize() != t.batchSize()
        || !s.getOptimizer().equals(t.optimizer())) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "run %s already has snapshots (to step %d) from"
                  + " another configuration (%d replicas, seed %d, lr %s, batch %d, %s): it cannot be resumed with this one;"
                  + " use a new --run-id",
              run.runId(),
              s.getStep(),
              s.getEnsembleSize(),
              seed,
              s.getLearningRate(),
              s.getBatchSize(),
              s.getOptimizer()));
    }
  }
}
