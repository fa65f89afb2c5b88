package dev.fpk.app.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One read of a node's /metrics (Prometheus text) and the values of its series. */
record MetricsScrape(String text) {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** GET http://address/metrics. */
  static MetricsScrape of(String address) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://" + address + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET http://" + address + "/metrics: HTTP " + r.statusCode());
    }
    return new MetricsScrape(r.body());
  }

  /**
   * The sum of every series of this name (any labels), NaN when there is none: e.g. {@code
   * fpk_analysis_cpu_seconds_total}.
   */
  double sum(String name) {
    double sum = 0;
    boolean found = false;
    for (String line : text.lines().toList()) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        String[] parts = line.trim().split("\\s+");
        sum += Double.parseDouble(parts[parts.length - 1]);
        found = true;
      }
    }
    return found ? sum : Double.NaN;
  }
}
