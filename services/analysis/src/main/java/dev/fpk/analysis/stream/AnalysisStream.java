package dev.fpk.analysis.stream;

import dev.fpk.analysis.checkpoint.StoredChunks;
import dev.fpk.analysis.sharding.EntityShards;
import dev.fpk.analysis.sharding.KafkaGroupDowning;
import dev.fpk.analysis.sharding.KafkaShardAlignment;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
import dev.fpk.physics.spectral.SingularValues;
import dev.fpk.protocol.SnapshotValidator;
import dev.fpk.protocol.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffsetBatch;
import org.apache.pekko.kafka.ConsumerRebalanceEvent;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.Producer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The analysis pipeline: snapshots from Kafka, validated at the edge (rejects to the dead-letter
 * topic: {@link EdgeValidation}), through the estimator entity ({@link EstimatorStage}) and then
 * the solver entity ({@link SolverStage}) of their (run, layer), and their outputs back to Kafka.
 * This class holds the topology: consumer and producer, barriers, batches, and commits.
 *
 * <p>Both entities are asked (not told), in stream order, so a slow entity back-pressures the
 * consumer instead of filling a mailbox; asks to one entity are issued in record order, which keeps
 * each (run, layer) in order. <b>Batches</b>: while the entities are busy, the elements waiting for
 * them are gathered into a {@link Batch} (at most 512 records, fewer when large: {@link
 * Batch#MAX_VALUES}); a batch asks each entity once for all its records between two barriers (a
 * record never shares an ask with one on the other side of a barrier), so a loaded stream asks once
 * per (run, layer) and batch instead of once per snapshot, and an idle one still passes each record
 * on at once.
 *
 * <p><b>Nothing lost, nothing counted twice.</b> {@link Barriers} puts checkpoint barriers into the
 * stream. A barrier passes the same stages as the records: in the estimator stage it asks each of
 * its entities for its state, in the solver stage it advances the solver through the steps the
 * estimator's timer completed and asks for its state, so both states hold exactly the records
 * before the barrier. They are written to {@link Topics#CHECKPOINTS} ({@link EntityCheckpoint}),
 * and only then are the offsets of those records committed. A restarted (or moved) entity restores
 * its checkpoint and skips records it already holds; the consumer resumes at the committed offsets,
 * which the checkpoints cover. A stream that replaces a failed one meets entities the failed stream
 * fed past their checkpoints: each reloads its checkpoint at the new stream's first ask ({@code
 * previous} = -1), so those records' outputs are produced again. Consumer group = {@code groupId},
 * one for the combined estimator-solver stream (the stream asks both, so they are consumed
 * together).
 *
 * <p>Shards follow the partitions: the consumer's rebalance listener places the shards of the
 * partitions this node is assigned here ({@link KafkaShardAlignment}, {@link Rebalancing}).
 */
public final class AnalysisStream {

  private final ActorSystem<?> system;
  private final StreamSettings settings;
  private final EdgeValidation edge;
  private final EstimatorStage estimators;
  private final SolverStage solvers;
  private final SpectralStage spectral;

  /**
   * Records of each partition between the source and the producer, so that a revocation can wait
   * for them.
   */
  private final InFlightRecords inFlight = new InFlightRecords();

  /** This stream's number in the JVM. */
  private final int number = STREAMS.incrementAndGet();

  /** This node's cluster address: in the stream's id and its consumer's client id. */
  private final Address self;

  public AnalysisStream(
      ActorSystem<?> system,
      StreamSettings settings,
      SnapshotValidator validator,
      PipelineMetrics metrics,
      StoredChunks storedChunks) {
    this.system = system;
    this.settings = settings;
    this.self = Cluster.get(system).selfMember().address();
    // the stream's id for the entities: its node and its number (a failed stream's successor is
    // another stream)
    ShardedEntities entities =
        new ShardedEntities(system, settings.askTimeout(), self + "#" + number);
    this.edge = new EdgeValidation(validator, metrics, system.log());
    this.estimators = new EstimatorStage(entities, entities, edge, metrics);
    this.solvers =
        new SolverStage(
            entities,
            entities,
            new CheckpointRecords(
                settings.groupId(),
                settings.partitions(),
                settings.checkpointChunkBytes(),
                storedChunks,
                () -> ThreadLocalRandom.current().nextLong(),
                metrics),
            metrics);
    SpectralSettings spectralSettings = SpectralSettings.fromConfig(system.settings().config());
    if (spectralSettings.blasThreads() > 0) { // one pool per process: the spectra are its user here
      SingularValues.setBlasThreads(spectralSettings.blasThreads());
    }
    this.spectral =
        new SpectralStage(
            spectralSettings,
            system.dispatchers().lookup(DispatcherSelector.fromConfig(SpectralSettings.DISPATCHER)),
            metrics);
  }

