package dev.fpk.analysis.sharding;

import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.EstimatorSettings;
import dev.fpk.estimator.checkpoint.CheckpointLoader;
import dev.fpk.solver.JointSettings;
import dev.fpk.solver.SolverEntity;
import dev.fpk.solver.SolverSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Registers the estimator and solver entities with cluster sharding, one of each per (run, layer)
 * (entity id = the snapshot key): shard = the Kafka partition of the key ({@link
 * KafkaPartitionExtractor}), placed where that partition is consumed ({@link KafkaShardAlignment}),
 * restored from the checkpoint topic where it starts, and each passivation counted ({@link
 * Passivation}). The entities get their settings from here, parsed once.
 */
public final class EntityShards {
  /** The entity types whose shards follow the snapshot topic's partitions. */
  public static final List<EntityTypeKey<?>> TYPES =
      List.of(EstimatorEntity.TYPE_KEY, SolverEntity.TYPE_KEY);

  private EntityShards() {}

  /** Registers both entity types on this node, the estimator first. */
  public static void init(
      ActorSystem<?> system,
      int partitions,
      CheckpointLoader checkpoints,
      MeterRegistry registry,
      EstimatorSettings estimator,
      SolverSettings solver,
      JointSettings joint) {
    init(
        system,
        partitions,
        registry,
        "estimator",
        EstimatorEntity.TYPE_KEY,
        EstimatorEntity.Command.class,
        EstimatorEntity.Reload.INSTANCE,
        id -> EstimatorEntity.create(estimator, id, checkpoints));
    init(
        system,
        partitions,
        registry,
        "solver",
        SolverEntity.TYPE_KEY,
        SolverEntity.Command.class,
        SolverEntity.Reload.INSTANCE,
        id -> SolverEntity.create(solver, joint, id, checkpoints));
  }

  private static <C> void init(
      ActorSystem<?> system,
      int partitions,
      MeterRegistry registry,
      String name,
      EntityTypeKey<C> type,
      Class<C> commands,
      C reload,
      Function<String, Behavior<C>> create) {
    Counter passivated = Passivation.counter(registry, name);
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    type,
                    ctx ->
                        Passivation.counted(
                            create.apply(ctx.getEntityId()), reload, commands, passivated))
                .withMessageExtractor(new KafkaPartitionExtractor<>(partitions))
                .withAllocationStrategy(KafkaShardAlignment.strategy(system, type)));
  }
}
