package dev.fpk.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.dashboard.live.Outputs;
import dev.fpk.dashboard.live.RunStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded fuzzing of the real {@link DashboardServer} over raw sockets: odd methods and paths,
 * unknown runs, layers and entries, malformed and huge parameters, bad percent-encoding, oversized
 * and too many headers, bodies above the limit, and bytes that are no HTTP at all. Every answer
 * must come within the timeout and be a 4xx with the API's JSON error or a correct 200; never a
 * 5xx, never silence.
 */
@Timeout(300)
class DashboardApiFuzzTest {
  private static final int CASES = 3_000;
  private static final long SEED = 20261128L;
  private static final int READ_TIMEOUT_MILLIS = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ActorSystem<Void> system;
  private static ServerBinding binding;
  private static int port;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "dashboard-fuzz-test");
    RunStore store = new RunStore();
    store.onEstimate(Outputs.estimate("run-1", "bottleneck", 7, 2));
    store.onDensity(Outputs.density("run-1", "bottleneck", 7, 2));
    store.onAlignment(Outputs.alignment("run-1", "bottleneck", 7, 2, 0));
    DashboardSettings settings =
        new DashboardSettings("127.0.0.1", 0, Duration.ofMillis(50), Duration.ofSeconds(5));
    binding =
        new DashboardServer(store, settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .bind(system)
            .toCompletableFuture()
            .join();
    port = binding.localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    binding.unbind().toCompletableFuture().join();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  @Test
  void shouldAnswerEveryFuzzedRequestWithA4xxJsonErrorOrACorrect200() throws Exception {
    SplittableRandom random = new SplittableRandom(SEED);
    Map<Integer, Integer> byStatus = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      Request request = request(random);
      try {
        Response response = send(request);
        byStatus.merge(response.status, 1, Integer::sum);
        check(request, response);
      } catch (IOException | AssertionError e) {
        failures.add("case " + i + ": " + e.getMessage());
      }
    }
    System.out.printf("dashboard fuzz: %d requests, answers by status %s%n", CASES, byStatus);
    assertEquals(
        List.of(),
        failures.stream().limit(20).toList(),
        failures.size() + " of " + CASES + " cases failed");
    assertTrue(
        byStatus.getOrDefault(200, 0) > 0 && byStatus.keySet().stream().anyMatch(s -> s >= 400),
        "the generator makes good and bad requests: " + byStatus);
  }

  /** A 4xx with the API's JSON error, or a 200 (JSON where the API answers). */
  private static void check(Request request, Response response) throws IOException {
    String what = request + " -> " + response.status + " " + abbreviate(response.body);
    assertTrue(response.status >= 200 && response.status < 500, what);
    if (request.head) {
      return; // no body to check
    }
    if (response.status >= 400) {
      assertTrue(
          response.contentType.startsWith("application/json"),
          what + " (content-type " + response.contentType + ")");
      JsonNode error = JSON.readTree(response.body);
      assertTrue(error.path("error").isTextual() && !error.path("error").asText().isBlank(), what);
      assertEquals(response.status, error.path("status").asInt(), what);
    } else if (request.path.startsWith("/api/runs")) {
      assertTrue(response.contentType.startsWith("application/json"), what);
      assertTrue(JSON.readTree(response.body).isObject(), what);
    }
  }

  /** One fuzzed request: its raw bytes, and what the checks need to know of it. */
  private record Request(byte[] bytes, String path, boolean head, String summary) {
    @Override
    public String toString() {
      return summary;
    }
  }

  private static Request request(SplittableRandom random) {
    if (random.nextInt(20) == 0) {
      return garbage(random);
    }
    String method =
        random.nextInt(5) > 0
            ? "GET"
            : pick(
                random, "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "BREW",
                "get");
    String path = path(random);
    StringBuilder head =
        new StringBuilder(method)
            .append(' ')
            .append(path)
            .append(" HTTP/1.1\r\n")
            .append("Host: 127.0.0.1:")
            .append(port)
            .append("\r\nConnection: close\r\n");
    String headers = "";
    switch (random.nextInt(12)) {
      case 0 ->
          headers =
              "X-Fuzz: " + "v".repeat(1 + random.nextInt(20_000)) + "\r\n"; // beyond 8k: refused
      case 1 ->
          headers = ("X-Many: 1\r\n").repeat(1 + random.nextInt(120)); // beyond 64 headers: refused
      case 2 ->
          headers =
              pick(
                  random,
                  "Bad Name: 1\r\n",
                  ": empty\r\n",
                  "X-Ctl: \u0001\u0002\r\n",
                  "NoColon\r\n",
                  "Content-Length: -5\r\n",
                  "Content-Length: 99999999999999999999\r\n",
                  "Transfer-Encoding: bogus\r\n",
                  "Accept: */*;q=xyz\r\n",
                  "Cookie: fpk_token=%zz\r\n",
                  "Authorization: Bearer\r\n",
                  "Range: bytes=9-1\r\n");
      default -> {}
    }
    byte[] body = new byte[0];
    if (random.nextInt(6) == 0) {
      // a body, sometimes above fpk.dashboard.max-request-bytes (64 KiB)
      body =
          new byte
              [random.nextBoolean()
                  ? random.nextInt(1_000)
                  : 64 * 1024 + 1 + random.nextInt(200_000)];
      random.nextBytes(body);
      headers +=
          "Content-Type: application/octet-stream\r\nContent-Length: " + body.length + "\r\n";
    }
    head.append(headers).append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    String summary =
        method
            + " "
            + abbreviate(path)
            + (headers.isEmpty() ? "" : " [" + abbreviate(headers.strip()) + "]")
            + (body.length > 0 ? " body " + body.length + " B" : "");
    return new Request(out.toByteArray(), path, method.equals("HEAD"), summary);
  }

  /** Bytes that are no HTTP request at all, or a broken request line. */
  private static Request garbage(SplittableRandom random) {
    byte[] bytes =
        switch (random.nextInt(5)) {
          case 0 -> {
            byte[] b = new byte[1 + random.nextInt(500)];
            random.nextBytes(b);
            yield concat(b, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          }
          case 1 -> "GET /api/runs\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1); // HTTP/0.9 style
          case 2 -> "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
          case 3 ->
              ("GET /api/runs HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1);
          default ->
              ("GET /api/runs HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1);
        };
    return new Request(
        bytes, "", false, "garbage " + abbreviate(new String(bytes, StandardCharsets.ISO_8859_1)));
  }

  private static String path(SplittableRandom random) {
    String run = pick(random, "run-1", "run-1", "run-2", segment(random));
    String layer = pick(random, "bottleneck", "bottleneck", "other", segment(random));
    String entry =
        pick(
            random,
            "0",
            "1",
            "2",
            "-1",
            "2147483648",
            "99999999999999999999",
            "1e3",
            "0x1",
            "+1",
            "01",
            "%20",
            "1.5",
            segment(random));
    return switch (random.nextInt(12)) {
      case 0 ->
          pick(
              random,
              "/",
              "/app.js",
              "/style.css",
              "/vendor/chart.js",
              "/metrics",
              "/health",
              "/api",
              "/api/",
              "//api//runs",
              "/api/runs/",
              "/%2e%2e/%2e%2e/etc/passwd",
              "/../../etc/passwd",
              "/index.html",
              "*",
              "");
      case 1 -> "/api/runs";
      case 2 -> "/api/runs/" + run;
      case 3 -> "/api/runs/" + run + "/layers/" + layer;
      case 4, 5, 6 -> "/api/runs/" + run + "/layers/" + layer + "/entries/" + entry;
      case 7 ->
          "/api/runs/" + run + "/layers/" + layer + "/entries/" + entry + "/" + segment(random);
      case 8, 9 -> "/api/events?" + query(random, run, layer, entry);
      case 10 -> "/api/runs?" + query(random, run, layer, entry);
      default -> "/" + segment(random) + (random.nextBoolean() ? "/" + segment(random) : "");
    };
  }

  private static String query(SplittableRandom random, String run, String layer, String entry) {
    StringBuilder q = new StringBuilder();
    for (int k = random.nextInt(5); k > 0; k--) {
      q.append(
          pick(
              random,
              "run=" + run,
              "layer=" + layer,
              "entry=" + entry,
              "entry=",
              "run",
              "=x",
              "&&",
              "entry=" + entry + "&entry=" + entry,
              "%zz=1",
              "run=%",
              "layer=%E0%A4%A",
              segment(random) + "=" + segment(random)));
      q.append('&');
    }
    return q.toString();
  }

  /** A random path segment: percent-encoded bytes, unicode, control characters, very long ones. */
  private static String segment(SplittableRandom random) {
    return switch (random.nextInt(7)) {
      case 0 -> "x".repeat(1 + random.nextInt(4_000)); // beyond the 2k URI limit at times
      case 1 -> {
        StringBuilder s = new StringBuilder();
        for (int k = 1 + random.nextInt(10); k > 0; k--) {
          s.append('%').append(String.format(Locale.ROOT, "%02X", random.nextInt(256)));
        }
        yield s.toString();
      }
      case 2 ->
          pick(
              random, "%", "%g0", "%E2%82", "%C0%AF", "%00", "%2F", "..", ".", "~", ";", "%3B",
              "a;b=c");
      case 3 ->
          pick(
              random,
              "\u00e9t\u00e9",
              "\u65e5\u672c",
              "\ud83d\ude00"); // raw UTF-8 in the request line
      case 4 -> pick(random, "\t", "a b", "a\"b", "<script>", "{}", "|", "\\", "`");
      default -> Integer.toString(random.nextInt(), 36);
    };
  }

  /** A response's status, content type and body (the head only for an event stream). */
  private record Response(int status, String contentType, String body) {}

  private static Response send(Request request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      // written beside the reading: the server may answer a refused request before reading it to
      // its end
      Thread writer =
          new Thread(
              () -> {
                try {
                  OutputStream out = socket.getOutputStream();
                  out.write(request.bytes);
                  out.flush();
                } catch (IOException e) {
                  // the server answered and closed first
                }
              },
              "fuzz-writer");
      writer.setDaemon(true);
      writer.start();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      if (head.isEmpty()) {
        throw new IOException("connection closed without an answer to " + request);
      }
      String statusLine =
          head.substring(0, head.indexOf("\r\n") < 0 ? head.length() : head.indexOf("\r\n"));
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      String contentType = header(head, "content-type");
      if (contentType.startsWith("text/event-stream")) {
        return new Response(status, contentType, "");
      }
      String length = header(head, "content-length");
      byte[] body = length.isEmpty() ? readToEnd(in) : in.readNBytes(Integer.parseInt(length));
      return new Response(status, contentType, new String(body, StandardCharsets.UTF_8));
    } catch (SocketTimeoutException e) {
      throw new IOException("no answer within " + READ_TIMEOUT_MILLIS + " ms to " + request, e);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      int n = head.size();
      byte[] h = head.toByteArray();
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] readToEnd(InputStream in) throws IOException {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0]; // reset after the answer: the head is what counts
    }
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return "";
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @SafeVarargs
  private static <T> T pick(SplittableRandom random, T... options) {
    return options[random.nextInt(options.length)];
  }

  private static String abbreviate(String s) {
    String flat = s.replace("\r", "\\r").replace("\n", "\\n");
    return flat.length() > 160 ? flat.substring(0, 160) + "...(" + flat.length() + " chars)" : flat;
  }
}
