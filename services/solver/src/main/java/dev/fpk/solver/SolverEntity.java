package dev.fpk.solver;

import dev.fpk.estimator.CborSerializable;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.estimator.checkpoint.CheckpointLoader;
import dev.fpk.estimator.checkpoint.CheckpointedEntity;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
import dev.fpk.estimator.checkpoint.Feed;
import dev.fpk.estimator.checkpoint.StateEncoder;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.jspecify.annotations.Nullable;

/**
 * The solver of one (run, layer), a sharded entity whose id is the snapshot key: it advances the
 * Fokker-Planck density of every entry through the completed steps it is given, in step order, and
 * answers with the alignment and density figures of each ({@link EnsembleSolver}); for an ensemble
 * layer of 4 entries (2x2) with the joint model enabled ({@link JointSettings}, handed in), the
 * joint 4-D model's figures are added to the alignment ({@link JointSolver}) and its state to the
 * checkpoint.
 *
 * <p>On start it restores its latest checkpoint (commands wait meanwhile: {@link
 * CheckpointedEntity}); a step at or behind the last one it advanced to is skipped (a replay after
 * a restart), so none is applied twice. Like the estimator, a solver that has advanced since it was
 * restored reloads its checkpoint before the first command of a stream that meets it for the first
 * time ({@code previous} = -1), or of another stream than the one that advanced it: such a stream
 * starts from the committed offsets, which only the stored checkpoint (the estimator's and this
 * one's together) matches.
 */
