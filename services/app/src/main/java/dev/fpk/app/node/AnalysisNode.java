package dev.fpk.app.node;

import com.typesafe.config.Config;
import dev.fpk.dashboard.MetricsServer;
import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.EstimatorSettings;
import dev.fpk.protocol.Limits;
import dev.fpk.protocol.SnapshotValidator;
import dev.fpk.solver.SolverEntity;
import dev.fpk.solver.SolverSettings;
import dev.fpk.solver.stream.AnalysisStream;
import dev.fpk.solver.stream.PipelineMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.kafka.javadsl.Consumer;

/**
 * One analysis process: an actor system that joins its Pekko cluster (alone, unless seed nodes
 * are configured), the sharded estimator and solver entities, the Kafka stream that feeds them,
 * and the metrics endpoint. {@link #close()} drains the stream (committing what was processed)
 * and stops everything.
 */
public final class AnalysisNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final Consumer.DrainingControl<Done> stream;
  private final ServerBinding http;
  private final PrometheusMeterRegistry registry;

  private AnalysisNode(ActorSystem<Void> system, Consumer.DrainingControl<Done> stream, ServerBinding http,
      PrometheusMeterRegistry registry) {
    this.system = system;
    this.stream = stream;
    this.http = http;
    this.registry = registry;
  }

  public static AnalysisNode start(Config config, String bootstrapServers) {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fpk", config);
    Cluster cluster = Cluster.get(system);
    if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    int partitions = config.getInt("fpk.partitions");
    ClusterSharding sharding = ClusterSharding.get(system);
    EstimatorEntity.init(sharding, EstimatorSettings.fromConfig(config), partitions);
    SolverEntity.init(sharding, SolverSettings.fromConfig(config), partitions);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    PipelineMetrics metrics = new PipelineMetrics();
    metrics.bindTo(registry);

    AnalysisStream.Settings settings = new AnalysisStream.Settings(bootstrapServers, config.getString("fpk.group"),
        config.getInt("fpk.parallelism"), config.getDuration("fpk.ask-timeout"));
    Consumer.DrainingControl<Done> stream =
        new AnalysisStream(system, settings, new SnapshotValidator(Limits.DEFAULT), metrics).run();
    ServerBinding http = new MetricsServer(registry)
        .bind(system, config.getString("fpk.http.host"), config.getInt("fpk.http.port"))
        .toCompletableFuture().join();
    return new AnalysisNode(system, stream, http, registry);
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

  @Override
  public void close() {
    var executor = Executors.newSingleThreadExecutor();
    try {
      stream.drainAndShutdown(executor).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      system.log().warn("stream did not drain cleanly: {}", e.toString());
    } finally {
      executor.shutdown();
      http.terminate(Duration.ofSeconds(2));
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }
}
