package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.protocol.JsonMapping;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chosen entries end to end: the same Ornstein-Uhlenbeck ensemble (an 8x16 layer {@code w} and a
 * 4x4 layer {@code v}) replayed through the embedded broker with every entry watched and with
 * {@code --entries w=stride:3}. The second report has exactly the entries 0, 3, 6, ... of {@code w}
 * (named by their row-major index in the whole matrix) and every entry of {@code v}, which the
 * pattern does not match; and each of them equals, bit for bit, the same entry of the first report:
 * fields, alignment history, verdicts, forecasts and density (the entry-wise model keeps entries
 * independent, and each entry's draws are seeded with its own index). The spectral view sees the
 * whole matrix either way.
 */
@Timeout(600)
class EntrySelectionIT {
  private static final int ROWS = 8;
  private static final int COLS = 16;
  private static final int REPLICAS = 16;
  private static final int STEPS = 40;

  @TempDir Path dir;

  @Test
  void shouldReportExactlyTheChosenEntriesWithTheFiguresOfTheAllEntriesRun() throws Exception {
    String bootstrap = TestKafka.bootstrap();
    JsonNode all = replay(bootstrap, "all-entries", null);
    JsonNode some = replay(bootstrap, "stride-entries", "w=stride:3");

    JsonNode allW = layer(all, "all-entries", "w");
    JsonNode someW = layer(some, "stride-entries", "w");
    assertEquals("all", allW.get("watchedEntries").asText());
    assertEquals(ROWS * COLS, allW.get("watchedCount").asInt());
    assertEquals("stride:3", someW.get("watchedEntries").asText());
    int watched = (ROWS * COLS + 2) / 3;
    assertEquals(watched, someW.get("watchedCount").asInt());
    assertEquals(watched, someW.get("entries").size());
    assertEquals(ROWS * COLS, someW.get("matrixEntries").asInt());
    assertEquals("[8,16]", someW.get("shape").toString());
    assertEquals(STEPS, someW.get("lastStep").asLong());

    Map<Integer, JsonNode> allEntries = byEntry(allW);
    assertEquals(ROWS * COLS, allEntries.size());
    for (int v = 0; v < watched; v++) {
      JsonNode entry = someW.get("entries").get(v);
      int e = entry.get("entry").asInt();
      assertEquals(3 * v, e, "the v-th watched entry is row-major entry 3v");
      assertEquals("[" + e / COLS + "," + e % COLS + "]", entry.get("index").toString());
      assertEquals(STEPS + 1, entry.get("alignment").size(), "one alignment per step");
      assertEquals(allEntries.get(e), entry, "entry " + e + ": the all-entries run's, bit for bit");
    }

    JsonNode allV = layer(all, "all-entries", "v");
    JsonNode someV = layer(some, "stride-entries", "v");
    assertEquals("all", someV.get("watchedEntries").asText(), "the pattern w does not match v");
    assertEquals(allV.get("entries"), someV.get("entries"));

    // the spectral view sees the whole matrix: min(8, 16) eigenvalues of W W^T per replica
    for (JsonNode layer : new JsonNode[] {allW, someW}) {
      JsonNode spectrum = layer.get("spectrum");
      assertTrue(spectrum != null && !spectrum.isNull(), layer.toString().substring(0, 200));
      assertEquals(ROWS * REPLICAS, spectrum.get("eigenvalues").size());
    }
    if (allW.at("/spectrum/step").asLong() == someW.at("/spectrum/step").asLong()) {
      assertEquals(allW.at("/spectrum/eigenvalues"), someW.at("/spectrum/eigenvalues"));
    }
  }

  private static Map<Integer, JsonNode> byEntry(JsonNode layer) {
    Map<Integer, JsonNode> out = new HashMap<>();
    for (JsonNode e : layer.get("entries")) {
      out.put(e.get("entry").asInt(), e);
    }
    return out;
  }

  private static JsonNode layer(JsonNode report, String run, String layer) {
    for (JsonNode r : report.get("runs")) {
      if (r.get("runId").asText().equals(run)) {
        for (JsonNode l : r.get("layers")) {
          if (l.get("layer").asText().equals(layer)) {
            return l;
          }
        }
      }
    }
    throw new AssertionError("no layer " + layer + " of run " + run + " in " + report);
  }

  /** Replays the ensemble as run {@code runId} with {@code --entries rules} (null: none). */
  private JsonNode replay(String bootstrap, String runId, String rules) throws Exception {
    Path input = dir.resolve(runId + ".jsonl");
    double[] rates = new double[ROWS * COLS];
    double[] means = new double[ROWS * COLS];
    for (int e = 0; e < rates.length; e++) {
      rates[e] = 0.01 + 0.09 * e / rates.length;
      means[e] = 0.1 * Math.sin(e);
    }
    OuEnsemble w =
        new OuEnsemble(
            runId, "w", new int[] {ROWS, COLS}, rates, means, 1e-4, REPLICAS, 0.2, 0.05, 42);
    OuEnsemble v =
        new OuEnsemble(
            runId,
            "v",
            new int[] {4, 4},
            java.util.Arrays.copyOf(rates, 16),
            java.util.Arrays.copyOf(means, 16),
            1e-4,
            REPLICAS,
            0.2,
            0.05,
            7);
    try (BufferedWriter out = Files.newBufferedWriter(input)) {
      for (int step = 0; step <= STEPS; step++) {
        for (OuEnsemble ou : new OuEnsemble[] {w, v}) {
          for (WeightSnapshot s : ou.snapshots()) {
            out.write(JsonMapping.toJson(s));
            out.newLine();
          }
          ou.advance();
        }
      }
    }
    Path report = dir.resolve(runId + ".json");
    StringWriter err = new StringWriter();
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "replay",
                "--input",
                input.toString(),
                "--report",
                report.toString(),
                "--bootstrap",
                bootstrap,
                "--quiet"));
    if (rules != null) {
      args.addAll(java.util.List.of("--entries", rules));
    }
    int exit = Fpk.commandLine().setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
    assertEquals(0, exit, "replay exit code; stderr: " + err);
    return new ObjectMapper().readTree(report.toFile());
  }
}
