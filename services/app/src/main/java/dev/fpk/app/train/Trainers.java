package dev.fpk.app.train;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Starts trainer actors ({@link TrainerActor}) in an actor system, one per run, all publishing to
 * one snapshot sink; what the commands ({@code demo}, {@code experiment}, {@code train}, {@code
 * sweep}) use instead of driving a trainer themselves.
 */
public final class Trainers {
  /** A bound on the wait for a run's end (ask needs one): longer than any run trains. */
  private static final Duration LONGEST_RUN = Duration.ofDays(100);

  /** How long {@link Run#stop} waits for the round in progress to be sent. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private static final AtomicLong ACTORS = new AtomicLong();

  private final ActorSystem<?> system;
  private final Sink<WeightSnapshot, CompletionStage<Done>> sink;
  private final TrainerActor.ResumeLookup lookup;
  private final TrainerActor.Supervision supervision;

  public Trainers(
      ActorSystem<?> system,
      Sink<WeightSnapshot, CompletionStage<Done>> sink,
      TrainerActor.ResumeLookup lookup,
      TrainerActor.Supervision supervision) {
    this.system = system;
    this.sink = sink;
    this.lookup = lookup;
    this.supervision = supervision;
  }

  /** Trainers publishing to a broker's snapshot topic, supervised as the system's config says. */
  public static Trainers onKafka(ActorSystem<?> system, String bootstrapServers) {
    return new Trainers(
        system,
        SnapshotSinks.kafka(system, bootstrapServers),
        ResumePoint.onKafka(bootstrapServers),
        TrainerActor.Supervision.fromConfig(system.settings().config()));
  }

  /** Trains {@code run} afresh, publishing from its first step. */
  public Run start(RunSpec run) {
    return start(run, run.firstStep());
  }

  /** Trains {@code run} publishing from step {@code from} (retrained to without publishing). */
  public Run start(RunSpec run, long from) {
    return spawn(run, a -> new TrainerActor.Start(from, a));
  }

  /** Trains {@code run} from where it has published to ({@link ResumePoint}). */
  public Run resume(RunSpec run) {
    return spawn(run, TrainerActor.Resume::new);
  }

  private Run spawn(
      RunSpec run,
      org.apache.pekko.japi.function.Function<
              ActorRef<org.apache.pekko.pattern.StatusReply<TrainerActor.Outcome>>,
              TrainerActor.Command>
          command) {
    TrainingProgress progress = new TrainingProgress();
    // actor names allow %-escapes but no '/', which run ids of a sweep contain
    String name =
        "trainer-"
            + URLEncoder.encode(run.runId(), StandardCharsets.UTF_8)
            + "-"
            + ACTORS.incrementAndGet();
    ActorRef<TrainerActor.Command> actor =
        system.systemActorOf(
            TrainerActor.create(run, progress, sink, lookup, supervision), name, Props.empty());
    CompletableFuture<TrainerActor.Outcome> finished =
        AskPattern.askWithStatus(actor, command, LONGEST_RUN, system.scheduler())
            .toCompletableFuture();
    return new Run(run, actor, progress, finished);
  }

  /**
   * Stops every run after its round in progress, all at once, and waits up to 5 s in all for what
   * they produced to be sent (see {@link Run#stop}).
   */
  public static void stopAll(List<Run> runs) {
    try {
      CompletableFuture.allOf(runs.stream().map(Run::requestStop).toArray(CompletableFuture[]::new))
          .get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // stopping anyway (an actor already gone answers nothing): finished() reports failures
    }
  }

  /** A run under way: its progress, its end, and a way to stop it. */
  public final class Run {
    private final RunSpec spec;
    private final ActorRef<TrainerActor.Command> actor;
    private final TrainingProgress progress;
    private final CompletableFuture<TrainerActor.Outcome> finished;

    private Run(
        RunSpec spec,
        ActorRef<TrainerActor.Command> actor,
        TrainingProgress progress,
        CompletableFuture<TrainerActor.Outcome> finished) {
      this.spec = spec;
      this.actor = actor;
      this.progress = progress;
      this.finished = finished;
    }

    public RunSpec spec() {
      return spec;
    }

    /** Completes with the run's outcome, or exceptionally with its failure. */
    public CompletableFuture<TrainerActor.Outcome> finished() {
      return finished;
    }

    /** The trainer's optimiser step after its latest round. */
    public long step() {
      return progress.step();
    }

    /** Snapshots handed to the producer so far. */
    public long published() {
      return progress.published();
    }

    /**
     * Stops training after the round in progress and waits up to 5 s for what it produced to be
     * sent. For a signal's orderly stop; failures of the run are {@link #finished}'s to report.
     */
    public void stop() {
      stopAll(List.of(this));
    }

    /** Asks the actor to stop; completes when it has (an actor already gone never answers). */
    private CompletableFuture<Done> requestStop() {
      return AskPattern.<TrainerActor.Command, Done>ask(
              actor, TrainerActor.Stop::new, STOP_TIMEOUT, system.scheduler())
          .toCompletableFuture();
    }
  }
}
