package dev.fpk.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.MarchenkoPasturFit;
import dev.fpk.protocol.v1.SpectrumUpdate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The shape of a layer's spectral view in the run report, and the HTML report's spectral panel. */
class ReportSpectrumTest {
  private long offset;

  @Test
  void shouldReportTheNewestSpectrumAndTheSeriesOfEveryStepInTheirDocumentedShape()
      throws Exception {
    ReportCollector c = new ReportCollector();
    accept(c, Topics.ALIGNMENT, AlignmentUpdate.newBuilder().setRunId("r").setLayer("fc1").build());
    // out of order, and step 10 published again (a resumed analysis)
    for (long step : new long[] {0, 20, 10, 10}) {
      accept(c, Topics.SPECTRUM, spectrum(step));
    }
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode report = c.toJson(mapper, Set.of("r"));
    JsonNode layer = report.at("/runs/0/layers/0");

    JsonNode s = layer.get("spectrum");
    assertEquals(
        List.of(
            "step",
            "eigenvalues",
            "mp",
            "spikes",
            "alpha",
            "alphaXmin",
            "alphaKs",
            "spacingKs",
            "poissonKs",
            "temperature"),
        names(s));
    assertEquals(List.of("sigma2", "ratio", "ks", "edge"), names(s.get("mp")));
    assertEquals(20, s.get("step").asLong(), "the newest spectrum");
    assertEquals(2.2, s.get("alpha").asDouble(), 1e-12);
    assertEquals(0.02, s.get("temperature").asDouble(), 1e-12);
    assertEquals(0.55, s.get("mp").get("edge").asDouble(), 1e-12);
    List<Double> eigenvalues = new ArrayList<>();
    s.get("eigenvalues").forEach(x -> eigenvalues.add(x.asDouble()));
    assertEquals(8, eigenvalues.size());
    for (int i = 1; i < eigenvalues.size(); i++) {
      assertTrue(eigenvalues.get(i - 1) < eigenvalues.get(i), "ascending: " + eigenvalues);
    }

    JsonNode series = layer.get("spectrumSeries");
    assertEquals(3, series.size(), "one point per step: " + series);
    for (int i = 0; i < 3; i++) {
      JsonNode p = series.get(i);
      assertEquals(
          List.of("step", "alpha", "mpKs", "spacingKs", "spikes", "temperature"), names(p));
      assertEquals(10L * i, p.get("step").asLong());
      assertEquals(2 + i / 10.0, p.get("alpha").asDouble(), 1e-12);
    }
    assertTrue(series.get(0).get("temperature").isNull(), "no temperature for the first: NaN");

    String html = HtmlReport.render(mapper, report);
    assertTrue(html.contains("id=\"spectral-esd\""), "the spectral panel is in the page");
    assertTrue(html.contains("window.fpkSpectral"), "and its script inlined");
    assertTrue(!html.contains("src=\"spectral.js\""), "nothing fetched by the static report");
  }

  @Test
  void shouldReportNoSpectrumForALayerWithout() {
    ReportCollector c = new ReportCollector();
    accept(
        c, Topics.ALIGNMENT, AlignmentUpdate.newBuilder().setRunId("r").setLayer("bias").build());
    JsonNode layer = c.toJson(new ObjectMapper(), Set.of("r")).at("/runs/0/layers/0");
    assertTrue(layer.get("spectrum").isNull());
    assertEquals(0, layer.get("spectrumSeries").size());
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  private void accept(ReportCollector c, String topic, com.google.protobuf.Message m) {
    c.accept(new ConsumerRecord<>(topic, 0, offset++, "r/fc1", m.toByteArray()));
  }

  /** A [4, 8] matrix of 2 replicas: alpha 2 + step / 100, temperature NaN at step 0. */
  private static SpectrumUpdate spectrum(long step) {
    SpectrumUpdate.Builder b =
        SpectrumUpdate.newBuilder()
            .setRunId("r")
            .setLayer("fc1")
            .setStep(step)
            .setReplicas(2)
            .addShape(4)
            .addShape(8)
            .setEigenvalueCount(8)
            .setMp(
                MarchenkoPasturFit.newBuilder()
                    .setSigma2(0.01)
                    .setRatio(0.5)
                    .setKs(0.125)
                    .setEdge(0.55))
            .setSpikes(1.5)
            .setAlpha(2 + step / 100.0)
            .setAlphaXmin(0.4)
            .setTemperature(step == 0 ? Double.NaN : 1e-3 * step);
    for (int i = 1; i <= 8; i++) {
      b.addEigenvalues(0.1f * i);
    }
    return b.build();
  }
}
