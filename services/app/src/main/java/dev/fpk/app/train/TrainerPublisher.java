package dev.fpk.app.train;

import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.trainer.EnsembleTrainer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.javadsl.Producer;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Drives an ensemble trainer as a Pekko stream into the snapshot topic: the snapshot at step 0,
 * then one every {@code every} optimiser steps, for every replica and watched layer. The producer's
 * back-pressure reaches the trainer: when Kafka is slow the trainer waits, and no snapshot is ever
 * dropped.
 */
public final class TrainerPublisher {
  private static final Duration LAST_ROUND_TIMEOUT = Duration.ofSeconds(5);
  private final EnsembleTrainer trainer;
  private final String runId;
  private final List<String> layers;
  private final int every;
  private final AtomicLong published = new AtomicLong();

  /** Set by {@link #stop}: no further training round starts. */
  private volatile boolean stopped;

  private volatile CompletableFuture<Done> running =
      CompletableFuture.completedFuture(Done.getInstance());

  public TrainerPublisher(EnsembleTrainer trainer, String runId, List<String> layers, int every) {
    if (every < 1) {
      throw new IllegalArgumentException("every = " + every + ": must be >= 1");
    }
    this.trainer = trainer;
    this.runId = runId;
    this.layers = List.copyOf(layers);
    this.every = every;
  }

  /** Trains {@code steps} optimiser steps, publishing as it goes; completes when all are sent. */
  public CompletionStage<Done> run(ActorSystem<?> system, String bootstrapServers, long steps) {
    return run(system, bootstrapServers, steps, 0);
  }

  /**
   * As {@link #run(ActorSystem, String, long)}, resuming a run published up to step {@code from} (a
   * multiple of {@code every}): the trainer is deterministic, so it retrains to {@code from}
   * without publishing and goes on from there, publishing step {@code from} again in case a crash
   * cut it short (the estimators drop the copies they already have).
   */
  public CompletionStage<Done> run(
      ActorSystem<?> system, String bootstrapServers, long steps, long from) {
    if (from % every != 0 || from < 0 || from > steps) {
      throw new IllegalArgumentException(
          "resume step "
              + from
              + ": must be a multiple of every = "
              + every
              + " in [0, "
              + steps
              + "]");
    }
    ProducerSettings<String, byte[]> settings =
        ProducerSettings.create(system, new StringSerializer(), new ByteArraySerializer())
            .withBootstrapServers(bootstrapServers);
    CompletableFuture<Done> done =
        Source.single(from / every)
            .concat(
                Source.range((int) (from / every) + 1, (int) (steps / every)).map(i -> (long) i))
            .takeWhile(round -> !stopped)
            .mapConcat(this::snapshotsAfter)
            .map(
                s ->
                    new ProducerRecord<>(
                        Topics.SNAPSHOTS,
                        SnapshotKey.of(s.getRunId(), s.getLayer()),
                        s.toByteArray()))
            .runWith(Producer.plainSink(settings), system)
            .toCompletableFuture();
    running = done;
    return done;
  }

  /**
   * Stops training after the round in progress (at most {@code every} optimiser steps) and waits up
   * to 5 s for what it produced to be sent: after this the trainer is no longer used and may be
   * closed. For a signal's orderly stop; failures of the run are the caller's to see.
   */
  public void stop() {
    stopped = true;
    try {
      running.get(LAST_ROUND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // stopping anyway: the run's own future reports its failure
    }
  }

  /** The trainer's current optimiser step. */
  public long step() {
    return trainer.currentStep();
  }

  /** Snapshots handed to the producer so far. */
  public long published() {
    return published.get();
  }

  private List<WeightSnapshot> snapshotsAfter(long round) {
    long target = round * every;
    trainer.steps((int) (target - trainer.currentStep()));
    List<WeightSnapshot> out = trainer.snapshots(runId, layers);
    published.addAndGet(out.size());
    return out;
  }
}
