package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.app.experiment.SamplingFloorCheck;
import dev.fpk.app.experiment.Sensitivity;
import dev.fpk.app.experiment.VerdictCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fpk experiment} at reduced size (64 replicas, 300 steps, sensitivity runs of 60 steps)
 * through a real broker: the report has every view, its numbers are present, finite and in range,
 * and every check's boolean is what its own numbers give. Whether the physics holds at this size is
 * not asserted.
 */
@Timeout(240)
class ExperimentIT {
  private static final int STEPS = 300;
  @TempDir static Path dir;
  private static JsonNode report;
  private static String stdout;

  @BeforeAll
  static void runTheExperiment() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit =
          Fpk.commandLine()
              .execute(
                  "experiment",
                  "--out",
                  dir.toString(),
                  "--replicas",
                  "64",
                  "--steps",
                  String.valueOf(STEPS),
                  "--sensitivity-steps",
                  "60",
                  "--seed",
                  "3",
                  "--bootstrap",
                  TestKafka.bootstrap(),
                  "--quiet");
    } finally {
      System.setOut(original);
    }
    stdout = captured.toString(StandardCharsets.UTF_8);
    original.println(stdout);
    assertEquals(0, exit, stdout);
    report = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
  }

  @Test
  void shouldCarryTheReplayReportOfTheMainRunAndTheTransient() {
    JsonNode layer = report.at("/runs/0/layers/0");
    assertEquals("experiment-s3", report.at("/runs/0/runId").asText());
    assertEquals("bottleneck", layer.get("layer").asText());
    assertEquals(64, layer.get("replicas").asInt());
    assertEquals(STEPS, layer.get("lastStep").asInt());
    assertEquals(4, layer.get("entries").size());
    for (JsonNode e : layer.get("entries")) {
      assertTrue(e.at("/diffusion/mean").asDouble() > 0, "diffusion of " + e.get("index"));
      assertEquals(STEPS + 1, e.get("alignment").size(), "one alignment point a step");
    }
    long end = report.at("/transient/endStep").asLong();
    assertTrue(end >= 100 && end <= STEPS, "transient end " + end);
    assertTrue(List.of("loss-rate", "half-of-run").contains(report.at("/transient/rule").asText()));
    assertEquals(STEPS / 10, report.at("/loss/steps").size(), "loss every 10 steps from 10");
    report
        .at("/loss/meanLoss")
        .forEach(l -> assertTrue(l.asDouble() > 0 && l.asDouble() < 10, "loss " + l));
  }

  @Test
  void shouldReportSamplingFloorsForecastsAndOutputsWithFiniteNumbers() {
    assertEquals(4, report.get("samplingFloorW1").size());
    report
        .get("samplingFloorW1")
        .forEach(f -> assertTrue(f.get("mean").asDouble() > 0, "floor " + f));
    // forecasts: every horizon and entry has a row; the 10-step ones were scored in the slow phase
    assertEquals(12, report.get("forecast").size());
    for (JsonNode f : report.get("forecast")) {
      assertTrue(List.of(10, 50, 200).contains(f.get("horizon").asInt()));
      if (f.get("horizon").asInt() == 10) {
        assertTrue(f.get("scored").asInt() > 0, "10-step forecasts scored: " + f);
        for (String k : List.of("w1", "baselineStatic", "baselineGaussian")) {
          assertTrue(f.get(k).asDouble() > 0 && f.get(k).asDouble() < 1, k + " of " + f);
        }
      }
    }
    // outputs y = W h: both models, distances and floors non-negative and finite
    JsonNode outputs = report.get("outputs");
    assertTrue(outputs.size() > 0, "output comparisons");
    for (String model : List.of("entrywise", "joint")) {
      assertTrue(containsModel(outputs, model), "outputs of the " + model + " model");
    }
    for (JsonNode o : outputs) {
      for (String k : List.of("slicedW1", "energy", "slicedW1Floor", "energyFloor")) {
        assertTrue(o.get(k).isNumber() && o.get(k).asDouble() >= 0, k + " of " + o);
      }
    }
    assertTrue(report.at("/joint/available").asBoolean(), "joint model figures");
    assertTrue(report.at("/joint/marginalW1Ratio").asDouble() > 0);
    // joint / entry-wise output sliced W1, recomputed from the report's output comparisons of the
    // slow phase (the steps from the transient's end that carry both models)
    long from = report.at("/transient/endStep").asLong();
    java.util.Map<Long, double[]> byStep = new java.util.TreeMap<>();
    for (JsonNode o : outputs) {
      String model = o.get("model").asText();
      if (o.get("step").asLong() >= from && List.of("joint", "entrywise").contains(model)) {
        double[] pair =
            byStep.computeIfAbsent(
                o.get("step").asLong(), k -> new double[] {Double.NaN, Double.NaN});
        pair[model.equals("joint") ? 0 : 1] = o.get("slicedW1").asDouble();
      }
    }
    double jointSum = 0;
    double entrywiseSum = 0;
    int both = 0;
    for (double[] pair : byStep.values()) {
      if (!Double.isNaN(pair[0]) && !Double.isNaN(pair[1])) {
        jointSum += pair[0];
        entrywiseSum += pair[1];
        both++;
      }
    }
    assertEquals(report.at("/joint/outputSteps").asInt(), both, "output steps of the slow phase");
    assertEquals(jointSum / entrywiseSum, report.at("/joint/slicedW1Ratio").asDouble(), 1e-12);
  }

  private static boolean containsModel(JsonNode outputs, String model) {
    for (JsonNode o : outputs) {
      if (o.get("model").asText().equals(model)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void shouldReportTheCallanSymanzikKpzAndPawulaViews() {
    JsonNode checkpoints = report.at("/callanSymanzik/checkpoints");
    assertEquals(5, checkpoints.size());
    for (JsonNode cp : checkpoints) {
      assertEquals(4, cp.get("entries").size());
      for (JsonNode e : cp.get("entries")) {
        assertEquals(e.get("grid").size(), e.get("beta").size());
        assertEquals(e.get("grid").size(), e.get("gamma").size());
        e.get("fixedPoints")
            .forEach(
                f ->
                    assertTrue(
                        Double.isFinite(f.get("exponent").asDouble())
                            && f.get("attractive").asBoolean() == f.get("exponent").asDouble() < 0,
                        "fixed point " + f));
      }
    }
    JsonNode kpz = report.at("/kpz/checkpoints");
    assertTrue(kpz.size() > 0, "KPZ checkpoints");
    int cells = report.at("/kpz/cells").asInt();
    for (JsonNode cp : kpz) {
      // nu is the mean D of the estimate the Callan-Symanzik view read at the same checkpoint
      JsonNode cs = estimateAtOrBefore(checkpoints, cp.get("step").asLong());
      for (int i = 0; i < cp.get("entries").size(); i++) {
        JsonNode e = cp.get("entries").get(i);
        assertEquals(
            cs.get("entries").get(i).get("diffusionMean").asDouble(),
            e.get("nu").asDouble(),
            0,
            "nu " + e);
        assertEquals(2 * e.get("nu").asDouble(), e.get("lambda").asDouble(), 0);
        // the residual needs both neighbours of a cell: the two end cells never count
        assertTrue(
            e.get("cells").asInt() >= 1 && e.get("cells").asInt() <= cells - 2, "cells " + e);
        double rms = e.get("residualRms").asDouble();
        assertTrue(
            rms > 0 && Double.isFinite(rms),
            "64 replicas' histograms never satisfy the equation exactly: " + e);
        assertEquals(
            rms,
            e.get("relativeResidual").asDouble() * e.get("dhdtRms").asDouble(),
            1e-9 * rms,
            "relative residual = residual RMS / RMS of dh/dt: " + e);
      }
    }
    assertEquals(4, report.get("pawula").size());
    report
        .get("pawula")
        .forEach(
            p -> {
              assertEquals(p.get("steps").size(), p.get("ratio").size());
              assertTrue(p.get("steps").size() >= STEPS / 10);
            });
    assertEquals(4, report.at("/densityCheckpoints/0/entries").size());
  }

  /** The Callan-Symanzik checkpoint of the newest estimate at or before {@code step}. */
  private static JsonNode estimateAtOrBefore(JsonNode checkpoints, long step) {
    JsonNode best = null;
    for (JsonNode cp : checkpoints) {
      if (cp.get("step").asLong() <= step
          && (best == null || cp.get("step").asLong() > best.get("step").asLong())) {
        best = cp;
      }
    }
    assertTrue(best != null, "an estimate at or before step " + step);
    return best;
  }

  @Test
  void shouldComputeEveryCheckFromItsOwnNumbers() {
    JsonNode checks = report.get("checks");
    boolean all = true;
    // forecast checks against the forecast rows they summarise
    for (JsonNode c : checks.get("forecastBeatsBaselines")) {
      int h = c.get("horizon").asInt();
      double w1 = 0;
      double st = 0;
      double ga = 0;
      int beating = 0;
      int n = 0;
      for (JsonNode f : report.get("forecast")) {
        if (f.get("horizon").asInt() == h && f.get("scored").asInt() > 0) {
          w1 += f.get("w1").asDouble();
          st += f.get("baselineStatic").asDouble();
          ga += f.get("baselineGaussian").asDouble();
          beating +=
              f.get("w1").asDouble() < f.get("baselineStatic").asDouble()
                      && f.get("w1").asDouble() < f.get("baselineGaussian").asDouble()
                  ? 1
                  : 0;
          n++;
        }
      }
      assertEquals(beating, c.get("entriesBeatingBoth").asInt(), "entries beating both at " + h);
      boolean onAverage = n == 4 && w1 < st && w1 < ga;
      assertEquals(onAverage, c.get("onAverage").asBoolean(), "on average at " + h);
      assertEquals(onAverage && beating >= 3, c.get("holds").asBoolean(), "holds at " + h);
      all &= c.get("holds").asBoolean();
    }
    JsonNode floors = checks.get("w1WithinTwiceSamplingFloor");
    boolean floorsHold = true;
    for (JsonNode e : floors.get("entries")) {
      double ratio = e.get("meanW1").asDouble() / e.get("meanSamplingFloorW1").asDouble();
      assertEquals(ratio, e.get("ratio").asDouble(), 1e-12 * ratio);
      assertEquals(
          ratio <= SamplingFloorCheck.BAR,
          e.get("holds").asBoolean(),
          "floor check of " + e.get("index"));
      double share = e.get("withinShare").asDouble();
      assertTrue(share >= 0 && share <= 1);
      floorsHold &= e.get("holds").asBoolean();
    }
    assertEquals(floorsHold, floors.get("holds").asBoolean());
    all &= floorsHold;
    // the verdict: the share of (entry, step) from the transient end on rejected at 5%, recomputed
    // from
    // the alignment points (every step is kept at this size)
    long end = report.at("/transient/endStep").asLong();
    int scored = 0;
    int rejected = 0;
    for (JsonNode e : report.at("/runs/0/layers/0/entries")) {
      for (JsonNode point : e.get("alignment")) {
        assertTrue(point.get("bootstrapFloorW1").asDouble() > 0, "bootstrap floor at " + point);
        double p = point.get("pValue").asDouble();
        assertTrue(p >= 0 && p <= 1, "p-value at " + point);
        if (point.get("step").asLong() >= end) {
          scored++;
          rejected += p < VerdictCheck.LEVEL ? 1 : 0;
        }
      }
    }
    JsonNode verdict = checks.get("theoryNotRejected");
    double share = (double) rejected / scored;
    assertEquals(share, verdict.get("share").asDouble(), 1e-12);
    assertEquals(share <= VerdictCheck.BAR, verdict.get("holds").asBoolean());
    all &= verdict.get("holds").asBoolean();
    // the conditional verdict, recomputed the same way from its own p-values
    int conditionalScored = 0;
    int conditionalRejected = 0;
    for (JsonNode e : report.at("/runs/0/layers/0/entries")) {
      for (JsonNode point : e.get("alignment")) {
        if (point.get("step").asLong() >= end && point.has("conditionalPValue")) {
          double p = point.get("conditionalPValue").asDouble();
          assertTrue(p > 0 && p <= 1, "conditional p-value at " + point);
          conditionalScored++;
          conditionalRejected += p < VerdictCheck.LEVEL ? 1 : 0;
        }
      }
    }
    assertTrue(conditionalScored > 0, "the experiment draws the conditional verdict");
    JsonNode conditional = checks.get("theoryNotRejectedConditional");
    double conditionalShare = (double) conditionalRejected / conditionalScored;
    assertEquals(conditionalShare, conditional.get("share").asDouble(), 1e-12);
    assertEquals(conditionalShare <= VerdictCheck.BAR, conditional.get("holds").asBoolean());
    all &= conditional.get("holds").asBoolean();
    for (String k : List.of("learningRateX2", "batchSizeX2")) {
      JsonNode s = checks.at("/sensitivity/" + k);
      double measured = s.get("measured").asDouble();
      assertTrue(measured > 0 && Double.isFinite(measured), k + " factor " + measured);
      double r = measured / s.get("predicted").asDouble();
      assertEquals(
          r <= 1 + Sensitivity.TOLERANCE && r >= 1 / (1 + Sensitivity.TOLERANCE),
          s.get("holds").asBoolean(),
          k);
      // the factor is the median of the per-entry ratios of the runs' diffusions
      JsonNode runs = report.at("/sensitivity/runs");
      JsonNode variant = runs.get(k.equals("learningRateX2") ? 1 : 2).get("diffusionMean");
      double[] ratios = new double[4];
      for (int e = 0; e < 4; e++) {
        ratios[e] = variant.get(e).asDouble() / runs.get(0).get("diffusionMean").get(e).asDouble();
      }
      java.util.Arrays.sort(ratios);
      assertEquals((ratios[1] + ratios[2]) / 2, measured, 1e-9 * measured);
      all &= s.get("holds").asBoolean();
    }
    // the Dyson temperature of enc1's spectra: eta / B, so x2 and x0.5
    for (String k : List.of("learningRateX2", "batchSizeX2")) {
      JsonNode t = checks.at("/temperatureSensitivity/" + k);
      double measured = t.get("measured").asDouble();
      assertTrue(measured > 0 && Double.isFinite(measured), k + " temperature factor " + measured);
      assertEquals(k.equals("learningRateX2") ? 2.0 : 0.5, t.get("predicted").asDouble());
      double r = measured / t.get("predicted").asDouble();
      assertEquals(
          r <= 1 + Sensitivity.TOLERANCE && r >= 1 / (1 + Sensitivity.TOLERANCE),
          t.get("holds").asBoolean(),
          k);
      all &= t.get("holds").asBoolean();
    }
    assertEquals(all, checks.get("allHold").asBoolean());
    assertTrue(stdout.contains("all checks hold: " + all), stdout);
  }

  @Test
  void shouldWriteASelfContainedHtmlReport() throws Exception {
    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(html.contains("window.FPK_EXPERIMENT = {"), "report data embedded");
    assertTrue(html.contains("Chart.js"), "chart library inlined");
    assertFalse(html.contains("src=\"http"), "nothing fetched");
  }
}
