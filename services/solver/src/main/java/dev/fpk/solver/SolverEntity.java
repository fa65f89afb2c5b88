package dev.fpk.solver;

import dev.fpk.estimator.KafkaPartitionExtractor;
import dev.fpk.estimator.StepEstimate;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The solver of one (run, layer), a sharded entity whose id is the snapshot key: it advances the
 * Fokker-Planck density of every entry through the completed steps it is given, in step order,
 * and answers with the alignment and density figures of each ({@link EnsembleSolver}).
 */
public final class SolverEntity extends AbstractBehavior<SolverEntity.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "fpk-solver");

  public sealed interface Command {}

  /** Completed steps of this entity's (run, layer), oldest first. */
  public record Advance(List<StepEstimate> steps, ActorRef<Advanced> replyTo) implements Command {}

  /** The reply: one output per step given. */
  public record Advanced(List<EnsembleSolver.Output> outputs) {}

  private final EnsembleSolver solver;

  private SolverEntity(ActorContext<Command> ctx, SolverSettings settings) {
    super(ctx);
    this.solver = new EnsembleSolver(settings);
  }

  public static Behavior<Command> create(SolverSettings settings) {
    return Behaviors.setup(ctx -> new SolverEntity(ctx, settings));
  }

  /** Registers the entity type with sharding; shards follow the Kafka partitions of the key. */
  public static void init(ClusterSharding sharding, SolverSettings settings, int partitions) {
    sharding.init(Entity.of(TYPE_KEY, ctx -> create(settings))
        .withMessageExtractor(new KafkaPartitionExtractor<>(partitions)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Advance.class, this::onAdvance).build();
  }

  private Behavior<Command> onAdvance(Advance msg) {
    List<EnsembleSolver.Output> outputs = new ArrayList<>(msg.steps().size());
    for (StepEstimate step : msg.steps()) {
      outputs.add(solver.advance(step));
    }
    msg.replyTo().tell(new Advanced(outputs));
    return this;
  }
}
