package dev.fpk.dashboard;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * HTTP endpoints every fpk role serves: {@code /metrics} (Prometheus text format 0.0.4, scraped
 * from the Micrometer registry) and {@code /health} (200 "ok" while the process runs). Binds to the
 * given host, 127.0.0.1 by default; port 0 picks a free one.
 */
public final class MetricsServer extends AllDirectives {
  private static final ContentType PROMETHEUS =
      ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

  private final PrometheusMeterRegistry registry;

  public MetricsServer(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  public Route route() {
    return concat(
        path(
            "metrics",
            () ->
                get(
                    () ->
                        complete(
                            HttpEntities.create(
                                PROMETHEUS, registry.scrape().getBytes(StandardCharsets.UTF_8))))),
        path("health", () -> get(() -> complete("ok"))));
  }

  public CompletionStage<ServerBinding> bind(ActorSystem<?> system, String host, int port) {
    return Http.get(system).newServerAt(host, port).bind(route());
  }
}
