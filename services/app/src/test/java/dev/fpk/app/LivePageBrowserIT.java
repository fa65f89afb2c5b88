package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fpk.app.browser.Chromium;
import dev.fpk.app.browser.DevTools;
import dev.fpk.app.node.KafkaAdmin;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code fpk demo} with its live page open in headless Chromium (driven over the DevTools
 * protocol): the page keeps to the run its address names (another run is listed first), draws every
 * plot with data, follows the analysis to the last step, takes one more step pushed to it without a
 * reload (whatever the demo's pace), draws the output-distribution comparison the demo's probe
 * inputs allow, and draws the entry picked in the picker; a screenshot of the last step goes to
 * target/screenshots.
 */
@Timeout(120)
class LivePageBrowserIT {
  private static final int STEPS = 120;
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @Test
  void shouldDrawTheDemoLiveAndFollowItToTheLastStep() throws Exception {
    Assumptions.assumeTrue(
        Chromium.available(),
        "no " + Chromium.EXECUTABLE + ": deploy/install-test-deps.sh installs it");
    String runId = "browser-" + UUID.randomUUID().toString().substring(0, 8);
    // a run listed before ours: the page must keep to the run its address names, not take the first
    publishAlignment(TestKafka.bootstrap(), "a-decoy-" + runId, "other", 1, 1);
    StringWriter output = new StringWriter();
    AtomicInteger exit = new AtomicInteger(-1);
    int port = freePort();
    Thread demo =
        new Thread(
            () ->
                exit.set(
                    Fpk.commandLine()
                        .setOut(new PrintWriter(output, true))
                        .setErr(new PrintWriter(output, true))
                        .execute(
                            "demo",
                            "--steps",
                            String.valueOf(STEPS),
                            "--replicas",
                            "16",
                            "--bootstrap",
                            TestKafka.bootstrap(),
                            "--run-id",
                            runId,
                            "--dashboard-port",
                            String.valueOf(port),
                            "--linger",
                            "PT90S")),
            "demo");
    demo.start();
    try {
      String url =
          await(
              () -> matchUrl(output.toString()),
              Duration.ofSeconds(60),
              "the demo's live page URL: " + output);
      try (Chromium chromium =
              Chromium.start(
                  url + "#run=" + runId + "&layer=bottleneck&entry=1",
                  1400,
                  1250,
                  Duration.ofSeconds(20));
          DevTools page = DevTools.attach(chromium, Duration.ofSeconds(10))) {
        JsonNode first =
            awaitState(
                page,
                s ->
                    s.path("updates").asInt() > 0
                        && s.path("points").path("density").asInt() > 0
                        && s.path("points").path("drift").asInt() > 0
                        && s.path("points").path("diffusion").asInt() > 0
                        && s.path("points").path("beta").asInt() > 0
                        && s.path("points").path("alignment").asInt() > 0
                        && s.path("points").path("outputs").asInt() > 0,
                Duration.ofSeconds(60),
                "every plot drawn with data");
        long firstStep = first.path("lastStep").asLong();
        System.out.println("first drawing: " + first);
        assertEquals(
            runId, first.path("selection").path("run").asText(), "the run from the page address");
        assertEquals(1, first.path("selection").path("entry").asInt());
        JsonNode runs =
            page.evaluate("Array.from(document.querySelectorAll('#run option')).map(o => o.value)");
        assertTrue(runs.toString().contains(runId), "the run picker lists the run: " + runs);
        JsonNode last =
            awaitState(
                page,
                s -> s.path("lastStep").asLong() == STEPS,
                Duration.ofSeconds(60),
                "the page at the last step " + STEPS);
        assertTrue(
            last.path("points").path("alignment").asInt() >= STEPS / 2,
            "the alignment history: " + last);
        // the demo trainer publishes probe inputs: an output comparison at every step
        assertTrue(
            last.path("points").path("outputs").asInt() >= STEPS / 2,
            "the output comparisons: " + last);
        // the verdict badge judges the last 100 steps by their bootstrap p-values
        assertEquals(100, last.path("verdict").path("steps").asInt(), "the verdict: " + last);
        String badge = page.evaluate("document.getElementById('verdict').className").asText();
        assertTrue(
            badge.matches("verdict (agrees|borderline|disagrees)")
                && badge.endsWith(last.path("verdict").path("word").asText()),
            badge);
        if (firstStep < STEPS) {
          assertTrue(
              last.path("updates").asInt() > first.path("updates").asInt(),
              "redrawn on its way to the last step");
        }
        // the spectral panel (spectral.js): the ESD histogram, the fitted Marchenko-Pastur curve,
        // the tail's xmin and alpha over the steps, for the picked layer
        JsonNode spectral =
            awaitState(
                page,
                "window.fpkSpectral",
                s ->
                    s.path("draws").asInt() > 0
                        && s.path("bins").asInt() > 0
                        && s.path("mpPoints").asInt() > 0
                        && s.path("seriesPoints").asInt() >= 2
                        && s.path("xmin").isNumber(),
                Duration.ofSeconds(60),
                "the spectral panel drawn");
        System.out.println("spectral panel: " + spectral);
        JsonNode spectralDrawn =
            page.evaluate(
                "[Chart.getChart('spectral-esd'), Chart.getChart('spectral-alpha')]"
                    + ".map(c => c.data.datasets.map(d => d.data.length))");
        assertTrue(
            spectralDrawn.get(0).size() == 3
                && spectralDrawn.get(0).get(0).asInt() > 0
                && spectralDrawn.get(0).get(1).asInt() > 0
                && spectralDrawn.get(1).get(0).asInt() >= 2,
            "histogram, Marchenko-Pastur curve, xmin line; alpha over the steps: " + spectralDrawn);
        Files.createDirectories(SCREENSHOTS);
        page.evaluate("document.getElementById('spectral-panel').scrollIntoView(), true");
        Files.write(SCREENSHOTS.resolve("spectral-panel.png"), page.screenshot());
        page.evaluate("window.scrollTo(0, 0), true");
        byte[] png = page.screenshot();
        Files.write(SCREENSHOTS.resolve("live-page.png"), png);
        assertTrue(
            png.length > 20_000, "a screenshot with something drawn: " + png.length + " bytes");
        // however fast the demo ran, one more published step must reach the open page without a
        // reload
        publishAlignment(TestKafka.bootstrap(), runId, "bottleneck", STEPS + 1, 4);
        JsonNode pushed =
            awaitState(
                page,
                s -> s.path("lastStep").asLong() == STEPS + 1,
                Duration.ofSeconds(30),
                "step " + (STEPS + 1) + " pushed to the open page");
        assertTrue(pushed.path("updates").asInt() > last.path("updates").asInt());
        int updatesBefore = pushed.path("updates").asInt();
        page.evaluate(
            "(() => { const e = document.getElementById('entry'); e.value = '2';"
                + " e.dispatchEvent(new Event('change')); return true; })()");
        JsonNode picked =
            awaitState(
                page,
                s ->
                    s.path("selection").path("entry").asInt() == 2
                        && s.path("updates").asInt() > updatesBefore,
                Duration.ofSeconds(20),
                "entry 2 drawn after picking it");
        assertEquals(runId, picked.path("selection").path("run").asText());
        assertTrue(
            page.evaluate("location.hash").asText().endsWith("entry=2"),
            "the address follows the pick");
        String outputs =
            page.evaluate("document.getElementById('outputs-note').textContent").asText();
        assertTrue(
            outputs.contains("probe inputs per replica") && outputs.contains("sliced W1"), outputs);
        JsonNode drawn =
            page.evaluate("Chart.getChart('outputs').data.datasets.map(d => d.data.length)");
        assertTrue(
            drawn.size() >= 4 && drawn.get(0).asInt() >= STEPS / 2,
            "theory and floor lines drawn: " + drawn);
        double[] fromSnapshot = sorted(last.path("latencies"));
        double[] fromAnalysis = sorted(last.path("pageLatencies"));
        System.out.printf(
            "live page: first drawn at step %d, %d updates to step %d; from the analysis publishing to the page drawing: median %.0f ms,"
                + " max %.0f ms; from the snapshot's production: median %.0f ms, max %.0f ms%n",
            firstStep,
            last.path("updates").asInt(),
            STEPS,
            fromAnalysis[fromAnalysis.length / 2],
            fromAnalysis[fromAnalysis.length - 1],
            fromSnapshot[fromSnapshot.length / 2],
            fromSnapshot[fromSnapshot.length - 1]);
        assertTrue(
            fromAnalysis[fromAnalysis.length / 2] < 5_000, "the page follows within seconds");
      }
      // the demo has summarised and lingers; an interrupt ends the linger, not the run
      await(
          () -> output.toString().contains("stays up") ? true : null,
          Duration.ofSeconds(60),
          "the demo's summary: " + output);
    } finally {
      demo.interrupt(); // ends the linger
      demo.join(30_000);
    }
    assertEquals(0, exit.get(), output.toString());
    assertTrue(output.toString().contains("Summary"), output.toString());
  }

  private static JsonNode awaitState(
      DevTools page, Predicate<JsonNode> ready, Duration timeout, String what) throws Exception {
    return awaitState(page, "window.fpkState", ready, timeout, what);
  }

  /** Polls a page script's state object ({@code global}) until it is ready without an error. */
  private static JsonNode awaitState(
      DevTools page, String global, Predicate<JsonNode> ready, Duration timeout, String what)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode state = null;
    while (System.nanoTime() < deadline) {
      state = page.evaluate("JSON.stringify(" + global + " || null)");
      JsonNode parsed =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(state.asText("null"));
      if (parsed != null
          && !parsed.isNull()
          && parsed.path("error").isNull()
          && ready.test(parsed)) {
        return parsed;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "timed out after " + timeout + " waiting for " + what + "; page state " + state);
  }

  private static String matchUrl(String out) {
    Matcher m = Pattern.compile("live page (http://\\S+/)").matcher(out);
    return m.find() ? m.group(1) : null;
  }

  private interface Probe<T> {
    T get() throws Exception;
  }

  private static <T> T await(Probe<T> probe, Duration timeout, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  private static double[] sorted(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    Arrays.sort(out);
    return out.length == 0 ? new double[] {Double.NaN} : out;
  }

  /**
   * An alignment update of a 2x2 layer's first {@code entries} entries, straight to the output
   * topic.
   */
  private static void publishAlignment(
      String bootstrap, String run, String layer, long step, int entries) {
    try (KafkaAdmin admin = new KafkaAdmin(bootstrap)) {
      admin.ensureTopics(4, (short) 1);
    }
    AlignmentUpdate.Builder update =
        AlignmentUpdate.newBuilder()
            .setRunId(run)
            .setLayer(layer)
            .setStep(step)
            .setReplicas(16)
            .setSourceTimeUnixMillis(System.currentTimeMillis());
    for (int e = 0; e < entries; e++) {
      update.addEntries(
          EntryAlignment.newBuilder()
              .addIndex(e / 2)
              .addIndex(e % 2)
              .setW1(0.1)
              .setJs(0.1)
              .setHellinger(0.5));
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              Topics.ALIGNMENT, SnapshotKey.of(run, layer), update.build().toByteArray()));
      producer.flush();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