  /**
   * Spectral updates this stream has picked and not yet written: 0 once the spectral branch has
   * caught up with the density path ({@link SpectralStage}).
   */
  public long spectralPending() {
    return spectral.pending();
  }

  /**
   * Thrown (failing the stream) when an entity lost records this stream gave it: it was restarted
   * from its checkpoint (moved to another node, or passivated) after them. Both entities of the key
   * have been told to reload their common checkpoint; a new stream from the committed offsets,
   * which the checkpoints cover, gives them the records again.
   */
  public static final class EntityLostRecords extends IllegalStateException {
    EntityLostRecords(String key) {
      super(
          key
              + ": entity restarted under the stream and lost records since its checkpoint; rewinding");
    }
  }

  /**
   * Starts consuming; the control drains and stops it (the last barrier is written on the way). Use
   * an instance for one run: a failed stream is replaced by a new instance.
   */
  public Consumer.DrainingControl<Done> run() {
    ConsumerSettings<String, byte[]> consumer =
        ConsumerSettings.create(system, new StringDeserializer(), new ByteArrayDeserializer())
            .withBootstrapServers(settings.bootstrapServers())
            .withGroupId(settings.groupId())
            .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
            // how the downing tells this node's consumer in the group (KafkaGroupDowning)
            .withProperty(ConsumerConfig.CLIENT_ID_CONFIG, KafkaGroupDowning.clientId(self))
            .withStopTimeout(Duration.ZERO);
    ProducerSettings<String, byte[]> producer =
        largeRecords(
            ProducerSettings.create(system, new StringSerializer(), new ByteArraySerializer())
                .withBootstrapServers(settings.bootstrapServers()));
    Map<Integer, Long> revokedAt = new ConcurrentHashMap<>();
    ActorRef<ConsumerRebalanceEvent> listener =
        system.systemActorOf(
            KafkaShardAlignment.rebalanceListener(EntityShards.TYPES),
            "fpk-rebalance-listener-" + number,
            Props.empty());
    long interval = settings.checkpointInterval().toNanos();
    Consumer.DrainingControl<Done> control =
        Consumer.committableSource(
                consumer,
                Subscriptions.topics(Topics.SNAPSHOTS)
                    .withRebalanceListener(Adapter.toClassic(listener))
                    .withPartitionAssignmentHandler(new Rebalancing(system, revokedAt, inFlight)))
            .map(
                m -> {
                  inFlight.entered(m.record().partition());
                  return (Element) edge.validate(m);
                })
            .merge(
                Source.tick(
                    settings.checkpointInterval(),
                    settings.checkpointInterval(),
                    (Element) Element.Tick.INSTANCE),
                true)
            .statefulMap(
                () ->
                    new Barriers<CommittableOffset>(
                        interval,
                        settings.keepKeys().toNanos(),
                        System.nanoTime(),
                        p -> revokedAt.getOrDefault(p, Long.MIN_VALUE)),
                (barriers, e) -> Pair.create(barriers, withBarrier(barriers, e)),
                barriers ->
                    barriers
                        .finish(System.nanoTime())
                        .map(b -> List.<Element>of(new Element.AtBarrier(b))))
            .mapConcat(elements -> elements)
            .batchWeighted(Batch.MAX_VALUES, Batch::weight, Batch::new, Batch::add)
            .mapAsync(settings.parallelism(), estimators::observe)
            // the spectral branch: never back-pressures, so the density path goes on at its pace
            .alsoTo(spectralBranch(producer))
            .mapAsync(settings.parallelism(), solvers::solve)
            .map(AnalysisStream::envelope)
            .via(Producer.flexiFlow(producer))
            .map(results -> written(results.passThrough()))
            .filter(offsets -> offsets.batchSize() > 0)
            .toMat(
                Committer.sink(CommitterSettings.create(system)), Consumer::createDrainingControl)
            .run(system);
    // a failed stream's records in flight are abandoned: the consumer's revocation on its way out
    // must not
    // wait for them (it held the group, and so the stream replacing this one, for
    // Rebalancing.LOCATION_WAIT)
    control
        .streamCompletion()
        .whenCompleteAsync((done, e) -> inFlight.clear(), system.executionContext());
    return control;
  }

