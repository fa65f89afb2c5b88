package dev.fpk.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.dashboard.live.Outputs;
import dev.fpk.dashboard.live.RunStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A dashboard with an access token lets no request for the page or its API in without it. */
@Timeout(60)
class DashboardAccessTest {
  private static final String TOKEN = "0123456789abcdef0123456789abcdef";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static ActorSystem<Void> system;
  private static ServerBinding binding;
  private static String base;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "dashboard-access-test");
    RunStore store = new RunStore();
    store.onAlignment(Outputs.alignment("run-1", "bottleneck", 7, 2, 0));
    DashboardSettings settings =
        new DashboardSettings("127.0.0.1", 0, Duration.ofMillis(50), Duration.ofSeconds(5))
            .withToken(TOKEN);
    binding =
        new DashboardServer(
                store,
                settings,
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                    io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))
            .bind(system)
            .toCompletableFuture()
            .join();
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    binding.unbind().toCompletableFuture().join();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldRefuseUnauthenticatedRequestsToThePageAndTheApi() throws Exception {
    for (String path : new String[] {"/", "/app.js", "/api/runs", "/api/events"}) {
      HttpResponse<String> r = get(path);
      assertEquals(401, r.statusCode(), path);
      assertTrue(r.body().contains("access token"), r.body());
    }
    assertEquals(
        401,
        get("/api/runs", "Authorization", "Bearer wrong-token-wrong-token-wrong-tok").statusCode());
    assertEquals(401, get("/api/runs?token=nope").statusCode());
  }

  @Test
  void shouldKeepHealthAndMetricsOpenForProbesAndScrapers() throws Exception {
    assertEquals(200, get("/health").statusCode());
    assertEquals(200, get("/metrics").statusCode());
  }

  @Test
  void shouldLetTheTokenInByHeaderParameterOrTheCookieItSets() throws Exception {
    assertEquals(200, get("/api/runs", "Authorization", "Bearer " + TOKEN).statusCode());
    HttpResponse<String> page = get("/?token=" + TOKEN);
    assertEquals(200, page.statusCode());
    String cookie = page.headers().firstValue("set-cookie").orElseThrow();
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
    assertEquals(
        200, get("/api/runs", "Cookie", cookie.substring(0, cookie.indexOf(';'))).statusCode());
  }

  @Test
  void shouldRefuseToBindBeyondLoopbackWithoutAToken() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new DashboardSettings("0.0.0.0", 0, Duration.ofMillis(50), Duration.ofSeconds(5)));
    assertTrue(e.getMessage().contains("fpk.dashboard.token"), e.getMessage());
    new DashboardSettings(
        "0.0.0.0", 0, Duration.ofMillis(50), Duration.ofSeconds(5), TOKEN); // with one it may
  }
}
