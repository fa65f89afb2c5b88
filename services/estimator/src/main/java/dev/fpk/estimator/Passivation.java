package dev.fpk.estimator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Counts the (run, layer) entities cluster sharding passivates on a running node. Which entities
 * go is Pekko's own passivation strategy ({@code pekko.cluster.sharding.passivation}, set in the
 * estimator's reference.conf: at most {@code active-entity-limit} entities per node, the least
 * recently used passivated first, and any idle for {@code idle-entity.timeout}); a passivated
 * entity's state is in its last checkpoint and comes back from there when its key is fed again.
 *
 * <p>Sharding tells an entity to stop with its stop message both when it passivates it and when it
 * hands its shard to another node; stops while the node shuts down are hand-offs and not counted,
 * a shard moving to a node that joins is (rare: partitions move only when nodes come or go).
 */
public final class Passivation {
  /** Name of the counter, tagged {@code type} = estimator or solver. */
  public static final String METER = "fpk.entities.passivated";

  private Passivation() {}

  /** The counter of one entity type in the registry. */
  public static Counter counter(MeterRegistry registry, String type) {
    return Counter.builder(METER).baseUnit("entities")
        .description("(run, layer) entities passivated at the active-entity limit (least recently used) or when idle")
        .tag("type", type).register(registry);
  }

  /**
   * The entity's behaviour with sharding's stop message taken first, wherever the entity is (still
   * restoring its checkpoint, or running): counted unless the node is shutting down, then stopped.
   */
  public static <T> Behavior<T> counted(Behavior<T> entity, T stopMessage, Class<T> type, Counter counter) {
    return Behaviors.intercept(() -> new BehaviorInterceptor<T, T>(type) {
      @Override
      public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
        if (!msg.equals(stopMessage)) {
          return target.apply(ctx, msg);
        }
        if (CoordinatedShutdown.get(ctx.asJava().getSystem()).getShutdownReason().isEmpty()) {
          counter.increment();
        }
        return Behaviors.stopped();
      }
    }, entity);
  }
}