  /**
   * The analysis's records are large: checkpoint chunks of up to {@code fpk.checkpoint.chunk-bytes}
   * (768 KiB), a 16x16 layer's densities and estimates (about 0.8 MB each), alignment updates of
   * tens of KB. Kafka's producer pools only buffers of exactly {@code batch.size} (16 KB by
   * default) and allocates a buffer of its own size for every record above it, dropped after the
   * send: at about 30% of all bytes allocated in {@code fpk bench e2e} with the checkpoints
   * (BENCHMARKS "Ninth session"). With {@link #BATCH_BYTES}, above the default chunk and its
   * headers, every such record goes into a pooled buffer; {@link #BUFFER_BYTES} holds one per
   * partition of the output and checkpoint topics and more. Compression stays off: the embedded
   * broker and every reader would decompress, and doubles barely compress. Keys set in {@code
   * pekko.kafka.producer.kafka-clients} win.
   */
  static ProducerSettings<String, byte[]> largeRecords(ProducerSettings<String, byte[]> p) {
    Map<String, Object> set = p.getProperties();
    if (!set.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)) {
      p = p.withProperty(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(BATCH_BYTES));
    }
    if (!set.containsKey(ProducerConfig.BUFFER_MEMORY_CONFIG)) {
      p = p.withProperty(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(BUFFER_BYTES));
    }
    return p;
  }

  /** The analysis producer's {@code batch.size}: 1 MiB, above a 768 KiB chunk's record. */
  static final int BATCH_BYTES = 1 << 20;

  /** The analysis producer's {@code buffer.memory}: 64 MiB, 64 batches (Kafka's default 32 MiB). */
  static final long BUFFER_BYTES = 64L << 20;

  /** The spectral stage's updates, written by a producer of their own. */
  private Sink<Batch, NotUsed> spectralBranch(ProducerSettings<String, byte[]> producer) {
    return spectral
        .updates()
        .map(u -> ProducerMessage.single(SpectralStage.record(u), NotUsed.getInstance()))
        .via(Producer.flexiFlow(producer))
        .to(Sink.foreach(written -> spectral.published()));
  }

  /** Streams made in this JVM (every node of a test cluster in one JVM counts here). */
  private static final AtomicInteger STREAMS = new AtomicInteger();

  /**
   * The element, and after it the barrier it closes (if any); a tick becomes a barrier or nothing.
   */
  private static List<Element> withBarrier(Barriers<CommittableOffset> barriers, Element e) {
    long now = System.nanoTime();
    if (e instanceof Element.InFlight f) {
      ConsumerRecord<String, byte[]> r = f.message.record();
      return barriers
          .record(
              r.partition(),
              f.message.committableOffset(),
              f.snapshot == null ? null : f.key(),
              now)
          .map(b -> List.<Element>of(f, new Element.AtBarrier(b)))
          .orElse(List.of(f));
    }
    return barriers
        .tick(now)
        .map(b -> List.<Element>of(new Element.AtBarrier(b)))
        .orElse(List.of());
  }

  /** Everything the batch's elements produced, in element order, as one message to the producer. */
  private static ProducerMessage.Envelope<String, byte[], Batch> envelope(Batch batch) {
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    for (Element e : batch.elements) {
      out.addAll(e instanceof Element.AtBarrier b ? b.out : ((Element.InFlight) e).out);
    }
    return ProducerMessage.multi(out, batch);
  }

  /**
   * What a batch's outputs being written makes safe to commit: its barriers' offsets (a record's:
   * none).
   */
  private CommittableOffsetBatch written(Batch batch) {
    List<CommittableOffset> offsets = new ArrayList<>();
    for (Element e : batch.elements) {
      if (e instanceof Element.InFlight f) {
        inFlight.left(f.message.record().partition());
      } else {
        offsets.addAll(((Element.AtBarrier) e).barrier.offsets());
      }
    }
    return offsets.isEmpty()
        ? ConsumerMessage.emptyCommittableOffsetBatch()
        : ConsumerMessage.createCommittableOffsetBatch(offsets);
  }
}
