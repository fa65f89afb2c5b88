package dev.fpk.estimator;

import dev.fpk.protocol.ChunkAssembler;
import dev.fpk.protocol.RejectReason;
import dev.fpk.protocol.Validation;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
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

  /**
   * The reply: the snapshot's outcome, the steps it completed, replicas declared gone, and for a
   * rejected snapshot why (else null).
   */
  public record Observed(Outcome outcome, List<StepEstimate> completed, List<Integer> gone,
      Validation.@Nullable Rejected<?> rejection) {}

  /** What became of one observed snapshot. */
  public enum Outcome {
    ACCEPTED,
    DUPLICATE,
    LATE,
    /** A chunk of a large matrix whose other chunks have not all arrived yet. */
    CHUNK_PENDING,
    REJECTED
  }

  private final StepAssembler assembler;
  private final ChunkAssembler chunks;
  private final EnsembleEstimator estimator;

  private EstimatorEntity(ActorContext<Command> ctx, EstimatorSettings settings) {
    super(ctx);
    this.assembler = new StepAssembler(settings.replicaTimeoutMillis(), settings.maxPendingSteps());
    this.chunks = new ChunkAssembler(settings.maxChunkBytes());
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
    ChunkAssembler.Outcome whole = chunks.add(msg.snapshot());
    if (whole instanceof ChunkAssembler.Outcome.Pending) {
      msg.replyTo().tell(new Observed(Outcome.CHUNK_PENDING, List.of(), List.of(), null));
    } else if (whole instanceof ChunkAssembler.Outcome.Rejected r) {
      reject(msg, new Validation.Rejected<>(r.reason(), r.detail()));
    } else {
      observe(((ChunkAssembler.Outcome.Complete) whole).snapshot(), msg.replyTo());
    }
    return this;
  }

  private void observe(WeightSnapshot snapshot, ActorRef<Observed> replyTo) {
    StepAssembler.Offer offer = assembler.offer(snapshot, System.currentTimeMillis());
    for (Integer replica : offer.gone()) {
      getContext().getLog().warn("{}/{}: replica {} silent too long, declared gone; the watermark moves on without it",
          snapshot.getRunId(), snapshot.getLayer(), replica);
    }
    List<StepEstimate> completed = new ArrayList<>(offer.completed().size());
    for (EnsembleStep step : offer.completed()) {
      completed.add(new StepEstimate(step, estimator.update(step)));
    }
    Outcome outcome = switch (offer.outcome()) {
      case ACCEPTED -> Outcome.ACCEPTED;
      case DUPLICATE -> Outcome.DUPLICATE;
      case LATE -> Outcome.LATE;
      case SHAPE_MISMATCH -> Outcome.REJECTED;
    };
    Validation.@Nullable Rejected<?> rejection = outcome != Outcome.REJECTED ? null : new Validation.Rejected<>(
        RejectReason.BAD_SHAPE, "shape = " + snapshot.getShapeList() + ": differs from the shape earlier snapshots of "
            + snapshot.getRunId() + "/" + snapshot.getLayer() + " have");
    replyTo.tell(new Observed(outcome, completed, offer.gone(), rejection));
  }

  private void reject(Observe msg, Validation.Rejected<?> rejection) {
    msg.replyTo().tell(new Observed(Outcome.REJECTED, List.of(), List.of(), rejection));
  }
}
