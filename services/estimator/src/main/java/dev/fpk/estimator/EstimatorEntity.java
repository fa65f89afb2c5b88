package dev.fpk.estimator;

import dev.fpk.estimator.checkpoint.CheckpointLoader;
import dev.fpk.estimator.checkpoint.CheckpointedEntity;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
import dev.fpk.estimator.checkpoint.Feed;
import dev.fpk.estimator.checkpoint.StateEncoder;
import dev.fpk.protocol.ChunkAssembler;
import dev.fpk.protocol.RejectReason;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Validation;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.jspecify.annotations.Nullable;

/**
 * The estimator of one (run, layer), a sharded entity whose id is the snapshot key: it assembles
 * complete ensemble steps from the snapshots ({@link StepAssembler}) and keeps the running drift
 * and diffusion of every entry ({@link EnsembleEstimator}).
 *
 * <p>On start it restores its latest checkpoint (commands wait meanwhile: {@link
 * CheckpointedEntity}) and from then on skips snapshots at or below the offset the checkpoint
 * covers: replayed records are not counted twice. A timer checks every quarter of the replica
 * timeout for silent replicas, so a step completes even when no snapshot arrives; steps completed
 * that way are handed out with the next reply (an {@link Observed} or a {@link Checkpoint}). The
 * chunks of large matrices still waiting for their other chunks are part of the checkpoint ({@link
 * PendingChunks}).
 *
 * <p>A stream that meets this entity for the first time ({@code previous} = -1), or another stream
 * than the one whose records it applied since restored, while it is ahead of its stored checkpoint
 * makes it reload the checkpoint first ({@link CheckpointedEntity}), so that the stream's records
 * are applied again and their outputs produced again. Time (the replicas' silence) is read from the
 * clock it is given: the wall clock in a node.
 */
