package dev.fpk.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.app.browser.Chromium;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.OutputComparison;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** A report of one OU-like entry (mu = -0.5 w, D = 0.01) over three steps. */
  static ObjectNode report() {
    ReportCollector c = new ReportCollector();
    EntryEstimate.Builder est =
        EntryEstimate.newBuilder()
            .addIndex(0)
            .addIndex(0)
            .setDriftSlope(-0.5)
            .setDriftSlopeStderr(0.05)
            .setDiffusionMean(0.01)
            .setDiffusionMeanStderr(0.001);
    for (int i = 0; i < 9; i++) {
      double w = -1 + 0.25 * i;
      est.addGrid(w)
          .addDrift(-0.5 * w)
          .addDriftStderr(0.03)
          .addDiffusion(0.01)
          .addDiffusionStderr(0.002)
          .addCount(40);
    }
    EntryDensity.Builder d = EntryDensity.newBuilder().addIndex(0).addIndex(0);
    for (int i = 0; i <= 20; i++) {
      d.addEdges(-1 + 0.1 * i);
    }
    for (int i = 0; i < 20; i++) {
      double w = -0.95 + 0.1 * i;
      double p = Math.exp(-w * w / 0.04) / Math.sqrt(Math.PI * 0.04);
      d.addTheory(p).addEmpirical(p * (1 + 0.2 * Math.cos(i)));
    }
    long offset = 0;
    for (int step = 1; step <= 3; step++) {
      c.accept(
          record(
              Topics.ALIGNMENT,
              offset++,
              AlignmentUpdate.newBuilder()
                  .setRunId("run-a")
                  .setLayer("bottleneck")
                  .setStep(step)
                  .setReplicas(16)
                  .addEntries(
                      EntryAlignment.newBuilder()
                          .addIndex(0)
                          .addIndex(0)
                          .setW1(0.01 * step)
                          .setJs(0.002)
                          .setHellinger(0.03)
                          .setSamplingFloorW1(0.02))
                  .addOutputs(
                      OutputComparison.newBuilder()
                          .setModel("entrywise")
                          .setProbes(8)
                          .setTheorySamples(16)
                          .setSlicedW1(0.03)
                          .setEnergy(0.01)
                          .setSlicedW1Floor(0.02)
                          .setEnergyFloor(0.005))
                  .build()
                  .toByteArray()));
    }
    c.accept(
        record(
            Topics.ESTIMATES,
            offset++,
            DriftDiffusionEstimate.newBuilder()
                .setRunId("run-a")
                .setLayer("bottleneck")
                .setStep(3)
                .setMode("ensemble")
                .addEntries(est)
                .build()
                .toByteArray()));
    c.accept(
        record(
            Topics.DENSITIES,
            offset,
            DensityUpdate.newBuilder()
                .setRunId("run-a")
                .setLayer("bottleneck")
                .setStep(3)
                .addEntries(d)
                .build()
                .toByteArray()));
    return c.toJson(JSON, Set.of("run-a"));
  }

  private static ConsumerRecord<String, byte[]> record(String topic, long offset, byte[] value) {
    return new ConsumerRecord<>(topic, 0, offset, "run-a/bottleneck", value);
  }

  @Test
  void shouldInlineEverythingItNeeds() throws Exception {
    String page = HtmlReport.render(JSON, report());
    assertFalse(page.contains("src=\""), "no external script or image");
    assertFalse(page.contains("href=\""), "no external style sheet");
    assertTrue(page.contains("window.FPK_REPORT = {"), "the report is embedded");
    assertTrue(
        page.contains("Chart.js v4") || page.contains("chart.js"), "the chart library is inlined");
    assertTrue(page.contains("window.fpkState"), "the page script is inlined");
    Matcher data =
        Pattern.compile("window\\.FPK_REPORT = (\\{.*?\\});</script>", Pattern.DOTALL)
            .matcher(page);
    assertTrue(data.find());
    assertEquals("run-a", JSON.readTree(data.group(1)).at("/runs/0/runId").asText());
  }

  @Test
  @Timeout(60)
  void shouldDrawThePlotsOfTheReportWithoutAServer() throws Exception {
    Assumptions.assumeTrue(
        Chromium.available(),
        "no " + Chromium.EXECUTABLE + ": deploy/install-test-deps.sh installs it");
    Path html = dir.resolve("report.html");
    HtmlReport.write(html, JSON, report());
    String dom =
        Chromium.dumpDom(html.toUri().toString(), Duration.ofSeconds(3), Duration.ofSeconds(45));
    Matcher updates = Pattern.compile("data-fpk-updates=\"(\\d+)\"").matcher(dom);
    assertTrue(
        updates.find(),
        "the page drew at least once: " + dom.substring(0, Math.min(2000, dom.length())));
    Matcher points = Pattern.compile("data-fpk-points=\"([^\"]*)\"").matcher(dom);
    assertTrue(points.find());
    JsonNode drawn = JSON.readTree(points.group(1).replace("&quot;", "\""));
    assertEquals(20, drawn.path("density").asInt(), "one theory point per density cell: " + drawn);
    assertEquals(9, drawn.path("drift").asInt(), drawn.toString());
    assertEquals(9, drawn.path("diffusion").asInt(), drawn.toString());
    assertEquals(3, drawn.path("alignment").asInt(), drawn.toString());
    assertEquals(3, drawn.path("outputs").asInt(), "one output comparison per step: " + drawn);
    assertEquals(1, drawn.path("fixedPoints").asInt(), "mu = -w/2 has one zero: " + drawn);
    Matcher status = Pattern.compile("<div id=\"status\"[^>]*>([^<]*)</div>").matcher(dom);
    assertTrue(status.find());
    assertTrue(
        status.group(1).contains("static report"),
        "the status line says what it is: " + status.group(1));
    assertTrue(status.group(1).contains("step 3"), status.group(1));
  }
}
