package dev.fpk.app.train;

import dev.fpk.app.node.Pipeline;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Trains runs through a running pipeline, as {@code demo}, {@code experiment} and {@code sweep} do:
 * a trainer actor per run, all started at once, and a tick a second (status lines) until every run
 * is trained and the analysis has caught up with all it published.
 */
public final class LiveTraining {
  private LiveTraining() {}

  /** Starts a trainer actor for every run in the pipeline's actor system. */
  public static List<Trainers.Run> start(Pipeline pipeline, List<RunSpec> runs) {
    Trainers trainers = Trainers.onKafka(pipeline.node().system(), pipeline.bootstrapServers());
    return runs.stream().map(trainers::start).toList();
  }

  /**
   * Waits until every run is trained and analysed; {@code eachSecond} is called once a second
   * meanwhile and once at the end. A run that failed rethrows its failure here. An interrupt stops
   * every run's training (what was produced is sent) and is rethrown.
   */
  public static void awaitAnalysed(Pipeline pipeline, List<Trainers.Run> runs, Runnable eachSecond)
      throws InterruptedException {
    CompletableFuture<Void> all =
        CompletableFuture.allOf(
            runs.stream().map(Trainers.Run::finished).toArray(CompletableFuture[]::new));
    boolean done = false;
    try {
      while (!done) {
        Thread.sleep(1000);
        // a failed run ends the wait: its error is what the user must see
        done = all.isCompletedExceptionally() || all.isDone() && pipeline.isCaughtUp();
        eachSecond.run();
      }
    } catch (InterruptedException e) {
      // stopped (a signal): the callers close the pipeline next, so the trainers must leave it
      // first
      Trainers.stopAll(runs);
      throw e;
    }
    all.join();
  }
}