public final class EstimatorEntity extends AbstractBehavior<EstimatorEntity.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "fpk-estimator");

  public sealed interface Command extends CborSerializable {}

  /**
   * Validated snapshots of this entity's (run, layer), in record order, read at {@code offsets} of
   * its partition (-1: not from Kafka, never skipped); the reply says what became of each. One
   * command carries every record of the key between two checkpoint barriers that the stream had at
   * hand, so a busy stream asks once per batch, not once per snapshot. {@code feed}: the sending
   * stream and the offset of the record it gave this entity before the first (-1: none or unknown):
   * if this entity has not applied that one, it lost records (it was restarted from its checkpoint
   * under a running stream), and answers {@link Outcome#LOST} for all of them without applying any.
   */
  public record Observe(
      List<WeightSnapshot> snapshots, long[] offsets, Feed feed, ActorRef<Observed> replyTo)
      implements Command {
    public Observe {
      if (snapshots.size() != offsets.length || snapshots.isEmpty()) {
        throw new IllegalArgumentException(
            "Observe: "
                + snapshots.size()
                + " snapshots but "
                + offsets.length
                + " offsets: need one offset per snapshot, at least one");
      }
    }

    /** One snapshot read at {@code offset}. */
    public static Observe one(
        WeightSnapshot snapshot, long offset, Feed feed, ActorRef<Observed> replyTo) {
      return new Observe(List.of(snapshot), new long[] {offset}, feed, replyTo);
    }
  }

  /**
   * The reply: each snapshot's outcome and, for a rejected one, why (else null), in the order of
   * the command; the steps completed since the last reply (oldest first) and replicas declared
   * gone.
   */
  public record Observed(
      List<Outcome> outcomes,
      List<Validation.@Nullable Rejected<?>> rejections,
      List<StepEstimate> completed,
      List<Integer> gone)
      implements CborSerializable {

    /** The outcome of the only (or first) snapshot. */
    public Outcome outcome() {
      return outcomes.get(0);
    }

    /** True when this entity lost records the sender gave it and applied none of these. */
    public boolean lost() {
      return outcomes.get(0) == Outcome.LOST;
    }
  }

  /**
   * Asks for the state (for the checkpoint topic) if it changed since the last one, whatever its
   * size (the checkpoint topic's writer splits it into chunks); {@code feed} as in {@link Observe}.
   */
  public record TakeCheckpoint(Feed feed, ActorRef<Checkpoint> replyTo) implements Command {}

  /**
   * The state as of every command received before the request ({@code changed} false: unchanged
   * since the last checkpoint, state empty), with the steps completed by the timer since the last
   * reply and replicas it declared gone; {@code lost}: this entity does not hold every record the
   * sender gave it (nothing else is set).
   */
  public record Checkpoint(
      boolean lost, boolean changed, byte[] state, List<StepEstimate> completed, List<Integer> gone)
      implements CborSerializable {}

  /**
   * Stops this entity, so that the next command finds it restored from its checkpoint: the sender
   * rewinds an entity pair that lost records to their common checkpoint.
   */
  public enum Reload implements Command {
    INSTANCE
  }

  /** What became of one observed snapshot. */
  public enum Outcome {
    ACCEPTED,
    DUPLICATE,
    LATE,
    /** A chunk of a large matrix whose other chunks have not all arrived yet. */
    CHUNK_PENDING,
    REJECTED,
    /** At or below the offset the restored checkpoint covers: already counted. */
    SKIPPED,
    /** Not applied: this entity lost records the sender gave it before (see {@link Observe}). */
    LOST
  }

  private enum Tick implements Command {
    INSTANCE
  }

  private record Restored(Optional<EntityCheckpoint> checkpoint, @Nullable Throwable failure)
      implements Command, CheckpointedEntity.Restored {}

  private final EstimatorSettings settings;
  private final String entityId;
  private final StepAssembler assembler;
  private final PendingChunks chunks;
  private final EnsembleEstimator estimator;

  /** The entries of this layer to estimate ({@code fpk.entries}). */
  private final EntrySelection selection;

  private final List<StepEstimate> ready = new ArrayList<>();
  private final List<Integer> goneSinceReply = new ArrayList<>();
  private final CheckpointedEntity<Command> checkpointed;
  private final StateEncoder encoder = new StateEncoder();

  /** Wall-clock milliseconds. */
  private final LongSupplier clock;

  private long appliedOffset;
  private boolean changed;

  private EstimatorEntity(
      ActorContext<Command> ctx,
      EstimatorSettings settings,
      String entityId,
      byte @Nullable [] state,
      CheckpointedEntity<Command> checkpointed,
      TimerScheduler<Command> timers,
      LongSupplier clock) {
    super(ctx);
    this.settings = settings;
    this.entityId = entityId;
    this.checkpointed = checkpointed;
    this.clock = clock;
    this.chunks = new PendingChunks(settings.maxChunkBytes());
    this.selection = settings.entries().forLayer(layerOf(entityId));
    if (state == null || state.length == 0) {
      this.appliedOffset = -1;
      this.assembler =
          new StepAssembler(settings.replicaTimeoutMillis(), settings.maxPendingSteps());
      this.estimator = new EnsembleEstimator(settings, selection);
    } else {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
        this.appliedOffset = in.readLong();
        this.assembler =
            StepAssembler.readFrom(
                in, settings.replicaTimeoutMillis(), settings.maxPendingSteps(), clock.getAsLong());
        this.estimator = EnsembleEstimator.readFrom(in, settings, selection);
        // the chunks of incomplete snapshots follow (absent in checkpoints written before them)
        if (in.available() > 0) {
          chunks.readFrom(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable estimator checkpoint of " + entityId, e);
      }
      ctx.getLog()
          .info(
              "{}: estimator restored from its checkpoint, at offset {}, watermark step {}",
              entityId,
              appliedOffset,
              assembler.watermark());
      if (estimator.discardedSelection() != null) {
        ctx.getLog()
            .warn(
                "{}: the checkpoint watched entries {} but {} now selects {}: its drift and"
                    + " diffusion start afresh (the step watermark and offsets are kept)",
                entityId,
                estimator.discardedSelection(),
                EntrySelections.KEY,
                selection);
      }
    }
    if (!selection.all()) {
      ctx.getLog().info("{}: watching entries {} ({})", entityId, selection, EntrySelections.KEY);
    }
    timers.startTimerWithFixedDelay(Tick.INSTANCE, tickInterval(settings));
  }

  /**
   * The entity of one (run, layer) on the wall clock: restores its checkpoint first, then takes
   * commands.
   */
  public static Behavior<Command> create(
      EstimatorSettings settings, String entityId, CheckpointLoader checkpoints) {
    return create(settings, entityId, checkpoints, System::currentTimeMillis);
  }

  /**
   * As {@link #create(EstimatorSettings, String, CheckpointLoader)}, reading the time in ms from
   * {@code clock}.
   */
  public static Behavior<Command> create(
      EstimatorSettings settings,
      String entityId,
      CheckpointLoader checkpoints,
      LongSupplier clock) {
    return Behaviors.withTimers(
        timers ->
            CheckpointedEntity.create(
                Command.class,
                entityId,
                checkpoints,
                EntityCheckpoint::estimator,
                Restored::new,
                (ctx, checkpointed, state) ->
                    new EstimatorEntity(
                        ctx, settings, entityId, state, checkpointed, timers, clock)));
  }

  /** The layer of an entity id (the snapshot key); the whole id if it is not a key. */
  static String layerOf(String entityId) {
    try {
      return SnapshotKey.parse(entityId).layer();
    } catch (IllegalArgumentException notAKey) {
      return entityId;
    }
  }

  /** How often silent replicas are looked for: a quarter of the timeout, at least 100 ms. */
  static Duration tickInterval(EstimatorSettings settings) {
    return Duration.ofMillis(Math.max(100, settings.replicaTimeoutMillis() / 4));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Observe.class, this::onObserve)
        .onMessage(TakeCheckpoint.class, this::onTakeCheckpoint)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Reload.INSTANCE, Behaviors::stopped)
        .build();
  }

  private Behavior<Command> onObserve(Observe msg) {
    int n = msg.snapshots().size();
    return admit(
        msg,
        msg.feed(),
        () ->
            msg.replyTo()
                .tell(
                    new Observed(
                        Collections.nCopies(n, Outcome.LOST),
                        Collections.nCopies(n, null),
                        List.of(),
                        List.of())),
        () -> observe(msg));
  }

  private Behavior<Command> observe(Observe msg) {
    int n = msg.snapshots().size();
    List<Outcome> outcomes = new ArrayList<>(n);
    List<Validation.@Nullable Rejected<?>> rejections = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      apply(msg.snapshots().get(i), msg.offsets()[i], msg.feed(), outcomes, rejections);
    }
    msg.replyTo().tell(new Observed(outcomes, rejections, takeReady(), takeGone()));
    return this;
  }

  /**
   * Applies one snapshot unless the checkpoint already holds it; adds its outcome and rejection (or
   * null).
   */
  private void apply(
      WeightSnapshot snapshot,
      long offset,
      Feed feed,
      List<Outcome> outcomes,
      List<Validation.@Nullable Rejected<?>> rejections) {
    if (offset >= 0 && offset <= appliedOffset) {
      outcomes.add(Outcome.SKIPPED);
      rejections.add(null);
      return;
    }
    appliedOffset = Math.max(appliedOffset, offset);
    changed = true;
    checkpointed.applied(feed);
    ChunkAssembler.Outcome whole = chunks.add(snapshot);
    if (whole instanceof ChunkAssembler.Outcome.Pending) {
      outcomes.add(Outcome.CHUNK_PENDING);
      rejections.add(null);
    } else if (whole instanceof ChunkAssembler.Outcome.Rejected r) {
      outcomes.add(Outcome.REJECTED);
      rejections.add(new Validation.Rejected<>(r.reason(), r.detail()));
    } else {
      observe(((ChunkAssembler.Outcome.Complete) whole).snapshot(), outcomes, rejections);
    }
  }

  private void observe(
      WeightSnapshot snapshot,
      List<Outcome> outcomes,
      List<Validation.@Nullable Rejected<?>> rejections) {
    StepAssembler.Offer offer = assembler.offer(snapshot, clock.getAsLong());
    complete(offer);
    Outcome outcome =
        switch (offer.outcome()) {
          case ACCEPTED -> Outcome.ACCEPTED;
          case DUPLICATE -> Outcome.DUPLICATE;
          case LATE -> Outcome.LATE;
          case SHAPE_MISMATCH -> Outcome.REJECTED;
        };
    outcomes.add(outcome);
    rejections.add(
        outcome != Outcome.REJECTED
            ? null
            : new Validation.Rejected<>(
                RejectReason.BAD_SHAPE,
                "shape = "
                    + snapshot.getShapeList()
                    + ": differs from the shape earlier snapshots of "
                    + snapshot.getRunId()
                    + "/"
                    + snapshot.getLayer()
                    + " have"));
  }

  private Behavior<Command> onTick() {
    StepAssembler.Offer offer = assembler.tick(clock.getAsLong());
    if (!offer.completed().isEmpty() || !offer.gone().isEmpty()) {
      changed = true;
      checkpointed.applied();
      complete(offer);
    }
    return this;
  }

  /** Estimates the completed steps into {@link #ready} and logs the replicas declared gone. */
  private void complete(StepAssembler.Offer offer) {
    SilentReplicas.log(
        getContext().getLog(), entityId, offer.gone(), assembler, settings.replicaTimeoutMillis());
    goneSinceReply.addAll(offer.gone());
    for (EnsembleStep step : offer.completed()) {
      boolean first = estimator.watched() == null;
      ready.add(new StepEstimate(step, estimator.update(step)));
      int[] beyond = selection.beyond(step.shape());
      if (first && beyond.length > 0) {
        getContext()
            .getLog()
            .warn(
                "{}: {} lists entries {} beyond the layer's {} entries (shape {}): they are ignored",
                entityId,
                selection,
                java.util.Arrays.toString(beyond),
                step.entries(),
                java.util.Arrays.toString(step.shape()));
      }
    }
  }

  /**
   * {@code msg} in its turn ({@link CheckpointedEntity#admit}), this entity at its applied offset.
   */
  private Behavior<Command> admit(
      Command msg, Feed feed, Runnable lost, Supplier<Behavior<Command>> take) {
    return checkpointed.admit(getContext(), msg, feed, "offset", appliedOffset, lost, take);
  }

  private Behavior<Command> onTakeCheckpoint(TakeCheckpoint msg) {
    return admit(
        msg,
        msg.feed(),
        () -> msg.replyTo().tell(new Checkpoint(true, false, new byte[0], List.of(), List.of())),
        () -> takeCheckpoint(msg));
  }

  private Behavior<Command> takeCheckpoint(TakeCheckpoint msg) {
    List<StepEstimate> completed = takeReady();
    List<Integer> gone = takeGone();
    byte[] state = changed ? encode() : new byte[0];
    msg.replyTo().tell(new Checkpoint(false, changed, state, completed, gone));
    changed = false;
    return this;
  }

  private byte[] encode() {
    return encoder.encode(
        out -> {
          out.writeLong(appliedOffset);
          assembler.writeTo(out);
          estimator.writeTo(out);
          chunks.writeTo(out);
        });
  }

  private List<StepEstimate> takeReady() {
    if (ready.isEmpty()) {
      return List.of();
    }
    List<StepEstimate> out = List.copyOf(ready);
    ready.clear();
    return out;
  }

  private List<Integer> takeGone() {
    if (goneSinceReply.isEmpty()) {
      return List.of();
    }
    List<Integer> out = List.copyOf(goneSinceReply);
    goneSinceReply.clear();
    return out;
  }
}
