package dev.fpk.app.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.analysis.stream.PipelineMetrics;
import dev.fpk.analysis.stream.PipelineMetricsExerciser;
import dev.fpk.dashboard.live.OutputMetrics;
import dev.fpk.dashboard.live.RunStore;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.SpectrumUpdate;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard (deploy/grafana/dashboards/fpk.json) queries is one fpk
 * exports, in its Prometheus form (dots to underscores, base unit appended, counters _total, timers
 * _seconds_count/_sum/_max): the meters are created by exercising every binder an fpk process
 * binds, and the registry is scraped.
 */
class GrafanaDashboardTest {
  private static final Path DASHBOARD = Path.of("../../deploy/grafana/dashboards/fpk.json");
  private static final Path ALERTS = Path.of("../../deploy/prometheus/alerts.yml");
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:fpk|jvm|process|system)_[a-z0-9_]+)\\b");
  private static final Set<String> EXPORTED = new TreeSet<>();
  private static JsonNode dashboard;

  @BeforeAll
  static void scrapeEverythingFpkExports() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    awaitGcPauseMeter(registry);
    PipelineMetrics pipeline = new PipelineMetrics();
    pipeline.bindTo(registry);
    PipelineMetricsExerciser.exercise(pipeline);
    OutputMetrics outputs = new OutputMetrics();
    outputs.bindTo(registry);
    feed(new RunStore(outputs));
    try (ConsumerLagMetrics lag =
        ConsumerLagMetrics.polledByHand("fpk-analysis", "fpk.snapshots.v1", t -> 0)) {
      lag.bindTo(registry);
    }
    for (String line : registry.scrape().split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        EXPORTED.add(line.split("[{ ]", 2)[0]);
      }
    }
    dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
  }

  /** The GC pause timer appears with the first GC notification, which arrives asynchronously. */
  private static void awaitGcPauseMeter(PrometheusMeterRegistry registry)
      throws InterruptedException {
    for (int i = 0; i < 100 && registry.find("jvm.gc.pause").timer() == null; i++) {
      System.gc();
      Thread.sleep(50);
    }
  }

  private static void feed(RunStore store) {
    EntryEstimate.Builder est =
        EntryEstimate.newBuilder()
            .addIndex(0)
            .addIndex(0)
            .setDriftSlope(-0.5)
            .setDiffusionMean(0.01);
    EntryDensity.Builder d = EntryDensity.newBuilder().addIndex(0).addIndex(0);
    for (int i = 0; i < 5; i++) {
      est.addGrid(i).addDrift(-i).addDiffusion(0.01);
      d.addEdges(i).addTheory(0.2).addEmpirical(0.2);
    }
    d.addEdges(5);
    store.onEstimate(
        DriftDiffusionEstimate.newBuilder()
            .setRunId("r")
            .setLayer("l")
            .setStep(1)
            .addEntries(est)
            .build());
    store.onDensity(
        DensityUpdate.newBuilder().setRunId("r").setLayer("l").setStep(1).addEntries(d).build());
    store.onAlignment(
        AlignmentUpdate.newBuilder()
            .setRunId("r")
            .setLayer("l")
            .setStep(1)
            .setSourceTimeUnixMillis(System.currentTimeMillis())
            .addEntries(EntryAlignment.newBuilder().addIndex(0).addIndex(0))
            .build());
    store.onSpectrum(
        SpectrumUpdate.newBuilder()
            .setRunId("r")
            .setLayer("l")
            .setStep(1)
            .setAlpha(3)
            .setSpikes(1)
            .setTemperature(1e-4)
            .build());
  }

  @Test
  void shouldQueryOnlyMetricsFpkExports() {
    Set<String> queried = new TreeSet<>();
    Set<String> missing = new TreeSet<>();
    for (JsonNode expr : dashboard.findValues("expr")) {
      Matcher m = METRIC.matcher(expr.asText());
      boolean any = false;
      while (m.find()) {
        any = true;
        queried.add(m.group(1));
        if (!EXPORTED.contains(m.group(1))) {
          missing.add(m.group(1));
        }
      }
      assertTrue(any, "a query with no fpk, jvm, process or system metric: " + expr.asText());
    }
    assertTrue(queried.size() >= 15, "the dashboard covers the meters: " + queried);
    assertEquals(Set.of(), missing, "queried but not exported; exported: " + EXPORTED);
  }

  @Test
  void shouldAlertOnlyOnMetricsFpkExports() throws Exception {
    Matcher m = METRIC.matcher(Files.readString(ALERTS));
    Set<String> named = new TreeSet<>();
    while (m.find()) {
      named.add(m.group(1));
    }
    assertTrue(named.contains("fpk_theory_rejected_streak_steps"), "the theory alert: " + named);
    named.removeAll(EXPORTED);
    assertEquals(Set.of(), named, "alerted on but not exported; exported: " + EXPORTED);
  }

  @Test
  void shouldQueryEveryMeterTheIssueAsksFor() {
    String all = dashboard.findValues("expr").toString();
    for (String name :
        new String[] {
          "fpk_snapshots_in_snapshots_total",
          "fpk_snapshots_rejected_snapshots_total",
          "fpk_snapshots_late_snapshots_total",
          "fpk_snapshots_duplicate_snapshots_total",
          "fpk_drift_slope_per_step",
          "fpk_diffusion_mean_weight2_per_step",
          "fpk_flow_share_ratio",
          "fpk_alignment_w1_weight_units",
          "fpk_alignment_js_nats",
          "fpk_alignment_hellinger_ratio",
          "fpk_solver_step_time_seconds_sum",
          "fpk_watermark_lag_steps",
          "fpk_watermark_lag_time_seconds",
          "fpk_kafka_consumer_lag_records",
          "fpk_estimator_increments",
          "jvm_memory_used_bytes"
        }) {
      assertTrue(all.contains(name), "a panel for " + name);
    }
  }

  @Test
  void shouldUseTheProvisionedDatasourceAndBoundedVariables() throws Exception {
    String datasource =
        Files.readString(Path.of("../../deploy/grafana/provisioning/datasources/prometheus.yaml"));
    for (JsonNode ds : dashboard.findValues("datasource")) {
      assertEquals(
          "fpk-prometheus", ds.path("uid").asText(), "every panel uses the provisioned datasource");
    }
    assertTrue(datasource.contains("uid: fpk-prometheus"));
    assertFalse(
        dashboard.toString().contains("step=\""),
        "no query filters on a step label: steps are never tags");
  }
}
