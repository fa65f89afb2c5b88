package dev.fpk.app.train;

import dev.fpk.app.node.Pipeline;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Trains runs through a running pipeline, as {@code demo} and {@code experiment} do: every run's
 * publisher starts at once, and a tick a second (status lines) runs until every run is trained and
 * the analysis has caught up with all it published.
 */
public final class LiveTraining {
  /**
   * One run: its publisher, the optimiser steps to train, and the first step published (0, or later
   * to leave out the first steps; see {@link
   * TrainerPublisher#run(org.apache.pekko.actor.typed.ActorSystem, String, long, long)}).
   */
  public record Run(TrainerPublisher publisher, long steps, long firstStep) {
    public Run(TrainerPublisher publisher, long steps) {
      this(publisher, steps, 0);
    }
  }

  private LiveTraining() {}

  /**
   * Trains every run and waits for the analysis; {@code eachSecond} is called once a second
   * meanwhile and once at the end. A run that failed rethrows its failure here. An interrupt stops
   * every run's training (what was produced is sent) and is rethrown.
   */
  public static void trainUntilAnalysed(Pipeline pipeline, List<Run> runs, Runnable eachSecond)
      throws InterruptedException {
    CompletableFuture<?>[] trained =
        runs.stream()
            .map(
                r ->
                    r.publisher()
                        .run(
                            pipeline.node().system(),
                            pipeline.bootstrapServers(),
                            r.steps(),
                            r.firstStep())
                        .toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    CompletableFuture<Void> all = CompletableFuture.allOf(trained);
    boolean done = false;
    try {
      while (!done) {
        Thread.sleep(1000);
        // a failed run ends the wait: its error is what the user must see
        done = all.isCompletedExceptionally() || all.isDone() && pipeline.isCaughtUp();
        eachSecond.run();
      }
    } catch (InterruptedException e) {
      // stopped (a signal): the callers close the trainers next, so their streams must leave them
      // first
      runs.forEach(r -> r.publisher().stop());
      throw e;
    }
    all.join();
  }
}
