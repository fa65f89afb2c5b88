package dev.fpk.analysis.sharding;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Counts the (run, layer) entities cluster sharding passivates on a running node. Which entities go
 * is Pekko's own passivation strategy ({@code pekko.cluster.sharding.passivation}, set in the
 * analysis' reference.conf: at most {@code active-entity-limit} entities per node, the least
 * recently used passivated first, and any idle for {@code idle-entity.timeout}); a passivated
 * entity's state is in its last checkpoint and comes back from there when its key is fed again.
 *
 * <p>An entity's stop is counted unless the stream asked it to reload its checkpoint or the node
 * shuts down (its shards handed off); a shard moving to a node that joins counts too (rare:
 * partitions move only when nodes come or go). The stop is seen as the PostStop signal, not as a
 * sharding stop message ({@code Entity.withStopMessage}): with one, the reports after a hand-off
 * differed from the single node's by 3-5% in TwoNodeFailoverIT; without, they are equal.
 */
public final class Passivation {
  /** Name of the counter, tagged {@code type} = estimator or solver. */
  public static final String METER = "fpk.entities.passivated";

  private Passivation() {}

  /** The counter of one entity type in the registry. */
  public static Counter counter(MeterRegistry registry, String type) {
    return Counter.builder(METER)
        .baseUnit("entities")
        .description(
            "(run, layer) entities passivated at the active-entity limit (least recently used) or when idle")
        .tag("type", type)
        .register(registry);
  }

  /**
   * The entity's behaviour with its stops counted: every stop but one after {@code reload} (the
   * stream's request to reload the checkpoint) or during the node's shutdown.
   */
  public static <T> Behavior<T> counted(
      Behavior<T> entity, T reload, Class<T> type, Counter counter) {
    return Behaviors.intercept(
        () ->
            new BehaviorInterceptor<T, T>(type) {
              private boolean reloading;

              @Override
              public Behavior<T> aroundReceive(
                  TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
                reloading |= msg.equals(reload);
                return target.apply(ctx, msg);
              }

              @Override
              public Behavior<T> aroundSignal(
                  TypedActorContext<T> ctx, Signal signal, SignalTarget<T> target) {
                if (signal instanceof PostStop
                    && !reloading
                    && CoordinatedShutdown.get(ctx.asJava().getSystem())
                        .getShutdownReason()
                        .isEmpty()) {
                  counter.increment();
                }
                return target.apply(ctx, signal);
              }
            },
        entity);
  }
}
