package dev.fpk.app.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.fpk.analysis.checkpoint.KafkaCheckpointLoader;
import dev.fpk.analysis.checkpoint.StoredChunks;
import dev.fpk.analysis.sharding.EntityShards;
import dev.fpk.analysis.stream.AnalysisStream;
import dev.fpk.analysis.stream.PipelineMetrics;
import dev.fpk.analysis.stream.StreamSettings;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.config.IngestLimits;
import dev.fpk.dashboard.MetricsServer;
import dev.fpk.estimator.EstimatorSettings;
import dev.fpk.estimator.checkpoint.CheckpointLoader;
import dev.fpk.protocol.SnapshotValidator;
import dev.fpk.protocol.Topics;
import dev.fpk.solver.JointSettings;
import dev.fpk.solver.SolverSettings;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One analysis process: an actor system that joins its Pekko cluster (alone, unless seed nodes are
 * configured: {@code fpk.seed-nodes}, {@code FPK_SEED_NODES}), the sharded estimator and solver
 * entities (restored from their checkpoints where they start), the Kafka stream that feeds them,
 * and the metrics endpoint. {@link #close()} drains the stream (checkpointing and committing what
 * was processed) and stops everything.
 */
public final class AnalysisNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AnalysisNode.class);
  private final ActorSystem<Void> system;
  private final Supplier<AnalysisStream> streams;
  private volatile Consumer.DrainingControl<Done> stream;
  private volatile AnalysisStream current;
  private final ServerBinding http;
  private final PrometheusMeterRegistry registry;
  private final ExecutorService loads;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Held here: Micrometer keeps only a weak reference to a function counter's object, and a
   * collected meter reads 0.
   */
  private final AnalysisCpuMeter cpu;

  private AnalysisNode(
      ActorSystem<Void> system,
      Supplier<AnalysisStream> streams,
      ServerBinding http,
      PrometheusMeterRegistry registry,
      ExecutorService loads,
      AnalysisCpuMeter cpu) {
    this.system = system;
    this.streams = streams;
    this.http = http;
    this.registry = registry;
    this.loads = loads;
    this.cpu = cpu;
    runStream();
  }

  /**
   * Runs a stream and, should it fail (an entity lost records under it, a Kafka error), a new one
   * from the committed offsets a second later; the checkpoints cover those offsets.
   */
  private void runStream() {
    if (closed.get()) {
      return;
    }
    AnalysisStream a = streams.get();
    current = a;
    Consumer.DrainingControl<Done> s = a.run();
    stream = s;
    // on the dispatcher: the stage Pekko returns runs a plain whenComplete on a thread of its own
    // (see Replies)
    s.streamCompletion()
        .whenCompleteAsync(
            (done, e) -> {
              if (e != null && !closed.get()) {
                system
                    .log()
                    .warn(
                        "analysis stream failed, restarting it from the committed offsets in 1 s: {}",
                        e.toString());
                system
                    .scheduler()
                    .scheduleOnce(
                        Duration.ofSeconds(1), this::runStream, system.executionContext());
              }
            },
            system.executionContext());
  }

  public static AnalysisNode start(Config config, String bootstrapServers) {
    config =
        ClusterSeeds.apply(config)
            // the downing asks the consumer group of this Kafka who is gone (KafkaGroupDowning)
            .withValue("fpk.downing.bootstrap", ConfigValueFactory.fromAnyRef(bootstrapServers));
    int partitions;
    try (KafkaAdmin admin = new KafkaAdmin(bootstrapServers)) {
      admin.ensureTopics(config.getInt("fpk.partitions"), (short) 1);
      // shards and checkpoints follow the topic as it is, whatever this node's config says
      partitions = admin.partitions(Topics.SNAPSHOTS);
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fpk", config);
    Cluster cluster = Cluster.get(system);
    if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    String group = config.getString("fpk.group");
    ExecutorService loads =
        Executors.newFixedThreadPool(2, r -> new Thread(r, "fpk-checkpoint-loader"));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PipelineMetrics metrics = new PipelineMetrics();
    // what the loader finds and the streams write: the chunks each entity's next checkpoint deletes
    StoredChunks storedChunks = new StoredChunks();
    CheckpointLoader checkpoints =
        new KafkaCheckpointLoader(
            FpkConfig.kafkaClient(config, bootstrapServers),
            group,
            partitions,
            loads,
            storedChunks,
            metrics);
    EstimatorSettings estimatorSettings = EstimatorSettings.fromConfig(config);
    // the joint model's section may be absent from a hand-made config: its defaults then
    JointSettings joint =
        config.hasPath("fpk.solver.joint")
            ? JointSettings.fromConfig(config)
            : JointSettings.DEFAULTS;
    EntityShards.init(
        system,
        partitions,
        checkpoints,
        registry,
        estimatorSettings,
        SolverSettings.fromConfig(config),
        joint);

    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    AnalysisCpuMeter cpu = new AnalysisCpuMeter();
    cpu.bindTo(registry);
    metrics.bindTo(registry);

    StreamSettings settings =
        StreamSettings.fromConfig(config, bootstrapServers, partitions, estimatorSettings);
    SnapshotValidator validator = new SnapshotValidator(IngestLimits.fromConfig(config));
    Supplier<AnalysisStream> streams =
        () -> new AnalysisStream(system, settings, validator, metrics, storedChunks);
    ServerBinding http =
        new MetricsServer(registry)
            .bind(system, config.getString("fpk.http.host"), config.getInt("fpk.http.port"))
            .toCompletableFuture()
            .join();
    return new AnalysisNode(system, streams, http, registry, loads, cpu);
  }

  /**
   * Spectral updates the running stream has picked and not yet written (its spectral branch runs
   * behind the density path): 0 once it has caught up.
   */
  public long spectralPending() {
    return current.spectralPending();
  }

  /** The metrics endpoint's address, "host:port". */
  public String httpAddress() {
    return http.localAddress().getHostString() + ":" + http.localAddress().getPort();
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Waits for the spectral branch, which runs behind the drained stream, to write what it has
   * picked (at most {@code timeout}: a stop must not hang on an eigenvalue problem).
   */
  private void awaitSpectra(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (current.spectralPending() > 0) {
      if (System.nanoTime() > deadline) {
        LOG.warn(
            "{} spectral updates not written before the node stopped", current.spectralPending());
        return;
      }
      Thread.sleep(20);
    }
  }

  /**
   * Stops at once, as a killed process would: no draining, no last checkpoint, records in flight
   * abandoned (for tests of what follows a crash).
   */
  public void abort() {
    if (closed.compareAndSet(false, true)) {
      http.unbind();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      loads.shutdownNow();
    }
  }

  /**
   * Stops consuming, lets the records in flight and the last checkpoint barrier through (their
   * offsets committed), then leaves the cluster: shards hand off while this node's consumer still
   * holds its partitions, so no other node feeds an entity here after its last checkpoint.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    if (system.getWhenTerminated().toCompletableFuture().isDone()) {
      // downed by the cluster: Pekko stopped the stream and the consumer with the actor system,
      // and its HTTP server, there is nothing left to drain
      loads.shutdownNow();
      LOG.info("analysis node stopped after its actor system terminated (downed)");
      return;
    }
    try {
      stream.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
      stream.streamCompletion().toCompletableFuture().get(60, TimeUnit.SECONDS);
      awaitSpectra(Duration.ofSeconds(30));
      LOG.info(
          "analysis stream drained in {} ms (records in flight analysed, last checkpoint written,"
              + " spectra written)",
          (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      system.log().warn("stream did not drain cleanly: {}", e.toString());
    } finally {
      http.terminate(Duration.ofSeconds(2));
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      loads.shutdownNow();
      LOG.info("analysis node stopped in {} ms", (System.nanoTime() - start) / 1_000_000);
    }
  }
}
