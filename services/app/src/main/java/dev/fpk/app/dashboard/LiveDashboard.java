package dev.fpk.app.dashboard;

import dev.fpk.app.report.OutputFollower;
import dev.fpk.dashboard.DashboardServer;
import dev.fpk.dashboard.DashboardSettings;
import dev.fpk.dashboard.live.OutputMetrics;
import dev.fpk.dashboard.live.RunStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The live page wired to Kafka: a follower of the output topics (from their beginning, in a group
 * of its own) feeding a {@link RunStore} and its meters, and the page's HTTP server. Used by {@code
 * fpk demo} inside its pipeline and by {@code fpk dashboard} alone against a cluster.
 */
public final class LiveDashboard implements AutoCloseable {
  private static final Duration LAG_INTERVAL = Duration.ofSeconds(5);
  private final RunStore store;
  private final Consumer.Control follower;
  private final ServerBinding binding;
  private final @Nullable ConsumerLagMetrics lag;

  private LiveDashboard(
      RunStore store,
      Consumer.Control follower,
      ServerBinding binding,
      @Nullable ConsumerLagMetrics lag) {
    this.store = store;
    this.follower = follower;
    this.binding = binding;
    this.lag = lag;
  }

  /**
   * Starts following and serving. With {@code fallBackToFreePort}, a taken port is replaced by any
   * free one (the demo should run even if another page is open); otherwise binding fails.
   *
   * @param registry where the page's meters go and what its /metrics serves; null = no /metrics
   * @param analysisGroup consumer group of the analysis whose lag to export (with a registry only)
   */
  public static LiveDashboard start(
      ActorSystem<?> system,
      String bootstrapServers,
      DashboardSettings settings,
      @Nullable PrometheusMeterRegistry registry,
      @Nullable String analysisGroup,
      boolean fallBackToFreePort) {
    OutputMetrics metrics = new OutputMetrics();
    ConsumerLagMetrics lag = null;
    if (registry != null) {
      metrics.bindTo(registry);
      if (analysisGroup != null) {
        lag = ConsumerLagMetrics.of(bootstrapServers, analysisGroup, LAG_INTERVAL);
        lag.bindTo(registry);
      }
    }
    RunStore store = new RunStore(metrics, settings.maxLayers());
    if (registry != null) {
      store.bindTo(registry);
    }
    ServerBinding binding;
    try {
      binding =
          new DashboardServer(store, settings, registry).bind(system).toCompletableFuture().join();
    } catch (CompletionException e) {
      if (!fallBackToFreePort || settings.port() == 0) {
        throw new IllegalStateException(
            "cannot serve the dashboard on "
                + settings.host()
                + ":"
                + settings.port()
                + ": "
                + e.getCause().getMessage(),
            e);
      }
      system
          .log()
          .warn(
              "port {} is taken ({}); the dashboard takes a free one",
              settings.port(),
              e.getCause().toString());
      binding =
          new DashboardServer(store, settings.withPort(0), registry)
              .bind(system)
              .toCompletableFuture()
              .join();
    }
    Consumer.Control follower =
        OutputFollower.start(
            system, bootstrapServers, r -> store.accept(r.topic(), r.value(), r.timestamp()));
    return new LiveDashboard(store, follower, binding, lag);
  }

  /** The page's address, e.g. {@code http://127.0.0.1:8765/}. */
  public String url() {
    return "http://"
        + binding.localAddress().getHostString()
        + ":"
        + binding.localAddress().getPort()
        + "/";
  }

  public RunStore store() {
    return store;
  }

  @Override
  public void close() {
    follower.shutdown().toCompletableFuture().join();
    binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().join();
    if (lag != null) {
      lag.close();
    }
  }
}
