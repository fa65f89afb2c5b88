package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.protocol.JsonMapping;
import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.solver.SolverSettings;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** End-to-end scenarios, run against whichever broker a test class provides. */
final class Scenarios {
  static final double[] RATES = {0.01, 0.02, 0.03, 0.05};
  static final double[] MEANS = {0.0, 0.1, -0.1, 0.2};
  static final double DIFFUSION = 1e-4;
  static final int REPLICAS = 128;
  static final int STEPS = 300;

  /** Standard errors allowed between estimate and truth. */
  static final double SIGMAS = 4;

  private Scenarios() {}

  /**
   * Replays a file of exact OU snapshots (plus three bad records) and checks that the report
   * recovers each entry's drift slope and diffusion within {@link #SIGMAS} standard errors.
   */
  static void replayRecoversOrnsteinUhlenbeckDriftAndDiffusion(String bootstrap, Path dir)
      throws Exception {
    String runId = "ou-" + UUID.randomUUID();
    Path input = dir.resolve("ou.jsonl");
    try (BufferedWriter out = Files.newBufferedWriter(input)) {
      OuEnsemble ou =
          new OuEnsemble(
              runId, "w", new int[] {2, 2}, RATES, MEANS, DIFFUSION, REPLICAS, 0.3, 0.05, 42);
      for (int step = 0; step <= STEPS; step++) {
        for (WeightSnapshot s : ou.snapshots()) {
          out.write(JsonMapping.toJson(s));
          out.newLine();
        }
        if (step == 100) {
          out.write("{ this is not json\n");
          out.write(
              JsonMapping.toJson(
                      WeightSnapshot.newBuilder()
                          .setRunId(runId)
                          .setLayer("w")
                          .setStep(1)
                          .addShape(2)
                          .addShape(3)
                          .addValues(1f)
                          .build())
                  + "\n");
          out.write(
              JsonMapping.toJson(
                      WeightSnapshot.newBuilder()
                          .setRunId(runId)
                          .setLayer("w")
                          .setStep(-5)
                          .addShape(1)
                          .addValues(1f)
                          .build())
                  + "\n");
        }
        ou.advance();
      }
    }
    Path report = dir.resolve("report.json");
    StringWriter err = new StringWriter();
    int exit =
        Fpk.commandLine()
            .setErr(new PrintWriter(err))
            .execute(
                "replay",
                "--input",
                input.toString(),
                "--report",
                report.toString(),
                "--bootstrap",
                bootstrap);
    assertEquals(0, exit, "replay exit code; stderr: " + err);

    JsonNode root = new ObjectMapper().readTree(report.toFile());
    assertEquals((STEPS + 1) * REPLICAS, root.at("/records/accepted").asLong());
    assertEquals(3, root.at("/records/rejected").asLong(), root.at("/records").toString());
    JsonNode layer = root.at("/runs/0/layers/0");
    assertEquals(runId, root.at("/runs/0/runId").asText());
    assertEquals(REPLICAS, layer.get("replicas").asInt());
    assertEquals(STEPS, layer.get("lastStep").asLong());
    int every = SolverSettings.fromConfig(FpkConfig.load()).forecastEverySteps();
    for (int e = 0; e < RATES.length; e++) {
      JsonNode entry = layer.get("entries").get(e);
      double slope = entry.at("/drift/slope").asDouble();
      double slopeSe = entry.at("/drift/slopeStdErr").asDouble();
      double d = entry.at("/diffusion/mean").asDouble();
      double dSe = entry.at("/diffusion/meanStdErr").asDouble();
      double trueSlope = OuEnsemble.discreteSlope(RATES[e]);
      double trueD = OuEnsemble.discreteDiffusion(RATES[e], DIFFUSION);
      System.out.printf(
          "entry %d: slope %.5f +- %.5f (truth %.5f, %.1f SE); D %.4e +- %.1e (truth %.4e, %.1f SE)%n",
          e,
          slope,
          slopeSe,
          trueSlope,
          Math.abs(slope - trueSlope) / slopeSe,
          d,
          dSe,
          trueD,
          Math.abs(d - trueD) / dSe);
      assertTrue(
          Math.abs(slope - trueSlope) <= SIGMAS * slopeSe,
          String.format(
              "entry %d: slope %.5f +- %.5f, truth %.5f (within %.0f SE)",
              e, slope, slopeSe, trueSlope, SIGMAS));
      assertTrue(
          Math.abs(d - trueD) <= SIGMAS * dSe,
          String.format(
              "entry %d: D %.4e +- %.1e, truth %.4e (within %.0f SE)", e, d, dSe, trueD, SIGMAS));
      assertEquals(STEPS + 1, entry.get("alignment").size(), "one alignment figure per step");
      assertEquals(STEPS, entry.at("/density/step").asLong());
      assertEquals(
          "tr-bdf2",
          entry.at("/density/scheme").asText(),
          "the report says how the density was advanced");
      int forecasts = 0;
      double forecastW1 = 0;
      double staticW1 = 0;
      for (JsonNode point : entry.get("alignment")) {
        for (JsonNode f : point.path("forecasts")) {
          assertEquals(10, f.get("horizon").asInt(), "the default horizon");
          forecasts++;
          forecastW1 += f.get("w1").asDouble();
          staticW1 += f.get("baselineStatic").asDouble();
        }
      }
      System.out.printf(
          "entry %d: %d forecasts scored, mean W1 %.2e against 'nothing changes' %.2e%n",
          e, forecasts, forecastW1 / forecasts, staticW1 / forecasts);
      assertEquals(
          STEPS / every,
          forecasts,
          "issued at step 1 (the first fields), then every " + every + " steps (the live spacing)");
      assertTrue(
          forecastW1 < staticW1, "over an OU transient the FP forecast beats 'nothing changes'");
      JsonNode fixed = entry.get("fixedPoints");
      assertTrue(fixed.size() >= 1, "the OU drift has a zero: " + fixed);
    }
  }
}
