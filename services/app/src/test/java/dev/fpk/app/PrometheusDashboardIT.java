package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard against a real Prometheus: {@code fpk demo} runs against the embedded
 * broker, Debian's {@code prometheus} scrapes it with deploy's scrape configuration (targets
 * rewritten to the demo's ports, every 1 s, alert rules loaded), and every PromQL expression of
 * deploy/grafana/dashboards/fpk.json, its variables set to match everything, must return at least
 * one series: no panel says "No data" on a healthy run. Prints each expression with its series
 * count. Skipped, visibly, where the prometheus binary is absent (deploy/install-test-deps.sh
 * installs it).
 */
@Timeout(240)
class PrometheusDashboardIT {
  private static final Path DEPLOY = Path.of("..", "..", "deploy");
  private static final Path DASHBOARD = DEPLOY.resolve("grafana/dashboards/fpk.json");
  private static final Path SCRAPE_CONFIG = DEPLOY.resolve("compose/prometheus.yml");
  private static final Path ALERTS = DEPLOY.resolve("prometheus/alerts.yml");
  private static final String PROMETHEUS = "/usr/bin/prometheus";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A dashboard variable's matcher, {@code label="$var"} or {@code =~"${var}"}. */
  private static final Pattern VARIABLE_MATCHER =
      Pattern.compile("(=~|=)\\s*\"\\$\\{?[A-Za-z][A-Za-z0-9_]*\\}?\"");

  /** Grafana's interval variables ($__rate_interval, $__interval, $__range, ...). */
  private static final Pattern INTERVAL = Pattern.compile("\\$\\{?__[a-z_]+\\}?");

  @Test
  void shouldAnswerEveryDashboardQueryWithSeries() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of(PROMETHEUS)),
        "no " + PROMETHEUS + ": deploy/install-test-deps.sh installs Debian's prometheus");
    Map<String, String> expressions = dashboardExpressions();
    assertTrue(expressions.size() >= 20, "the dashboard's expressions: " + expressions.keySet());
    BackgroundCommand demo =
        BackgroundCommand.start(
            "demo",
            "--steps",
            "60",
            "--replicas",
            "16",
            "--bootstrap",
            TestKafka.bootstrap(),
            "--run-id",
            "prometheus-it",
            "--dashboard-port",
            String.valueOf(Streaming.freePort()),
            "--linger",
            "PT150S");
    int exit;
    Path dir = Files.createTempDirectory("fpk-prometheus-it");
    Process prometheus = null;
    try {
      Matcher urls =
          BackgroundCommand.await(
              () -> {
                Matcher m =
                    Pattern.compile("live page http://(\\S+)/\\s+metrics http://(\\S+)/metrics")
                        .matcher(demo.output());
                return m.find() ? m : null;
              },
              Duration.ofSeconds(60),
              "the demo's page and metrics addresses: " + demo.output());
      String dashboardTarget = urls.group(1);
      String analysisTarget = urls.group(2);
      int port = Streaming.freePort();
      prometheus = startPrometheus(dir, analysisTarget, dashboardTarget, port);
      String api = "http://127.0.0.1:" + port;
      Process running = prometheus;
      BackgroundCommand.await(
          () -> {
            if (!running.isAlive()) {
              throw new AssertionError("prometheus exited: " + Files.readString(log(dir)));
            }
            return scrapedTargets(api) >= 2 ? true : null;
          },
          Duration.ofSeconds(60),
          "prometheus scraping both targets");
      // every meter exists once the demo has analysed its last step and summarised
      BackgroundCommand.await(
          () -> demo.output().contains("stays up") ? true : null,
          Duration.ofSeconds(150),
          "the demo's summary: " + demo.output());
      // rates need two samples in their window after the last count: a few 1 s scrapes
      Thread.sleep(5_000);
      List<String> empty = new ArrayList<>();
      StringBuilder table = new StringBuilder("dashboard expressions (series returned):\n");
      for (Map.Entry<String, String> e : expressions.entrySet()) {
        int series = query(api, e.getValue());
        table.append(String.format("%4d  %s%n", series, e.getKey()));
        if (series < 1) {
          empty.add(e.getKey() + "  [as queried: " + e.getValue() + "]");
        }
      }
      System.out.println(table);
      System.out.printf(
          "%d of %d dashboard expressions returned series%n",
          expressions.size() - empty.size(), expressions.size());
      assertEquals(List.of(), empty, "expressions without a series:\n" + table);
    } finally {
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
      exit = demo.stop(); // ends the linger
      deleteTree(dir);
    }
    assertEquals(0, exit, demo.output());
  }

  /**
   * Every target's {@code expr} of the dashboard (panels nested in rows too), by the text in the
   * file, with the variables substituted: each dashboard variable by {@code =~".*"}, each interval
   * variable by {@code 1m}.
   */
  static Map<String, String> dashboardExpressions() throws IOException {
    JsonNode dashboard = MAPPER.readTree(DASHBOARD.toFile());
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode expr : dashboard.findValues("expr")) {
      String text = expr.asText();
      String query = INTERVAL.matcher(text).replaceAll("1m");
      query = VARIABLE_MATCHER.matcher(query).replaceAll("=~\".*\"");
      assertTrue(
          !query.contains("$"),
          "a variable this test does not substitute: " + text + " -> " + query);
      out.put(text, query);
    }
    return out;
  }

  /**
   * deploy's scrape configuration with its targets moved to the demo's ports, a 1 s scrape interval
   * and the alert rules beside it; prometheus started on {@code port} with its storage in {@code
   * dir}.
   */
  @SuppressWarnings("unchecked")
  private static Process startPrometheus(Path dir, String analysis, String dashboard, int port)
      throws IOException {
    Map<String, Object> config =
        new Yaml().load(Files.readString(SCRAPE_CONFIG, StandardCharsets.UTF_8));
    ((Map<String, Object>) config.get("global")).put("scrape_interval", "1s");
    Map<String, String> targets = Map.of("fpk-analysis", analysis, "fpk-dashboard", dashboard);
    for (Map<String, Object> job : (List<Map<String, Object>>) config.get("scrape_configs")) {
      String target = targets.get((String) job.get("job_name"));
      assertTrue(target != null, "a scrape job this test does not know: " + job);
      job.put("static_configs", List.of(Map.of("targets", List.of(target))));
    }
    Files.copy(ALERTS, dir.resolve(ALERTS.getFileName()));
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, new Yaml().dump(config));
    return new ProcessBuilder(
            PROMETHEUS,
            "--config.file=" + file,
            "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true)
        .redirectOutput(log(dir).toFile())
        .start();
  }

  private static Path log(Path dir) {
    return dir.resolve("prometheus.log");
  }

  /** Series an instant query returns now; fails on an error answer. */
  private static int query(String api, String promql) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        api
                            + "/api/v1/query?query="
                            + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = MAPPER.readTree(r.body());
    assertEquals("success", body.path("status").asText(), promql + ": " + r.body());
    return body.path("data").path("result").size();
  }

  /** Targets up, 0 while prometheus does not answer yet. */
  private static int scrapedTargets(String api) throws InterruptedException {
    try {
      return query(api, "up == 1");
    } catch (IOException e) {
      return 0; // not listening yet
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted((a, b) -> b.compareTo(a)).map(Path::toFile).forEach(File::delete);
    }
  }
}
