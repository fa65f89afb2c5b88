package dev.fpk.app.train;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a run has come, for status lines read from any thread: the trainer's step after its
 * latest round and the snapshots handed to the producer. Kept outside the trainer actor so that it
 * survives the actor's restarts (a restarted run counts on).
 */
public final class TrainingProgress {
  private final AtomicLong step = new AtomicLong();
  private final AtomicLong published = new AtomicLong();

  /** The trainer's optimiser step after its latest round. */
  public long step() {
    return step.get();
  }

  /** Snapshots handed to the producer so far, over every (re)start of the run. */
  public long published() {
    return published.get();
  }

  void roundDone(long trainerStep, int snapshots) {
    step.set(trainerStep);
    published.addAndGet(snapshots);
  }
}
