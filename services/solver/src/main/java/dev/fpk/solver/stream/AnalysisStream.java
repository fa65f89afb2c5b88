package dev.fpk.solver.stream;

import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.protocol.DeadLetters;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.SnapshotValidator;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.Validation;
import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.solver.EnsembleSolver;
import dev.fpk.solver.SolverEntity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.Producer;

/**
 * The analysis pipeline: snapshots from Kafka, validated at the edge (rejects to the dead-letter
 * topic), through the estimator entity and then the solver entity of their (run, layer), and
 * their outputs back to Kafka; offsets are committed only once those outputs are written.
 *
 * <p>Both entities are asked (not told), in stream order, so a slow entity back-pressures the
 * consumer instead of filling a mailbox; asks to one entity are issued in record order, which
 * keeps each (run, layer) in order.
 */
public final class AnalysisStream {

  /** Where the stream reads and how hard it pushes. */
  public record Settings(String bootstrapServers, String groupId, int parallelism, Duration askTimeout) {}

  private final ActorSystem<?> system;
  private final Settings settings;
  private final SnapshotValidator validator;
  private final PipelineMetrics metrics;
  private final ClusterSharding sharding;

  public AnalysisStream(ActorSystem<?> system, Settings settings, SnapshotValidator validator, PipelineMetrics metrics) {
    this.system = system;
    this.settings = settings;
    this.validator = validator;
    this.metrics = metrics;
    this.sharding = ClusterSharding.get(system);
  }

  /** Starts consuming; the control drains and stops it. */
  public Consumer.DrainingControl<Done> run() {
    ConsumerSettings<String, byte[]> consumer = ConsumerSettings
        .create(system, new StringDeserializer(), new ByteArrayDeserializer())
        .withBootstrapServers(settings.bootstrapServers())
        .withGroupId(settings.groupId())
        .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .withStopTimeout(Duration.ZERO);
    ProducerSettings<String, byte[]> producer = ProducerSettings
        .create(system, new StringSerializer(), new ByteArraySerializer())
        .withBootstrapServers(settings.bootstrapServers());
    return Consumer.committableSource(consumer, Subscriptions.topics(Topics.SNAPSHOTS))
        .map(this::validate)
        .mapAsync(settings.parallelism(), this::observe)
        .mapAsync(settings.parallelism(), this::solve)
        .map(this::envelope)
        .via(Producer.flexiFlow(producer))
        .map(ProducerMessage.Results::passThrough)
        .toMat(Committer.sink(CommitterSettings.create(system)), Consumer::createDrainingControl)
        .run(system);
  }

  /** A record on its way through the pipeline, gathering what it produces. */
  private static final class InFlight {
    final CommittableMessage<String, byte[]> message;
    final List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    WeightSnapshot snapshot;
    List<StepEstimate> completed = List.of();

    InFlight(CommittableMessage<String, byte[]> message) {
      this.message = message;
    }

    String key() {
      return SnapshotKey.of(snapshot.getRunId(), snapshot.getLayer());
    }
  }

  private InFlight validate(CommittableMessage<String, byte[]> message) {
    InFlight f = new InFlight(message);
    Header schema = message.record().headers().lastHeader(Topics.SCHEMA_HEADER);
    Validation<WeightSnapshot> v = validator.parse(message.record().value(), schema == null ? null : schema.value());
    if (v instanceof Validation.Accepted<WeightSnapshot> a) {
      f.snapshot = a.value();
    } else {
      reject(f, (Validation.Rejected<WeightSnapshot>) v);
    }
    return f;
  }

  private void reject(InFlight f, Validation.Rejected<?> rejected) {
    ConsumerRecord<String, byte[]> r = f.message.record();
    metrics.rejected(rejected.reason().wireName());
    system.log().warn("rejected {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), rejected);
    f.out.add(new ProducerRecord<>(Topics.DEAD_LETTER, r.key(),
        DeadLetters.of(rejected, r.topic(), r.partition(), r.offset(), r.value()).toByteArray()));
    f.snapshot = null;
  }

  private CompletionStage<InFlight> observe(InFlight f) {
    if (f.snapshot == null) {
      return CompletableFuture.completedFuture(f);
    }
    return sharding.entityRefFor(EstimatorEntity.TYPE_KEY, f.key())
        .<EstimatorEntity.Observed>ask(replyTo -> new EstimatorEntity.Observe(f.snapshot, replyTo), settings.askTimeout())
        .thenApply(observed -> afterObserve(f, observed));
  }

  private InFlight afterObserve(InFlight f, EstimatorEntity.Observed observed) {
    String run = f.snapshot.getRunId();
    String layer = f.snapshot.getLayer();
    switch (observed.outcome()) {
      case ACCEPTED -> metrics.accepted(run, layer);
      case DUPLICATE -> metrics.duplicate(run, layer);
      case LATE -> metrics.late(run, layer);
      case CHUNK_PENDING -> { }
      case REJECTED -> reject(f, observed.rejection());
    }
    f.completed = observed.completed();
    return f;
  }

  private CompletionStage<InFlight> solve(InFlight f) {
    if (f.completed.isEmpty()) {
      return CompletableFuture.completedFuture(f);
    }
    String key = SnapshotKey.of(f.completed.get(0).step().runId(), f.completed.get(0).step().layer());
    long start = System.nanoTime();
    return sharding.entityRefFor(SolverEntity.TYPE_KEY, key)
        .<SolverEntity.Advanced>ask(replyTo -> new SolverEntity.Advance(f.completed, replyTo), settings.askTimeout())
        .thenApply(advanced -> {
          metrics.solved(System.nanoTime() - start, f.completed.size());
          addOutputs(f, key, advanced.outputs());
          return f;
        });
  }

  private void addOutputs(InFlight f, String key, List<EnsembleSolver.Output> outputs) {
    for (int i = 0; i < outputs.size(); i++) {
      EnsembleSolver.Output o = outputs.get(i);
      f.out.add(new ProducerRecord<>(Topics.ESTIMATES, key, f.completed.get(i).estimate().toByteArray()));
      f.out.add(new ProducerRecord<>(Topics.DENSITIES, key, o.densities().toByteArray()));
      f.out.add(new ProducerRecord<>(Topics.ALIGNMENT, key, o.alignment().toByteArray()));
      metrics.aligned(o.alignment());
    }
  }

  private ProducerMessage.Envelope<String, byte[], CommittableOffset> envelope(InFlight f) {
    return ProducerMessage.multi(f.out, f.message.committableOffset());
  }
}
