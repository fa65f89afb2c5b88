package dev.fpk.estimator;

import dev.fpk.protocol.v1.WeightSnapshot;
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
 * The estimator of one (run, layer), a sharded entity whose id is the snapshot key: it assembles
 * complete ensemble steps from the snapshots ({@link StepAssembler}) and keeps the running drift
 * and diffusion of every entry ({@link EnsembleEstimator}).
 */
public final class EstimatorEntity extends AbstractBehavior<EstimatorEntity.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "fpk-estimator");

  public sealed interface Command {}

  /** One validated snapshot of this entity's (run, layer); the reply says what became of it. */
  public record Observe(WeightSnapshot snapshot, ActorRef<Observed> replyTo) implements Command {}

  /** The reply: the snapshot's outcome, the steps it completed, replicas declared gone. */
  public record Observed(StepAssembler.Outcome outcome, List<StepEstimate> completed, List<Integer> gone) {}

  private final StepAssembler assembler;
  private final EnsembleEstimator estimator;

  private EstimatorEntity(ActorContext<Command> ctx, EstimatorSettings settings) {
    super(ctx);
    this.assembler = new StepAssembler(settings.replicaTimeoutMillis(), settings.maxPendingSteps());
    this.estimator = new EnsembleEstimator(settings);
  }

  public static Behavior<Command> create(EstimatorSettings settings) {
    return Behaviors.setup(ctx -> new EstimatorEntity(ctx, settings));
  }

  /** Registers the entity type with sharding; shards follow the Kafka partitions of the key. */
  public static void init(ClusterSharding sharding, EstimatorSettings settings, int partitions) {
    sharding.init(Entity.of(TYPE_KEY, ctx -> create(settings))
        .withMessageExtractor(new KafkaPartitionExtractor<>(partitions)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Observe.class, this::onObserve).build();
  }

  private Behavior<Command> onObserve(Observe msg) {
    StepAssembler.Offer offer = assembler.offer(msg.snapshot(), System.currentTimeMillis());
    for (Integer replica : offer.gone()) {
      getContext().getLog().warn("{}/{}: replica {} silent too long, declared gone; the watermark moves on without it",
          msg.snapshot().getRunId(), msg.snapshot().getLayer(), replica);
    }
    List<StepEstimate> completed = new ArrayList<>(offer.completed().size());
    for (EnsembleStep step : offer.completed()) {
      completed.add(new StepEstimate(step, estimator.update(step)));
    }
    msg.replyTo().tell(new Observed(offer.outcome(), completed, offer.gone()));
    return this;
  }
}
