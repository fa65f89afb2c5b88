package dev.fpk.app.train;

import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.trainer.EnsembleTrainer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The stream of one run, owned by its {@link TrainerActor}: the snapshot at the start step, then
 * one every {@code every} optimiser steps, for every replica and watched layer, into a snapshot
 * sink (the snapshot topic's producer). The sink's back-pressure reaches the trainer: when Kafka is
 * slow the trainer waits, and no snapshot is ever dropped.
 */
final class TrainerPublisher {
  private final EnsembleTrainer trainer;
  private final RunSpec run;
  private final TrainingProgress progress;

  /** Set by {@link #requestStop}: no further training round starts. */
  private volatile boolean stopped;

  TrainerPublisher(EnsembleTrainer trainer, RunSpec run, TrainingProgress progress) {
    this.trainer = trainer;
    this.run = run;
    this.progress = progress;
  }

  /**
   * Trains to the run's last step, publishing from step {@code from} (a multiple of {@code every}):
   * the trainer is deterministic, so a fresh one retrains to {@code from} without publishing and
   * goes on from there, publishing step {@code from} again in case a crash cut it short (the
   * estimators drop the copies they already have). Completes when all is sent.
   */
  CompletionStage<Done> run(
      ActorSystem<?> system, Sink<WeightSnapshot, CompletionStage<Done>> sink, long from) {
    RunSpec.checkStartStep(from, run.every(), run.steps());
    int every = run.every();
    return Source.single(from / every)
        .concat(
            Source.range((int) (from / every) + 1, (int) (run.steps() / every)).map(i -> (long) i))
        .takeWhile(round -> !stopped)
        .mapConcat(this::snapshotsAfter)
        .runWith(sink, system);
  }

  /** No training round starts after the one in progress (at most {@code every} steps). */
  void requestStop() {
    stopped = true;
  }

  private List<WeightSnapshot> snapshotsAfter(long round) {
    long target = round * run.every();
    trainer.steps((int) (target - trainer.currentStep()));
    List<WeightSnapshot> out = trainer.snapshots(run.runId(), run.layers());
    progress.roundDone(trainer.currentStep(), out.size());
    return out;
  }
}
