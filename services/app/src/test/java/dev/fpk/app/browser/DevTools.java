package dev.fpk.app.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Chrome DevTools protocol client over Java's built-in WebSocket: attach to the first
 * page target, evaluate JavaScript, take screenshots. Commands are matched to replies by id; events
 * are ignored. Thread-safe for sequential use.
 */
public final class DevTools implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  // set once connected; the listener exists before the socket does
  private volatile WebSocket socket;

  private DevTools() {}

  /** Connects to the page target of a browser started by {@link Chromium#start}. */
  public static DevTools attach(Chromium chromium, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      HttpResponse<String> list =
          http.send(
              HttpRequest.newBuilder(URI.create(chromium.devToolsHttp() + "/json/list")).build(),
              HttpResponse.BodyHandlers.ofString());
      for (JsonNode target : JSON.readTree(list.body())) {
        if ("page".equals(target.path("type").asText())) {
          DevTools tools = new DevTools();
          tools.socket =
              http.newWebSocketBuilder()
                  .buildAsync(
                      URI.create(target.path("webSocketDebuggerUrl").asText()), tools.listener())
                  .get(10, TimeUnit.SECONDS);
          return tools;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("no page target in " + list.body());
      }
      Thread.sleep(100);
    }
  }

  private WebSocket.Listener listener() {
    StringBuilder buffer = new StringBuilder();
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        buffer.append(data);
        if (last) {
          String message = buffer.toString();
          buffer.setLength(0);
          onMessage(message);
        }
        webSocket.request(1);
        return null;
      }
    };
  }

  private void onMessage(String message) {
    try {
      JsonNode node = JSON.readTree(message);
      if (node.has("id")) {
        CompletableFuture<JsonNode> reply = pending.remove(node.get("id").asInt());
        if (reply != null) {
          reply.complete(node);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("unreadable DevTools message", e);
    }
  }

  /** Sends a command and waits for its result; a protocol error becomes an exception. */
  public JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
    command.set("params", params == null ? JSON.createObjectNode() : params);
    socket.sendText(JSON.writeValueAsString(command), true).get(10, TimeUnit.SECONDS);
    JsonNode node = reply.get(30, TimeUnit.SECONDS);
    if (node.has("error")) {
      throw new IOException(method + " failed: " + node.get("error"));
    }
    return node.path("result");
  }

  /**
   * Evaluates an expression in the page and returns its value (JSON-serialisable values only; a
   * promise is awaited).
   */
  public JsonNode evaluate(String expression) throws Exception {
    ObjectNode params =
        JSON.createObjectNode()
            .put("expression", expression)
            .put("returnByValue", true)
            .put("awaitPromise", true);
    JsonNode result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new IOException("page threw: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** A PNG of the page's viewport. */
  public byte[] screenshot() throws Exception {
    JsonNode result = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
    return Base64.getDecoder().decode(result.path("data").asText());
  }

  /** A PNG of the whole page, beyond the viewport. */
  public byte[] screenshotWholePage() throws Exception {
    JsonNode size = call("Page.getLayoutMetrics", null).path("cssContentSize");
    ObjectNode clip =
        JSON.createObjectNode()
            .put("x", 0)
            .put("y", 0)
            .put("width", size.path("width").asDouble())
            .put("height", size.path("height").asDouble())
            .put("scale", 1);
    ObjectNode params =
        JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
    params.set("clip", clip);
    return Base64.getDecoder().decode(call("Page.captureScreenshot", params).path("data").asText());
  }

  @Override
  public void close() {
    if (socket != null) {
      socket
          .sendClose(WebSocket.NORMAL_CLOSURE, "done")
          .orTimeout(5, TimeUnit.SECONDS)
          .exceptionally(e -> null)
          .join();
    }
  }
}
