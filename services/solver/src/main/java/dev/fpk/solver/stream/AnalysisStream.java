package dev.fpk.solver.stream;

import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.KafkaPartitionExtractor;
import dev.fpk.estimator.KafkaShardAlignment;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffsetBatch;
import org.apache.pekko.kafka.ConsumerRebalanceEvent;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.RestrictedConsumer;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.PartitionAssignmentHandler;
import org.apache.pekko.kafka.javadsl.Producer;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The analysis pipeline: snapshots from Kafka, validated at the edge (rejects to the dead-letter
 * topic), through the estimator entity and then the solver entity of their (run, layer), and
 * their outputs back to Kafka.
 *
 * <p>Both entities are asked (not told), in stream order, so a slow entity back-pressures the
 * consumer instead of filling a mailbox; asks to one entity are issued in record order, which
 * keeps each (run, layer) in order. <b>Batches</b>: while the entities are busy, the elements
 * waiting for them are gathered into a {@link Batch} (at most 512 records, fewer when large:
 * {@link #MAX_BATCH_VALUES}); a batch asks each entity once for all its records between two
 * barriers (a record never shares an ask with one on the other side of a barrier), so a loaded
 * stream asks once per (run, layer) and batch instead of once per snapshot, and an idle one still
 * passes each record on at once.
 *
 * <p><b>Nothing lost, nothing counted twice.</b> {@link Barriers} puts checkpoint barriers into
 * the stream. A barrier passes the same stages as the records: in the estimator stage it asks
 * each of its entities for its state, in the solver stage it advances the solver through the
 * steps the estimator's timer completed and asks for its state, so both states hold exactly the
 * records before the barrier. They are written to {@link Topics#CHECKPOINTS} ({@link
 * EntityCheckpoint}), and only then are the offsets of those records committed. A restarted (or
 * moved) entity restores its checkpoint and skips records it already holds; the consumer resumes at
 * the committed offsets, which the checkpoints cover. A stream that replaces a failed one meets
 * entities the failed stream fed past their checkpoints: each reloads its checkpoint at the new
 * stream's first ask ({@code previous} = -1), so those records' outputs are produced again. Consumer group = {@code groupId}, one for
 * the combined estimator-solver stream (the stream asks both, so they are consumed together).
 *
 * <p>Shards follow the partitions: the consumer's rebalance listener places the shards of the
 * partitions this node is assigned here ({@link KafkaShardAlignment}).
 */
public final class AnalysisStream {

  /**
   * Where the stream reads and how hard it pushes.
   *
   * @param partitions partitions of the snapshot topic (= of the checkpoint topic)
   * @param checkpointInterval at most one checkpoint barrier per interval (also the commit cadence)
   * @param maxCheckpointBytes an entity state above this is not checkpointed (logged and counted)
   * @param keepKeys how long after its last record an entity is still asked at barriers
   */
  public record Settings(String bootstrapServers, String groupId, int parallelism, Duration askTimeout,
      int partitions, Duration checkpointInterval, long maxCheckpointBytes, Duration keepKeys) {}

  private final ActorSystem<?> system;
  private final Settings settings;
  private final SnapshotValidator validator;
  private final PipelineMetrics metrics;
  private final ClusterSharding sharding;
  /** Where the continuations of the entities' replies run: the actor system's dispatcher (see {@link Replies}). */
  private final Executor replies;
  /** Entities already warned about an uncheckpointable state (warned once, counted always). */
  private final Set<String> tooLarge = ConcurrentHashMap.newKeySet();
  // what this stream gave each entity last (offset to the estimator, step to the solver), so an
  // entity restarted under it is caught; touched only by the stages' functions, one at a time
  private final Map<String, Long> fedOffset = new HashMap<>();
  private final Map<String, Long> fedStep = new HashMap<>();
  /** Records of each partition between the source and the producer, so that a revocation can wait for them. */
  private final Map<Integer, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  public AnalysisStream(ActorSystem<?> system, Settings settings, SnapshotValidator validator, PipelineMetrics metrics) {
    this.system = system;
    this.settings = settings;
    this.validator = validator;
    this.metrics = metrics;
    this.sharding = ClusterSharding.get(system);
    this.replies = system.executionContext();
  }

  /**
   * Thrown (failing the stream) when an entity lost records this stream gave it: it was restarted
   * from its checkpoint (moved to another node, or passivated) after them. Both entities of the
   * key have been told to reload their common checkpoint; a new stream from the committed offsets,
   * which the checkpoints cover, gives them the records again.
   */
  public static final class EntityLostRecords extends IllegalStateException {
    EntityLostRecords(String key) {
      super(key + ": entity restarted under the stream and lost records since its checkpoint; rewinding");
    }
  }

  /**
   * Starts consuming; the control drains and stops it (the last barrier is written on the way).
   * Use an instance for one run: a failed stream is replaced by a new instance.
   */
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
    Map<Integer, Long> revokedAt = new ConcurrentHashMap<>();
    ActorRef<ConsumerRebalanceEvent> listener = system.systemActorOf(
        KafkaShardAlignment.rebalanceListener(ENTITY_TYPES),
        "fpk-rebalance-listener-" + RUNS.incrementAndGet(), Props.empty());
    long interval = settings.checkpointInterval().toNanos();
    Consumer.DrainingControl<Done> control = Consumer.committableSource(consumer,
            Subscriptions.topics(Topics.SNAPSHOTS).withRebalanceListener(Adapter.toClassic(listener))
                .withPartitionAssignmentHandler(new Rebalancing(system, revokedAt, inFlight)))
        .map(m -> (Element) validate(m))
        .merge(Source.tick(settings.checkpointInterval(), settings.checkpointInterval(), (Element) Tick.INSTANCE), true)
        .statefulMap(() -> new Barriers<CommittableOffset>(interval, settings.keepKeys().toNanos(), System.nanoTime(),
                p -> revokedAt.getOrDefault(p, Long.MIN_VALUE)),
            (barriers, e) -> Pair.create(barriers, withBarrier(barriers, e)),
            barriers -> barriers.finish(System.nanoTime()).map(b -> List.<Element>of(new AtBarrier(b))))
        .mapConcat(elements -> elements)
        .batchWeighted(MAX_BATCH_VALUES, AnalysisStream::weight, Batch::new, Batch::add)
        .mapAsync(settings.parallelism(), this::observe)
        .mapAsync(settings.parallelism(), this::solve)
        .map(this::envelope)
        .via(Producer.flexiFlow(producer))
        .map(results -> written(results.passThrough()))
        .filter(offsets -> offsets.batchSize() > 0)
        .toMat(Committer.sink(CommitterSettings.create(system)), Consumer::createDrainingControl)
        .run(system);
    // a failed stream's records in flight are abandoned: the consumer's revocation on its way out must not
    // wait for them (it held the group, and so the stream replacing this one, for LOCATION_WAIT)
    control.streamCompletion().whenCompleteAsync((done, e) -> inFlight.clear(), replies);
    return control;
  }

  /**
   * What one batch gathers at most, in weight values plus {@link #RECORD_COST} per element: 512
   * small records, or 56 snapshots of a 256x256 matrix (16 MiB of floats at most). Bounds what
   * one ask carries, and how many records one commit waits for.
   */
  static final long MAX_BATCH_VALUES = 1 << 22;
  /** What an element costs in a batch besides its values: 1/512 of the batch. */
  static final long RECORD_COST = MAX_BATCH_VALUES / 512;
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final AtomicInteger ZERO = new AtomicInteger();
  private static final List<EntityTypeKey<?>> ENTITY_TYPES = List.of(EstimatorEntity.TYPE_KEY, SolverEntity.TYPE_KEY);
  /** Longest hold of a newly assigned partition's first fetch while its shards move here. */
  private static final Duration LOCATION_WAIT = Duration.ofSeconds(10);

  /**
   * Synchronously in the consumer's rebalance callbacks: notes when partitions are revoked (before
   * another node can consume them; barriers then leave their entities and offsets alone), and holds
   * back the first fetch of newly assigned partitions until their shards are placed here.
   */
  private record Rebalancing(ActorSystem<?> system, Map<Integer, Long> revokedAt, Map<Integer, AtomicInteger> inFlight)
      implements PartitionAssignmentHandler {
    @Override
    public void onRevoke(Set<TopicPartition> revoked, RestrictedConsumer consumer) {
      long now = System.nanoTime();
      revoked.forEach(tp -> revokedAt.put(tp.partition(), now));
      // let the records in flight reach their entities before the shards can be handed off
      long deadline = now + LOCATION_WAIT.toNanos();
      while (revoked.stream().anyMatch(tp -> inFlight.getOrDefault(tp.partition(), ZERO).get() > 0)
          && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    @Override
    public void onAssign(Set<TopicPartition> assigned, RestrictedConsumer consumer) {
      Set<Integer> partitions = new java.util.TreeSet<>();
      assigned.forEach(tp -> partitions.add(tp.partition()));
      if (!partitions.isEmpty() && !KafkaShardAlignment.awaitLocations(system, ENTITY_TYPES, partitions, LOCATION_WAIT)) {
        system.log().warn("shards of partitions {} not placed here within {}; entities may move under the stream",
            partitions, LOCATION_WAIT);
      }
    }

    @Override
    public void onLost(Set<TopicPartition> lost, RestrictedConsumer consumer) {
      onRevoke(lost, consumer);
    }

    @Override
    public void onStop(Set<TopicPartition> stopped, RestrictedConsumer consumer) {}
  }

  /** What flows: records, ticks of the barrier clock (dropped once seen), and barriers. */
  private sealed interface Element permits InFlight, Tick, AtBarrier {}

  private enum Tick implements Element { INSTANCE }

  /** A record on its way through the pipeline, gathering what it produces. */
  private static final class InFlight implements Element {
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

  /**
   * Consecutive elements (records and barriers, in stream order) that travel together: their asks
   * are issued in that order, per entity, and their outputs are written as one producer message.
   */
  private static final class Batch {
    final List<Element> elements = new ArrayList<>();

    Batch(Element first) {
      elements.add(first);
    }

    Batch add(Element e) {
      elements.add(e);
      return this;
    }
  }

  /** What an element weighs in a batch: its weight values plus the cost of a record. */
  private static long weight(Element e) {
    return RECORD_COST + (e instanceof InFlight f && f.snapshot != null ? f.snapshot.getValuesCount() : 0);
  }

  /** A barrier on its way, gathering the estimator checkpoints, then everything to write. */
  private static final class AtBarrier implements Element {
    final Barriers.Barrier<CommittableOffset> barrier;
    final List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    List<EstimatorEntity.Checkpoint> estimators = List.of();

    AtBarrier(Barriers.Barrier<CommittableOffset> barrier) {
      this.barrier = barrier;
    }
  }

  private List<Element> withBarrier(Barriers<CommittableOffset> barriers, Element e) {
    long now = System.nanoTime();
    if (e instanceof InFlight f) {
      ConsumerRecord<String, byte[]> r = f.message.record();
      return barriers.record(r.partition(), f.message.committableOffset(), f.snapshot == null ? null : f.key(), now)
          .map(b -> List.<Element>of(f, new AtBarrier(b))).orElse(List.of(f));
    }
    return barriers.tick(now).map(b -> List.<Element>of(new AtBarrier(b))).orElse(List.of());
  }

  private InFlight validate(CommittableMessage<String, byte[]> message) {
    inFlight.computeIfAbsent(message.record().partition(), p -> new AtomicInteger()).incrementAndGet();
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

  /**
   * Asks the estimators, in element order: per stretch between barriers one ask per (run, layer)
   * with all its records of the stretch, then each barrier's checkpoint asks.
   */
  private CompletionStage<Batch> observe(Batch batch) {
    List<CompletableFuture<?>> asks = new ArrayList<>();
    Map<String, List<InFlight>> stretch = new LinkedHashMap<>();
    for (Element e : batch.elements) {
      if (e instanceof AtBarrier b) {
        stretch.forEach((key, records) -> asks.add(observe(key, records)));
        stretch.clear();
        asks.add(checkpointEstimators(b).toCompletableFuture());
      } else if (e instanceof InFlight f && f.snapshot != null) {
        stretch.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(f);
      }
    }
    stretch.forEach((key, records) -> asks.add(observe(key, records)));
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> batch);
  }

  /** One ask to the estimator of {@code key} with its records, in record order. */
  private CompletableFuture<Void> observe(String key, List<InFlight> records) {
    List<WeightSnapshot> snapshots = new ArrayList<>(records.size());
    long[] offsets = new long[records.size()];
    for (int i = 0; i < offsets.length; i++) {
      snapshots.add(records.get(i).snapshot);
      offsets[i] = records.get(i).message.record().offset();
    }
    Long previous = fedOffset.put(key, offsets[offsets.length - 1]);
    return ask(EstimatorEntity.TYPE_KEY, key, (ActorRef<EstimatorEntity.Observed> replyTo) ->
        new EstimatorEntity.Observe(snapshots, offsets, previous == null ? -1 : previous, replyTo))
        .thenAccept(observed -> afterObserve(key, records, observed));
  }

  /** Counts each record's outcome; the steps completed go with the last record, which asks the solver. */
  private void afterObserve(String key, List<InFlight> records, EstimatorEntity.Observed observed) {
    if (observed.lost()) {
      throw lost(key);
    }
    LayerMeters meters = meters(key); // from the key: a record rejected here loses its snapshot
    for (int i = 0; i < records.size(); i++) {
      InFlight f = records.get(i);
      switch (observed.outcomes().get(i)) {
        case ACCEPTED -> {
          meters.accepted();
          meters.observed(f.snapshot.getStep(), f.snapshot.getTimeUnixMillis());
        }
        case DUPLICATE -> meters.duplicate();
        case LATE -> meters.late();
        case SKIPPED -> meters.replayed();
        case CHUNK_PENDING -> { }
        case REJECTED -> reject(f, observed.rejections().get(i));
        case LOST -> throw lost(key);
      }
    }
    meters.replicasGone(observed.gone().size());
    records.get(records.size() - 1).completed = observed.completed();
  }

  private LayerMeters meters(String key) {
    SnapshotKey k = SnapshotKey.parse(key);
    return metrics.layer(k.runId(), k.layer());
  }

  /** Asks every entity of the barrier for its state; the asks queue behind the records before the barrier. */
  private CompletionStage<AtBarrier> checkpointEstimators(AtBarrier b) {
    List<CompletableFuture<EstimatorEntity.Checkpoint>> asks = new ArrayList<>();
    for (String key : b.barrier.keys()) {
      long previous = fedOffset.getOrDefault(key, -1L);
      asks.add(ask(EstimatorEntity.TYPE_KEY, key, (ActorRef<EstimatorEntity.Checkpoint> replyTo) ->
          new EstimatorEntity.TakeCheckpoint(settings.maxCheckpointBytes(), previous, replyTo)));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
      b.estimators = asks.stream().map(CompletableFuture::join).toList();
      for (int i = 0; i < b.estimators.size(); i++) {
        if (b.estimators.get(i).lost()) {
          throw lost(b.barrier.keys().get(i));
        }
      }
      return b;
    });
  }

  /**
   * Asks the solvers, in element order: the steps a record's estimator ask completed (one ask
   * per (run, layer) and stretch), each barrier's advance and checkpoint asks.
   */
  private CompletionStage<Batch> solve(Batch batch) {
    List<CompletableFuture<?>> asks = new ArrayList<>();
    for (Element e : batch.elements) {
      if (e instanceof AtBarrier b) {
        asks.add(checkpointSolvers(b).toCompletableFuture());
      } else if (e instanceof InFlight f && !f.completed.isEmpty()) {
        asks.add(advance(f.completed, f.out).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> batch);
  }

  /** Advances the solver of the steps' (run, layer) and adds what that produced to {@code out}. */
  private CompletionStage<Void> advance(List<StepEstimate> steps, List<ProducerRecord<String, byte[]>> out) {
    String key = SnapshotKey.of(steps.get(0).step().runId(), steps.get(0).step().layer());
    LayerMeters meters = metrics.layer(steps.get(0).step().runId(), steps.get(0).step().layer());
    long start = System.nanoTime();
    long previous = fedStep.getOrDefault(key, -1L);
    fedStep.put(key, Math.max(previous, steps.get(steps.size() - 1).step().step()));
    return ask(SolverEntity.TYPE_KEY, key,
        (ActorRef<SolverEntity.Advanced> replyTo) -> new SolverEntity.Advance(steps, previous, replyTo))
        .thenAccept(advanced -> {
          if (advanced.lost()) {
            throw lost(key);
          }
          metrics.solved(System.nanoTime() - start, advanced.outputs().size());
          for (int i = 0; i < advanced.outputs().size(); i++) {
            EnsembleSolver.Output o = advanced.outputs().get(i);
            if (o.densities() != null) { // the per-entry curves, when due (SolverSettings.CurveSettings)
              out.add(new ProducerRecord<>(Topics.ESTIMATES, key, o.fields().toByteArray()));
              out.add(new ProducerRecord<>(Topics.DENSITIES, key, o.densities().toByteArray()));
            }
            out.add(new ProducerRecord<>(Topics.ALIGNMENT, key, o.alignment().toByteArray()));
            meters.aligned(o.alignment());
          }
        });
  }

  /**
   * For every entity of the barrier that changed: advances its solver through the steps the
   * estimator's timer completed, takes the solver's state (both asks sent at once, so they queue
   * ahead of any record after the barrier) and writes the pair as one checkpoint record.
   */
  private CompletionStage<AtBarrier> checkpointSolvers(AtBarrier b) {
    List<CompletableFuture<?>> work = new ArrayList<>();
    List<String> keys = b.barrier.keys();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      EstimatorEntity.Checkpoint est = b.estimators.get(i);
      meters(key).replicasGone(est.gone().size());
      if (!est.changed()) {
        continue;
      }
      List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
      CompletionStage<Void> advanced = est.completed().isEmpty() ? CompletableFuture.completedFuture(null)
          : advance(est.completed(), out);
      long previous = fedStep.getOrDefault(key, -1L);
      CompletionStage<SolverEntity.Checkpoint> solver = ask(SolverEntity.TYPE_KEY, key,
          (ActorRef<SolverEntity.Checkpoint> replyTo) -> new SolverEntity.TakeCheckpoint(previous, replyTo));
      work.add(advanced.thenCombine(solver, (done, sol) -> {
        if (sol.lost()) {
          throw lost(key);
        }
        out.add(checkpointRecord(key, est, sol));
        return out;
      }).toCompletableFuture());
    }
    return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).thenApply(done -> {
      for (CompletableFuture<?> w : work) {
        @SuppressWarnings("unchecked")
        List<ProducerRecord<String, byte[]>> out = (List<ProducerRecord<String, byte[]>>) w.join();
        out.stream().filter(r -> r != null).forEach(b.out::add);
      }
      return b;
    });
  }

  /**
   * Asks the entity of {@code key}; the reply comes as a plain future completed on the dispatcher,
   * so whatever follows it runs there (not on a thread of its own: {@link Replies}).
   */
  private <M, R> CompletableFuture<R> ask(EntityTypeKey<M> type, String key,
      org.apache.pekko.japi.function.Function<ActorRef<R>, M> message) {
    return Replies.on(replies, sharding.entityRefFor(type, key).ask(message, settings.askTimeout()));
  }

  /** Tells both entities of the key to reload their checkpoint; the exception that then fails the stream. */
  private EntityLostRecords lost(String key) {
    sharding.entityRefFor(EstimatorEntity.TYPE_KEY, key).tell(EstimatorEntity.Reload.INSTANCE);
    sharding.entityRefFor(SolverEntity.TYPE_KEY, key).tell(SolverEntity.Reload.INSTANCE);
    return new EntityLostRecords(key);
  }

  /** The checkpoint record of one entity, or null (logged, counted) when its state was too large to take. */
  private ProducerRecord<String, byte[]> checkpointRecord(String key, EstimatorEntity.Checkpoint est,
      SolverEntity.Checkpoint sol) {
    if (est.state() == null) {
      metrics.checkpointTooLarge();
      if (tooLarge.add(key)) {
        system.log().warn("{}: estimator state of about {} bytes exceeds fpk.checkpoint.max-bytes = {}: not checkpointed;"
            + " a restart of this entity starts it afresh", key, est.sizeBytes(), settings.maxCheckpointBytes());
      }
      return null;
    }
    byte[] value = new EntityCheckpoint(est.state(), sol.state()).encode();
    metrics.checkpointed(value.length);
    return new ProducerRecord<>(Topics.CHECKPOINTS, KafkaPartitionExtractor.partitionOf(key, settings.partitions()),
        EntityCheckpoint.key(settings.groupId(), key), value);
  }

  /** Everything the batch's elements produced, in element order, as one message to the producer. */
  private ProducerMessage.Envelope<String, byte[], Batch> envelope(Batch batch) {
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    for (Element e : batch.elements) {
      out.addAll(e instanceof AtBarrier b ? b.out : ((InFlight) e).out);
    }
    return ProducerMessage.multi(out, batch);
  }

  /** What a batch's outputs being written makes safe to commit: its barriers' offsets (a record's: none). */
  private CommittableOffsetBatch written(Batch batch) {
    List<CommittableOffset> offsets = new ArrayList<>();
    for (Element e : batch.elements) {
      if (e instanceof InFlight f) {
        inFlight.getOrDefault(f.message.record().partition(), new AtomicInteger()).decrementAndGet();
      } else {
        offsets.addAll(((AtBarrier) e).barrier.offsets());
      }
    }
    return offsets.isEmpty() ? ConsumerMessage.emptyCommittableOffsetBatch()
        : ConsumerMessage.createCommittableOffsetBatch(offsets);
  }
}
