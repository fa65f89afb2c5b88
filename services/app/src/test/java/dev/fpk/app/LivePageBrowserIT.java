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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
 * inputs allow, and draws the entry picked in the picker; then issue 19's page (see {@link
 * #checkIssue19Panels}): every chart drawn, reading help, the export, a run of the same sweep
 * overlaid, a step range. Screenshots of the whole page go to target/screenshots: live-page.png at
 * the last step, live-page-compare.png with the comparison and the step range.
 */
@Timeout(120)
class LivePageBrowserIT {
  private static final int STEPS = 120;
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final int COMPARED_STEPS = 6;

  /** Every chart of the page, by canvas id. */
  private static final List<String> CANVASES =
      List.of(
          "density",
          "drift",
          "diffusion",
          "beta",
          "alignment",
          "outputs",
          "distribution",
          "update-size");

  /** The charts whose x is the step. */
  private static final List<String> TIME_CHARTS =
      List.of("alignment", "outputs", "distribution", "update-size");

  @Test
  void shouldDrawTheDemoLiveAndFollowItToTheLastStep() throws Exception {
    Assumptions.assumeTrue(
        Chromium.available(),
        "no " + Chromium.EXECUTABLE + ": deploy/install-test-deps.sh installs it");
    // two runs of one sweep (<sweep>/<name>): the demo's, and one to compare it with
    String sweep = "browser-" + UUID.randomUUID().toString().substring(0, 8);
    String runId = sweep + "/demo";
    String compareRun = sweep + "/compared";
    // a run listed before ours: the page must keep to the run its address names, not take the first
    publishAlignment(TestKafka.bootstrap(), "a-decoy-" + runId, "other", 1, 1);
    for (int k = 1; k <= COMPARED_STEPS; k++) { // steps 20, 40, .. 120: inside the step range too
      publishAlignment(TestKafka.bootstrap(), compareRun, "bottleneck", 20L * k, 4, 0.2);
    }
    BackgroundCommand demo =
        BackgroundCommand.start(
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
            String.valueOf(Streaming.freePort()),
            "--linger",
            "PT90S");
    int exit;
    try {
      String url =
          BackgroundCommand.await(
              () -> matchUrl(demo.output()),
              Duration.ofSeconds(60),
              "the demo's live page URL: " + demo.output());
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
        byte[] png = page.screenshotWholePage();
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
        checkIssue19Panels(page, sweep, compareRun);
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
      BackgroundCommand.await(
          () -> demo.output().contains("stays up") ? true : null,
          Duration.ofSeconds(60),
          "the demo's summary: " + demo.output());
    } finally {
      exit = demo.stop(); // ends the linger
    }
    assertEquals(0, exit, demo.output());
    assertTrue(demo.output().contains("Summary"), demo.output());
  }