public final class SolverEntity extends AbstractBehavior<SolverEntity.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "fpk-solver");

  public sealed interface Command extends CborSerializable {}

  /**
   * Completed steps of this entity's (run, layer), oldest first. {@code feed}: the sending stream
   * and the last step it gave this entity before (-1: none or unknown): if this entity has not
   * advanced to it, it lost steps (restarted from its checkpoint under a running stream) and
   * answers lost.
   */
  public record Advance(List<StepEstimate> steps, Feed feed, ActorRef<Advanced> replyTo)
      implements Command {}

  /**
   * The reply: one output per step advanced to (skipped steps have none), with the steps they
   * belong to; {@code lost}: nothing done, see {@link Advance}.
   */
  public record Advanced(
      boolean lost, List<StepEstimate> steps, List<EnsembleSolver.Output> outputs)
      implements CborSerializable {}

  /** Asks for the whole state, for the checkpoint topic; {@code feed} as in {@link Advance}. */
  public record TakeCheckpoint(Feed feed, ActorRef<Checkpoint> replyTo) implements Command {}

  /**
   * The state as of every command received before the request; {@code lost} as in {@link Advanced}.
   */
  public record Checkpoint(boolean lost, byte[] state) implements CborSerializable {}

  /** Stops this entity, so that the next command finds it restored from its checkpoint. */
  public enum Reload implements Command {
    INSTANCE
  }

  private record Restored(Optional<EntityCheckpoint> checkpoint, @Nullable Throwable failure)
      implements Command, CheckpointedEntity.Restored {}

  private EnsembleSolver solver;
  private final String entityId;
  private final SolverSettings settings;
  private final JointSettings jointSettings;

  /** The joint 4-D model, for ensemble layers of 4 entries when enabled; null otherwise. */
  private @Nullable JointSolver joint;

  private final CheckpointedEntity<Command> checkpointed;
  private final StateEncoder encoder = new StateEncoder();

  private SolverEntity(
      ActorContext<Command> ctx,
      SolverSettings settings,
      JointSettings jointSettings,
      String entityId,
      byte @Nullable [] state,
      CheckpointedEntity<Command> checkpointed) {
    super(ctx);
    this.settings = settings;
    this.jointSettings = jointSettings;
    this.checkpointed = checkpointed;
    this.entityId = entityId;
    if (state == null || state.length == 0) {
      this.solver = new EnsembleSolver(settings);
    } else {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
        this.solver = EnsembleSolver.readFrom(in, settings);
        // the joint solver's state follows the entry-wise one's (absent in checkpoints written
        // before
        // it; dropped when the joint model has been disabled since)
        if (jointSettings.enabled() && in.available() > 0 && in.readBoolean()) {
          this.joint = JointSolver.readFrom(in, settings, jointSettings);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable solver checkpoint of " + entityId, e);
      }
      ctx.getLog()
          .info("{}: solver restored from its checkpoint at step {}", entityId, solver.lastStep());
    }
  }

  /** The entity of one (run, layer): restores its checkpoint first, then takes commands. */
  public static Behavior<Command> create(
      SolverSettings settings,
      JointSettings jointSettings,
      String entityId,
      CheckpointLoader checkpoints) {
    return CheckpointedEntity.create(
        Command.class,
        entityId,
        checkpoints,
        EntityCheckpoint::solver,
        Restored::new,
        (ctx, checkpointed, state) ->
            new SolverEntity(ctx, settings, jointSettings, entityId, state, checkpointed));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Advance.class, this::onAdvance)
        .onMessage(TakeCheckpoint.class, this::onTakeCheckpoint)
        .onMessageEquals(Reload.INSTANCE, Behaviors::stopped)
        .build();
  }

  private Behavior<Command> onAdvance(Advance msg) {
    return admit(
        msg,
        msg.feed(),
        () -> msg.replyTo().tell(new Advanced(true, List.of(), List.of())),
        () -> advance(msg));
  }

  private Behavior<Command> advance(Advance msg) {
    List<StepEstimate> done = new ArrayList<>(msg.steps().size());
    List<EnsembleSolver.Output> outputs = new ArrayList<>(msg.steps().size());
    for (StepEstimate step : msg.steps()) {
      startAfreshIfOtherEntries(step);
      if (step.step().step() > solver.lastStep()) {
        done.add(step);
        outputs.add(withJoint(step, solver.advance(step)));
        checkpointed.applied(msg.feed());
      }
    }
    msg.replyTo().tell(new Advanced(false, done, outputs));
    return this;
  }

  /**
   * Starts afresh when the estimator watches other entries than this solver's checkpoint did (the
   * entry selection changed across a restart, and the estimator started afresh too).
   */
  private void startAfreshIfOtherEntries(StepEstimate step) {
    if (solver.watchesEntriesOf(step.estimate())) {
      return;
    }
    getContext()
        .getLog()
        .warn(
            "{}: the checkpoint's densities are of entries {}, the estimator now watches {}: the"
                + " densities start afresh at step {}",
            entityId,
            solver.watched().selection(),
            step.estimate().getWatchedEntries(),
            step.step().step());
    solver = new EnsembleSolver(settings);
    joint = null;
  }

  /** The entry-wise output with the joint model's figures added, where the joint model applies. */
  private EnsembleSolver.Output withJoint(StepEstimate step, EnsembleSolver.Output out) {
    // the joint model couples the four entries: it needs every one of them watched
    if (joint == null
        && jointSettings.enabled()
        && JointSolver.appliesTo(step.step())
        && solver.watched() != null
        && solver.watched().everyEntry()) {
      joint = new JointSolver(settings, jointSettings);
    }
    if (joint == null) {
      return out;
    }
    // the entry-wise comparison's experiment side serves the joint one (kept from the next step on)
    JointSolver.Result r = joint.advance(step, solver.takeExperiment());
    solver.keepExperiments(true);
    return new EnsembleSolver.Output(r.addTo(out.alignment()), out.densities(), out.fields());
  }

  /** {@code msg} in its turn ({@link CheckpointedEntity#admit}), this entity at its last step. */
  private Behavior<Command> admit(
      Command msg, Feed feed, Runnable lost, Supplier<Behavior<Command>> take) {
    return checkpointed.admit(getContext(), msg, feed, "step", solver.lastStep(), lost, take);
  }

  private Behavior<Command> onTakeCheckpoint(TakeCheckpoint msg) {
    return admit(
        msg,
        msg.feed(),
        () -> msg.replyTo().tell(new Checkpoint(true, new byte[0])),
        () -> takeCheckpoint(msg));
  }

  private Behavior<Command> takeCheckpoint(TakeCheckpoint msg) {
    byte[] state =
        encoder.encode(
            out -> {
              solver.writeTo(out);
              out.writeBoolean(joint != null);
              if (joint != null) {
                joint.writeTo(out);
              }
            });
    msg.replyTo().tell(new Checkpoint(false, state));
    return this;
  }
}
