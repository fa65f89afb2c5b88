package dev.fpk.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.dashboard.live.Outputs;
import dev.fpk.dashboard.live.RunStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DashboardServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static ActorSystem<Void> system;
  private static ServerBinding binding;
  private static RunStore store;
  private static String base;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "dashboard-test");
    store = new RunStore();
    store.onEstimate(Outputs.estimate("run-1", "bottleneck", 7, 2));
    store.onDensity(Outputs.density("run-1", "bottleneck", 7, 2));
    store.onAlignment(Outputs.alignment("run-1", "bottleneck", 6, 2, 0));
    store.onAlignment(Outputs.alignment("run-1", "bottleneck", 7, 2, 0));
    // a run of a sweep, by the page's convention <sweep>/<name>
    store.onAlignment(Outputs.alignment("sweep-a/lr-0.1", "bottleneck", 3, 2, 0));
    DashboardSettings settings =
        new DashboardSettings("127.0.0.1", 0, Duration.ofMillis(50), Duration.ofSeconds(5));
    binding =
        new DashboardServer(store, settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
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

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldListRunsWithTheirLayersAndEntries() throws Exception {
    HttpResponse<String> r = get("/api/runs");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    JsonNode run = JSON.readTree(r.body()).path("runs").get(0);
    assertEquals("run-1", run.path("runId").asText());
    JsonNode layer = run.path("layers").get(0);
    assertEquals("bottleneck", layer.path("layer").asText());
    assertEquals(7, layer.path("lastStep").asLong());
    assertEquals("[[0,0],[0,1]]", layer.path("entries").toString());
  }

  @Test
  void shouldServeEverythingThePageDrawsForOneEntry() throws Exception {
    HttpResponse<String> r = get("/api/runs/run-1/layers/bottleneck/entries/1");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode e = JSON.readTree(r.body());
    assertEquals("[0,1]", e.path("index").toString());
    assertEquals(9, e.path("drift").path("values").size());
    assertEquals(9, e.path("drift").path("stdErr").size());
    assertEquals(21, e.path("density").path("edges").size());
    assertEquals(2, e.path("alignment").size());
    assertEquals(1, e.path("fixedPoints").size(), "mu = -w/2 has one zero");
    assertEquals(40, e.path("memory").path("halfLifeSteps").asDouble());
    assertTrue(
        e.path("memory").path("driftTimeTerm").asBoolean()
            && e.path("memory").path("chosenOnline").asBoolean());
    assertEquals(0.0, e.path("fixedPoints").get(0).path("w").asDouble(), 1e-9);
    assertEquals(0.005, e.path("alignment").get(1).path("samplingFloorW1").asDouble());
    assertEquals(0.007, e.path("alignment").get(1).path("bootstrapFloorW1").asDouble());
    assertEquals(0.3, e.path("alignment").get(1).path("pValue").asDouble());
    assertEquals(5, e.path("alignment").get(1).path("forecasts").get(0).path("horizon").asInt());
    assertEquals(2, e.path("outputs").size(), "one output comparison per step of the layer");
    assertEquals(7, e.path("outputs").get(1).path("step").asInt());
    assertEquals(0.02, e.path("outputs").get(1).path("slicedW1").asDouble());
    assertEquals(0.01, e.path("outputs").get(1).path("slicedW1Floor").asDouble());
  }

  @Test
  void shouldAnswerUnknownRunsLayersAndEntriesWith404() throws Exception {
    HttpResponse<String> run = get("/api/runs/nope");
    assertEquals(404, run.statusCode());
    assertTrue(run.body().contains("unknown run 'nope'"), run.body());
    HttpResponse<String> layer = get("/api/runs/run-1/layers/nope");
    assertEquals(404, layer.statusCode());
    assertTrue(layer.body().contains("bottleneck"), "names the layers there are: " + layer.body());
    HttpResponse<String> entry = get("/api/runs/run-1/layers/bottleneck/entries/2");
    assertEquals(404, entry.statusCode());
    assertTrue(entry.body().contains("0..1"), entry.body());
    assertEquals(404, get("/api/nothing").statusCode());
  }

  @Test
  void shouldAnswerMalformedParametersWith400() throws Exception {
    HttpResponse<String> r = get("/api/runs/run-1/layers/bottleneck/entries/one");
    assertEquals(400, r.statusCode());
    assertTrue(JSON.readTree(r.body()).path("error").asText().contains("'one'"), r.body());
    assertEquals(400, get("/api/runs/run-1/layers/bottleneck/entries/-1").statusCode());
    assertEquals(400, get("/api/events?run=run-1&layer=bottleneck&entry=x").statusCode());
    assertEquals(400, get("/api/events?run=run-1").statusCode());
  }

  @Test
  void shouldServeThePageAndTheVendoredChartLibrary() throws Exception {
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("vendor/chart.js"));
    HttpResponse<String> chart = get("/vendor/chart.js");
    assertEquals(200, chart.statusCode());
    assertTrue(
        chart.body().length() > 100_000 && chart.body().contains("Chart"), "the Chart.js bundle");
    assertEquals(200, get("/app.js").statusCode());
    assertEquals(200, get("/metrics").statusCode());
    assertEquals("ok", get("/health").body());
  }

  @Test
  void shouldPushTheEntryAndThenItsUpdateAsServerSentEvents() throws Exception {
    store.onAlignment(Outputs.alignment("run-2", "bottleneck", 7, 2, 0));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/events?run=run-2&layer=bottleneck&entry=0"))
            .build();
    HttpResponse<InputStream> r = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertEquals(7, nextEntry(in).path("lastStep").asLong());
      store.onAlignment(Outputs.alignment("run-2", "bottleneck", 8, 2, 0));
      assertEquals(8, nextEntry(in).path("lastStep").asLong());
    }
  }

  /**
   * Reads events (blocks of lines up to a blank one) until the next "entry" event; returns its
   * data.
   */
  private static JsonNode nextEntry(BufferedReader in) throws Exception {
    String type = null;
    StringBuilder data = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isEmpty()) {
        if ("entry".equals(type)) {
          return JSON.readTree(data.toString());
        }
        type = null;
        data.setLength(0);
      } else if (line.startsWith("event:")) {
        type = line.substring(6).trim();
      } else if (line.startsWith("data:")) {
        data.append(line.substring(5));
      }
    }
    throw new AssertionError("stream ended before an entry event");
  }

  @Test
  void shouldExportEveryPanelOfAnEntryAsCsvWithTheStepFirst() throws Exception {
    HttpResponse<String> r = get("/api/runs/run-1/layers/bottleneck/entries/1/export?format=csv");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/csv"));
    assertTrue(
        r.headers()
            .firstValue("content-disposition")
            .orElse("")
            .contains("fpk-run-1-bottleneck-entry1.csv"),
        r.headers().map().toString());
    String[] lines = r.body().split("\n");
    assertEquals("step,panel,series,w,value,unit", lines[0]);
    java.util.Map<String, Integer> byPanel = new java.util.TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",");
      Long.parseLong(f[0]); // every row starts with its step
      byPanel.merge(f[1], 1, Integer::sum);
    }
    // 20 density cells x 2; 9 bins x (mu, se) + OU slope and intercept; 9 x (D, se) + mean D;
    // 1 fixed point; 2 alignment steps x 6; 2 output steps x 4; 1 density step x 10 quantiles;
    // 1 estimate step's update size
    assertEquals(
        java.util.Map.of(
            "density", 40,
            "drift", 20,
            "diffusion", 19,
            "beta", 1,
            "alignment", 12,
            "outputs", 8,
            "distribution", 10,
            "update_size", 1),
        byPanel);
    assertTrue(r.body().contains("\n7,alignment,w1,,"), "W1 of step 7 with no w");
    assertTrue(r.body().contains(",weight units per step\n"), "units on every row");
  }

  @Test
  void shouldExportTheSameRowsAsJson() throws Exception {
    HttpResponse<String> csv = get("/api/runs/run-1/layers/bottleneck/entries/0/export");
    HttpResponse<String> r = get("/api/runs/run-1/layers/bottleneck/entries/0/export?format=json");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode e = JSON.readTree(r.body());
    assertEquals("[0,0]", e.path("index").toString());
    assertEquals(
        "[\"step\",\"panel\",\"series\",\"w\",\"value\",\"unit\"]", e.path("columns").toString());
    assertEquals(csv.body().split("\n").length - 1, e.path("rows").size(), "csv is the default");
    JsonNode w1 =
        java.util.stream.StreamSupport.stream(e.path("rows").spliterator(), false)
            .filter(x -> x.path("series").asText().equals("bootstrap_floor_w1"))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertEquals(7, w1.path("step").asLong());
    assertEquals(0.007, w1.path("value").asDouble());
    assertTrue(w1.path("w").isNull());
  }

  @Test
  void shouldRefuseABadExportNamingTheValue() throws Exception {
    HttpResponse<String> format =
        get("/api/runs/run-1/layers/bottleneck/entries/0/export?format=xml");
    assertEquals(400, format.statusCode());
    assertTrue(format.body().contains("format must be csv or json, got 'xml'"), format.body());
    assertEquals(400, JSON.readTree(format.body()).path("status").asInt());
    HttpResponse<String> run = get("/api/runs/nope/layers/bottleneck/entries/0/export");
    assertEquals(404, run.statusCode());
    assertTrue(run.body().contains("unknown run 'nope'"), run.body());
    HttpResponse<String> layer = get("/api/runs/run-1/layers/fc9/entries/0/export?format=json");
    assertEquals(404, layer.statusCode());
    assertTrue(layer.body().contains("no layer 'fc9'"), layer.body());
    HttpResponse<String> entry = get("/api/runs/run-1/layers/bottleneck/entries/x/export");
    assertEquals(400, entry.statusCode());
    assertTrue(entry.body().contains("got 'x'"), entry.body());
    HttpResponse<String> absent = get("/api/runs/run-1/layers/bottleneck/entries/5/export");
    assertEquals(404, absent.statusCode());
    assertTrue(absent.body().contains("no entry 5"), absent.body());
  }

  @Test
  void shouldServeARunOfASweepWhoseIdHasASlash() throws Exception {
    HttpResponse<String> r = get("/api/runs/sweep-a%2Flr-0.1/layers/bottleneck/entries/0");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("sweep-a/lr-0.1", JSON.readTree(r.body()).path("runId").asText());
  }
}