  /**
   * Issue 19's page: every chart has coloured pixels inside its plot area, every panel a line on
   * how to read it, the export of the entry shown holds every panel's data, a run of the same sweep
   * overlaid on the time panels, and a step range applied to all of them; a screenshot of the whole
   * page with the comparison and the range goes to target/screenshots/live-page-compare.png.
   */
  private static void checkIssue19Panels(DevTools page, String sweep, String compareRun)
      throws Exception {
    JsonNode state =
        awaitState(
            page,
            s ->
                s.path("points").path("distribution").asInt() >= 3
                    && s.path("points").path("updateSize").asInt() >= 3,
            Duration.ofSeconds(20),
            "the distribution and update-size panels drawn");
    System.out.println("issue 19 panels: " + state.path("points"));
    JsonNode pixels = page.evaluate(COLOURED_PIXELS + "(" + jsArray(CANVASES) + ")");
    System.out.println("coloured pixels in each plot area: " + pixels);
    for (String id : CANVASES) {
      assertTrue(pixels.path(id).asInt() > 200, id + " drawn: " + pixels);
    }
    JsonNode help =
        page.evaluate(
            "Array.from(document.querySelectorAll('section.panel')).map(s =>"
                + " (s.querySelector('p.help') || {textContent: ''}).textContent)");
    assertTrue(help.size() >= CANVASES.size(), "panels: " + help);
    help.forEach(h -> assertTrue(h.asText().startsWith("How to read:"), "reading help: " + help));

    // the export of the entry shown (entry 2, step STEPS + 1 pushed with W1 0.1)
    JsonNode export =
        page.evaluate(
            "(async () => { const csv = await (await fetch(document.getElementById('export-csv')"
                + ".href)).text(); const json = await (await fetch(document.getElementById("
                + "'export-json').href)).json(); return {csv: csv, rows: json.rows.length,"
                + " entry: json.entry}; })()");
    String[] lines = export.path("csv").asText().split("\n");
    assertEquals("step,panel,series,w,value,unit", lines[0]);
    Set<String> panels = new TreeSet<>();
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",");
      assertTrue(f[0].matches("\\d+"), "row " + i + " starts with its step: " + lines[i]);
      panels.add(f[1]);
    }
    assertEquals(
        Set.of(
            "alignment",
            "beta",
            "density",
            "diffusion",
            "distribution",
            "drift",
            "outputs",
            "update_size"),
        panels);
    assertEquals(2, export.path("entry").asInt());
    assertEquals(lines.length - 1, export.path("rows").asInt(), "the JSON has the CSV's rows");
    assertTrue(
        export
            .path("csv")
            .asText()
            .contains("\n" + (STEPS + 1) + ",alignment,w1,,0.1,weight units\n"),
        "W1 of the pushed step");

    // the runs of the sweep grouped in the picker; the other one overlaid on the time panels
    JsonNode groups =
        page.evaluate(
            "Array.from(document.querySelectorAll('#run optgroup')).map(g =>"
                + " g.label + ':' + Array.from(g.children).map(o => o.value).join(','))");
    assertTrue(
        groups.toString().contains("\"" + sweep + ":" + compareRun + "," + sweep + "/demo\""),
        "the sweep's runs grouped: " + groups);
    page.evaluate(
        "(() => { const c = document.getElementById('compare'); c.value = '"
            + compareRun
            + "'; c.dispatchEvent(new Event('change')); return true; })()");
    JsonNode compared =
        awaitState(
            page,
            s -> s.path("compare").path("points").path("alignment").asInt() == COMPARED_STEPS,
            Duration.ofSeconds(20),
            "the compared run's W1 overlaid");
    JsonNode overlay =
        page.evaluate(
            "Chart.getChart('alignment').data.datasets.filter(d => d.label.startsWith('"
                + compareRun
                + "')).map(d => d.data.filter(p => p.y !== null).length)");
    assertEquals("[" + COMPARED_STEPS + "]", overlay.toString(), "overlay: " + compared);

    // a step range on every time panel
    page.evaluate(
        "(() => { for (const [id, v] of [['step-from', 20], ['step-to', 60]]) {"
            + " const e = document.getElementById(id); e.value = String(v);"
            + " e.dispatchEvent(new Event('change')); } return true; })()");
    JsonNode ranges =
        page.evaluate(
            "("
                + jsArray(TIME_CHARTS)
                + ").map(id => { const x = Chart.getChart(id).scales.x; return [x.min, x.max]; })");
    ranges.forEach(r -> assertEquals("[20,60]", r.toString(), "every time panel: " + ranges));
    Files.createDirectories(SCREENSHOTS);
    Path shot = SCREENSHOTS.resolve("live-page-compare.png");
    Files.write(shot, page.screenshotWholePage());
    System.out.println("screenshot with comparison and step range: " + shot.toAbsolutePath());
    page.evaluate("(() => { document.getElementById('step-reset').click(); return true; })()");
    JsonNode reset = page.evaluate("Chart.getChart('alignment').scales.x.min");
    assertTrue(reset.asDouble() < 20, "the whole range again: " + reset);
  }

  /**
   * A page function: per canvas id, the pixels inside the chart's plot area whose colour is
   * saturated (a data line or band; axes, grid and labels are grey).
   */
  private static final String COLOURED_PIXELS =
      "(ids => { const out = {}; for (const id of ids) { const c = document.getElementById(id);"
          + " const a = Chart.getChart(c).chartArea; const r = window.devicePixelRatio || 1;"
          + " const d = c.getContext('2d').getImageData(a.left * r, a.top * r,"
          + " (a.right - a.left) * r, (a.bottom - a.top) * r).data; let n = 0;"
          + " for (let i = 0; i < d.length; i += 4) { if (d[i + 3] > 0 && Math.max(d[i], d[i + 1],"
          + " d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) { n++; } } out[id] = n; }"
          + " return out; })";

  private static String jsArray(List<String> xs) {
    return xs.stream().map(x -> "'" + x + "'").collect(Collectors.joining(",", "[", "]"));
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
    publishAlignment(bootstrap, run, layer, step, entries, 0.1);
  }

  /** As above, with every entry's W1 {@code w1} (weight units). */
  private static void publishAlignment(
      String bootstrap, String run, String layer, long step, int entries, double w1) {
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
              .setW1(w1)
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
}
