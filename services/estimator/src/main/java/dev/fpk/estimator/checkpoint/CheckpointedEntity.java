package dev.fpk.estimator.checkpoint;

import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The skeleton both checkpointed entities (estimator and solver of one (run, layer)) are built on:
 * restore, stash, and reload when ahead.
 *
 * <ul>
 *   <li><b>Restore.</b> On start the entity's latest checkpoint is loaded ({@link
 *       CheckpointLoader}); commands wait in a stash meanwhile; then the entity is built from its
 *       part of the checkpoint (none: it starts empty) and takes them in the order they came.
 *   <li><b>Reload when ahead.</b> A stream that meets the entity for the first time ({@code
 *       previous} = -1) feeds it from the committed offsets, which only its stored checkpoint
 *       matches. An entity that has applied anything since it was restored (fed by an earlier
 *       stream that failed or lost the partition before it saved those records) reloads its
 *       checkpoint before that command, so the new stream's records are applied again and their
 *       outputs produced again instead of skipped.
 *   <li><b>Reload when another stream fed it.</b> The same holds for a stream that fed the entity
 *       before ({@code previous} >= 0) and meets it again after another stream applied records to
 *       it: that other stream may have lost their outputs (it failed, or lost the partition, with
 *       them in flight), and a skip would lose them for good. Such two streams overlap only while
 *       partitions move between nodes.
 *   <li><b>Lost records.</b> A stream whose last command to the entity lies beyond where the entity
 *       stands gave it records it never applied (lost in flight): it is told so, and rewinds.
 * </ul>
 *
 * <p>Each command goes through {@link #admit}, which applies these rules in this order.
 *
 * <p>One instance per entity actor, touched only in that actor's message handling.
 *
 * @param <C> the entity's command type
 */
public final class CheckpointedEntity<C> {

  /** Commands that may wait while the checkpoint loads. */
  private static final int STASH_CAPACITY = 10_000;

  /**
   * The entity's own command that brings the loaded checkpoint to it (empty: none stored), or the
   * failure of the load (checkpoint then empty).
   */
  public interface Restored {
    Optional<EntityCheckpoint> checkpoint();

    @Nullable Throwable failure();
  }

  /** Builds the running entity from its part of the checkpoint (null: none, start empty). */
  @FunctionalInterface
  public interface Start<C> {
    Behavior<C> start(ActorContext<C> ctx, CheckpointedEntity<C> skeleton, byte @Nullable [] state);
  }

  private final Class<C> type;
  private final String entityId;
  private final CheckpointLoader checkpoints;
  private final Function<EntityCheckpoint, byte[]> part;
  private final BiFunction<Optional<EntityCheckpoint>, @Nullable Throwable, C> restored;
  private final StashBuffer<C> stash;
  private final Start<C> start;

  /** Applied something since restored: the state may be ahead of the stored checkpoint. */
  private boolean aheadOfRestore;

  /** The stream whose records the entity applied since restored (null: none, or only its timer). */
  private @Nullable String feeder;

  private CheckpointedEntity(
      Class<C> type,
      String entityId,
      CheckpointLoader checkpoints,
      Function<EntityCheckpoint, byte[]> part,
      BiFunction<Optional<EntityCheckpoint>, @Nullable Throwable, C> restored,
      StashBuffer<C> stash,
      Start<C> start) {
    this.type = type;
    this.entityId = entityId;
    this.checkpoints = checkpoints;
    this.part = part;
    this.restored = restored;
    this.stash = stash;
    this.start = start;
  }

  /**
   * The entity {@code entityId}: restores its checkpoint first, then takes commands.
   *
   * @param part the entity's part of the checkpoint record
   * @param restored makes the entity's {@link Restored} command of a loaded checkpoint or a failure
   * @param start builds the running entity from its restored state
   */
  public static <C> Behavior<C> create(
      Class<C> type,
      String entityId,
      CheckpointLoader checkpoints,
      Function<EntityCheckpoint, byte[]> part,
      BiFunction<Optional<EntityCheckpoint>, @Nullable Throwable, C> restored,
      Start<C> start) {
    return Behaviors.withStash(
        STASH_CAPACITY,
        stash ->
            Behaviors.setup(
                ctx ->
                    new CheckpointedEntity<>(
                            type, entityId, checkpoints, part, restored, stash, start)
                        .restoring(ctx)));
  }

  /** Loads the checkpoint, stashing commands meanwhile; then the restored entity takes them. */
  private Behavior<C> restoring(ActorContext<C> ctx) {
    ctx.pipeToSelf(
        checkpoints.load(entityId),
        (cp, e) -> restored.apply(e == null ? cp : Optional.empty(), e));
    return Behaviors.receive(type)
        .onAnyMessage(
            m -> {
              if (m instanceof Restored r) {
                return restore(r);
              }
              stash.stash(m);
              return Behaviors.same();
            })
        .build();
  }

  private Behavior<C> restore(Restored r) {
    if (r.failure() != null) {
      throw new IllegalStateException("could not load the checkpoint of " + entityId, r.failure());
    }
    aheadOfRestore = false;
    feeder = null;
    return Behaviors.setup(
        c -> stash.unstashAll(start.start(c, this, r.checkpoint().map(part).orElse(null))));
  }

  /**
   * Notes that the entity applied something of its own accord (its timer): its state is now ahead
   * of the stored checkpoint.
   */
  public void applied() {
    aheadOfRestore = true;
  }

  /** Notes that the entity applied records of this stream: ahead of the stored checkpoint. */
  public void applied(Feed feed) {
    aheadOfRestore = true;
    feeder = feed.stream();
  }

  /**
   * A command of {@code feed} taken in its turn: if the entity may hold records no checkpoint saved
   * and the command is the first of a stream that meets it ({@code previous} < 0) or comes from
   * another stream than the one whose records it applied since restored, the checkpoint is reloaded
   * first ({@link #reloadThen}); else if the stream gave the entity records beyond {@code position}
   * that it never applied, the stream lost them and is told so ({@code lost}, so it rewinds); else
   * the entity takes it ({@code take}).
   *
   * @param unit and {@code position}: where the entity stands ("offset" 12, "step" 40)
   */
  public Behavior<C> admit(
      ActorContext<C> ctx,
      C msg,
      Feed feed,
      String unit,
      long position,
      Runnable lost,
      Supplier<Behavior<C>> take) {
    if (mustReload(feed)) {
      return reloadThen(ctx, msg, unit, position);
    }
    if (feed.previous() > position) {
      lost.run();
      return Behaviors.same();
    }
    return take.get();
  }

  private boolean mustReload(Feed feed) {
    return aheadOfRestore
        && (feed.previous() < 0 || feeder != null && !feeder.equals(feed.stream()));
  }

  /**
   * Back to the stored checkpoint, then {@code msg}: the entity is built afresh from the checkpoint
   * and takes the command (and whatever came meanwhile) after it.
   */
  private Behavior<C> reloadThen(ActorContext<C> ctx, C msg, String unit, long position) {
    ctx.getLog()
        .info(
            "{}: fed by a stream new to it, or by another than the one it applied since"
                + " restored, while ahead of its checkpoint (at {} {}): reloading the checkpoint"
                + " first",
            entityId,
            unit,
            position);
    stash.stash(msg);
    return restoring(ctx);
  }
}
