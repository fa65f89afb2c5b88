package dev.fpk.analysis.stream;

import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.estimator.checkpoint.Feed;
import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.solver.SolverEntity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.japi.function.Function;

/**
 * The entities as a node's stream asks them: through cluster sharding, each ask timing out after
 * {@code askTimeout}, each reply handed to a plain future completed on the actor system's
 * dispatcher, so whatever follows it runs there (not on a thread of its own: {@link Replies}).
 * Every command names the stream ({@link Feed}), so that an entity fed by two streams in turn
 * (while partitions move between nodes) can tell.
 */
final class ShardedEntities implements EstimatorAsk, SolverAsk, Rewind {
  private final ClusterSharding sharding;
  private final Executor replies;
  private final Duration askTimeout;
  private final String stream;

  /**
   * @param stream the asking stream's id, unique in the cluster
   */
  ShardedEntities(ActorSystem<?> system, Duration askTimeout, String stream) {
    this.sharding = ClusterSharding.get(system);
    this.replies = system.executionContext();
    this.askTimeout = askTimeout;
    this.stream = stream;
  }

  @Override
  public CompletableFuture<EstimatorEntity.Observed> observe(
      String key, List<WeightSnapshot> snapshots, long[] offsets, long previous) {
    return ask(
        EstimatorEntity.TYPE_KEY,
        key,
        (ActorRef<EstimatorEntity.Observed> replyTo) ->
            new EstimatorEntity.Observe(snapshots, offsets, feed(previous), replyTo));
  }

  @Override
  public CompletableFuture<EstimatorEntity.Checkpoint> checkpointEstimator(
      String key, long previous) {
    return ask(
        EstimatorEntity.TYPE_KEY,
        key,
        (ActorRef<EstimatorEntity.Checkpoint> replyTo) ->
            new EstimatorEntity.TakeCheckpoint(feed(previous), replyTo));
  }

  @Override
  public CompletableFuture<SolverEntity.Advanced> advance(
      String key, List<StepEstimate> steps, long previous) {
    return ask(
        SolverEntity.TYPE_KEY,
        key,
        (ActorRef<SolverEntity.Advanced> replyTo) ->
            new SolverEntity.Advance(steps, feed(previous), replyTo));
  }

  @Override
  public CompletableFuture<SolverEntity.Checkpoint> checkpoint(String key, long previous) {
    return ask(
        SolverEntity.TYPE_KEY,
        key,
        (ActorRef<SolverEntity.Checkpoint> replyTo) ->
            new SolverEntity.TakeCheckpoint(feed(previous), replyTo));
  }

  /**
   * Tells both entities of the key to reload their checkpoint; the exception that then fails the
   * stream.
   */
  @Override
  public AnalysisStream.EntityLostRecords lost(String key) {
    sharding.entityRefFor(EstimatorEntity.TYPE_KEY, key).tell(EstimatorEntity.Reload.INSTANCE);
    sharding.entityRefFor(SolverEntity.TYPE_KEY, key).tell(SolverEntity.Reload.INSTANCE);
    return new AnalysisStream.EntityLostRecords(key);
  }

  private Feed feed(long previous) {
    return new Feed(stream, previous);
  }

  private <M, R> CompletableFuture<R> ask(
      EntityTypeKey<M> type, String key, Function<ActorRef<R>, M> message) {
    return Replies.on(replies, sharding.entityRefFor(type, key).ask(message, askTimeout));
  }
}
