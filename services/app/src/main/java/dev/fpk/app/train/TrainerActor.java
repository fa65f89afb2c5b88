package dev.fpk.app.train;

import com.typesafe.config.Config;
import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.trainer.EnsembleTrainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * One run of the built-in ensemble as an actor: it owns the run's trainer and the stream that
 * trains it and publishes its snapshots ({@link TrainerPublisher}), so one process can train many
 * runs at once ({@code fpk sweep}) and each is supervised on its own.
 *
 * <p><b>Protocol.</b> {@link Start} trains from a given step; {@link Resume} trains from where the
 * run has published to ({@link ResumePoint}'s rule: the highest step every layer has published,
 * rounded down to the snapshot interval; refused when the published run has another configuration);
 * {@link Stop} ends training after the round in progress, once what it produced is sent. Start and
 * Resume are answered when the run ends (complete, or stopped) with an {@link Outcome}, or with an
 * error; after that the actor stops and closes its trainer.
 *
 * <p><b>Supervision.</b> A failure of the stream (the producer lost the broker, say) restarts the
 * actor, at most {@link Supervision#maxRestarts} times within {@link Supervision#within}; a
 * restarted actor resumes from the last published step, so the run goes on with the snapshots an
 * uninterrupted run publishes (step by step the same: the trainer is deterministic). Beyond the
 * limit, and on any other failure, the actor stops and its requester gets the error. A trainer that
 * cannot be built, a start step out of range and a run that cannot be resumed are answered with an
 * error at once, not restarted: trying again would fail again.
 */
public final class TrainerActor {
  /** What a trainer actor is told. */
  public sealed interface Command permits Start, Resume, Stop, ResumeFrom, StreamEnded {}

  /**
   * Train from step {@code from} (a multiple of the snapshot interval, published again) to the
   * run's last step.
   */
  public record Start(long from, ActorRef<StatusReply<Outcome>> replyTo) implements Command {}

  /** Train from the step the run has published to (see the class comment). */
  public record Resume(ActorRef<StatusReply<Outcome>> replyTo) implements Command {}

  /**
   * Stop after the training round in progress (at most the snapshot interval in optimiser steps),
   * once its snapshots are sent; answered then. The run's requester gets an incomplete outcome.
   */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  private record ResumeFrom(Long from, Throwable failure) implements Command {}

  private record StreamEnded(Throwable failure) implements Command {}

  /**
   * How a run ended: the trainer's optimiser step, the snapshots handed to the producer (over every
   * restart), and whether it reached the run's last step.
   */
  public record Outcome(String runId, long step, long published, boolean complete) {}

  /**
   * Where a run resumes: may block (it reads the snapshot topic); throws IllegalStateException when
   * the run cannot be resumed.
   */
  public interface ResumeLookup {
    long resumeStep(RunSpec run);
  }

  /**
   * How often a run's stream may fail and be restarted: at most {@code maxRestarts} times within
   * {@code within} (fpk.trainer.restarts in application.conf).
   */
  public record Supervision(int maxRestarts, Duration within) {
    public Supervision {
      if (maxRestarts < 0 || within.isNegative() || within.isZero()) {
        throw new IllegalArgumentException(
            "fpk.trainer.restarts: max must be >= 0 and within > 0, got "
                + maxRestarts
                + " within "
                + within);
      }
    }

    public static Supervision fromConfig(Config config) {
      return new Supervision(
          config.getInt("fpk.trainer.restarts.max"),
          config.getDuration("fpk.trainer.restarts.within"));
    }
  }

  /** A run's stream failed: the supervisor restarts the actor, which resumes the run. */
  static final class TrainingFailed extends RuntimeException {
    TrainingFailed(String runId, Throwable cause) {
      super("run " + runId + ": training failed: " + cause, cause);
    }
  }

  private TrainerActor() {}

  /**
   * The behaviour of a run's actor.
   *
   * @param progress read by status lines; survives restarts
   * @param sink where snapshots go, materialised once per (re)start
   */
  public static Behavior<Command> create(
      RunSpec run,
      TrainingProgress progress,
      Sink<WeightSnapshot, CompletionStage<Done>> sink,
      ResumeLookup lookup,
      Supervision supervision) {
    return Behaviors.supervise(
            Behaviors.<Command>setup(
                ctx -> new Incarnation(ctx, run, progress, sink, lookup).idle()))
        .onFailure(
            TrainingFailed.class,
            SupervisorStrategy.restart()
                .withLimit(supervision.maxRestarts(), supervision.within())
                // PreRestart logs each restart with its cause in one line, the requester gets the
                // final failure: no stack traces on a command's output
                .withLoggingEnabled(false));
  }

  /** The state of one incarnation of the actor: a restart starts a new one. */
  private static final class Incarnation {
    private final ActorContext<Command> ctx;
    private final RunSpec run;
    private final TrainingProgress progress;
    private final Sink<WeightSnapshot, CompletionStage<Done>> sink;
    private final ResumeLookup lookup;
    private final List<ActorRef<Done>> stopWaiters = new ArrayList<>();
    private ActorRef<StatusReply<Outcome>> requester;
    private EnsembleTrainer trainer;
    private TrainerPublisher publisher;
    private CompletionStage<Done> streamDone = CompletableFuture.completedFuture(Done.done());
    private boolean stopping;
    private Throwable lastFailure;

    Incarnation(
        ActorContext<Command> ctx,
        RunSpec run,
        TrainingProgress progress,
        Sink<WeightSnapshot, CompletionStage<Done>> sink,
        ResumeLookup lookup) {
      this.ctx = ctx;
      this.run = run;
      this.progress = progress;
      this.sink = sink;
      this.lookup = lookup;
    }

    Behavior<Command> idle() {
      return signals(Behaviors.receive(Command.class))
          .onMessage(Start.class, m -> begin(m.replyTo(), m.from()))
          .onMessage(Resume.class, this::lookUpResumeStep)
          .onMessage(
              Stop.class,
              m -> {
                m.replyTo().tell(Done.done());
                return Behaviors.stopped();
              })
          .build();
    }

    private Behavior<Command> resolving() {
      return signals(busy(Behaviors.receive(Command.class)))
          .onMessage(ResumeFrom.class, this::resumeFrom)
          .onMessage(Stop.class, this::stopRequested)
          .build();
    }

    private Behavior<Command> training() {
      return signals(busy(Behaviors.receive(Command.class)))
          .onMessage(StreamEnded.class, this::streamEnded)
          .onMessage(Stop.class, this::stopRequested)
          .build();
    }

    private Behavior<Command> lookUpResumeStep(Resume m) {
      requester = m.replyTo();
      CompletableFuture<Long> from =
          CompletableFuture.supplyAsync(
              () -> lookup.resumeStep(run),
              ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking()));
      ctx.pipeToSelf(from, ResumeFrom::new);
      return resolving();
    }

    private Behavior<Command> resumeFrom(ResumeFrom m) {
      if (m.failure() != null) {
        return fail(unwrap(m.failure()));
      }
      if (stopping) {
        return ended();
      }
      long from = m.from();
      if (from >= run.steps() && from > 0) {
        ctx.getLog()
            .info("run {}: published to step {} already, nothing to train", run.runId(), from);
        return ended();
      }
      if (from > 0) {
        ctx.getLog().info("run {}: resuming from step {}", run.runId(), from);
      }
      return begin(requester, from);
    }

    private Behavior<Command> begin(ActorRef<StatusReply<Outcome>> replyTo, long from) {
      requester = replyTo;
      try {
        RunSpec.checkStartStep(from, run.every(), run.steps());
        trainer = new EnsembleTrainer(run.settings());
      } catch (RuntimeException e) {
        return fail(e);
      }
      publisher = new TrainerPublisher(trainer, run, progress);
      streamDone = publisher.run(ctx.getSystem(), sink, from);
      ctx.pipeToSelf(streamDone, (done, failure) -> new StreamEnded(failure));
      return training();
    }

    private Behavior<Command> stopRequested(Stop m) {
      stopping = true;
      stopWaiters.add(m.replyTo());
      if (publisher != null) {
        publisher.requestStop();
      }
      return Behaviors.same();
    }

    private Behavior<Command> streamEnded(StreamEnded m) {
      if (m.failure() == null) {
        return ended();
      }
      if (stopping) {
        return fail(m.failure());
      }
      lastFailure = m.failure();
      // the supervisor restarts this actor (or, beyond its limit, stops it: see PostStop)
      throw new TrainingFailed(run.runId(), m.failure());
    }

    /** The run ended (complete or stopped): answer everyone and stop. */
    private Behavior<Command> ended() {
      reply(
          StatusReply.success(
              new Outcome(
                  run.runId(),
                  progress.step(),
                  progress.published(),
                  progress.step() >= run.steps())));
      return Behaviors.stopped();
    }

    private Behavior<Command> fail(Throwable cause) {
      reply(StatusReply.error(cause));
      return Behaviors.stopped();
    }

    private void reply(StatusReply<Outcome> answer) {
      if (requester != null) {
        requester.tell(answer);
        requester = null;
      }
      stopWaiters.forEach(w -> w.tell(Done.done()));
      stopWaiters.clear();
    }

    /** A second Start or Resume while a run is under way is refused. */
    private BehaviorBuilder<Command> busy(BehaviorBuilder<Command> b) {
      return b.onMessage(Start.class, m -> refuse(m.replyTo()))
          .onMessage(Resume.class, m -> refuse(m.replyTo()));
    }

    private Behavior<Command> refuse(ActorRef<StatusReply<Outcome>> replyTo) {
      replyTo.tell(StatusReply.error("run " + run.runId() + " is already training"));
      return Behaviors.same();
    }

    private BehaviorBuilder<Command> signals(BehaviorBuilder<Command> b) {
      return b.onSignal(
              PreRestart.class,
              s -> {
                ctx.getLog()
                    .warn(
                        "run {}: {}; restarting it from the last published step",
                        run.runId(),
                        String.valueOf(lastFailure));
                releaseTrainer();
                // the mailbox outlives the restart: the next incarnation resumes for the requester
                ctx.getSelf().tell(new Resume(requester));
                return Behaviors.same();
              })
          .onSignal(
              PostStop.class,
              s -> {
                if (publisher != null) {
                  publisher.requestStop();
                }
                releaseTrainer();
                reply(
                    StatusReply.error(
                        lastFailure != null
                            ? lastFailure
                            : new IllegalStateException(
                                "run " + run.runId() + ": trainer stopped before the run ended")));
                return Behaviors.same();
              });
    }

    /** Closes the trainer once the stream has left it (at once if it has). */
    private void releaseTrainer() {
      EnsembleTrainer t = trainer;
      trainer = null;
      if (t != null) {
        streamDone.whenComplete((d, e) -> t.close());
      }
    }

    private static Throwable unwrap(Throwable t) {
      return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
  }
}
