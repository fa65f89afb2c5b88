package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fpk sweep} on the embedded broker: a 2x2 grid trained at once in one node, four runs under
 * the sweep's prefix, each analysed, and a table whose every row compares D with SGD theory and W1
 * with its floor.
 */
@Timeout(300)
class SweepIT {
  private static final List<String> RUNS =
      List.of(
          "it/lr=0.05,batch=16", "it/lr=0.05,batch=32", "it/lr=0.1,batch=16", "it/lr=0.1,batch=32");

  @TempDir Path dir;

  @Test
  void shouldTrainTheGridAtOnceAndCompareEveryRunsDiffusionWithSgdTheory() throws Exception {
    Path report = dir.resolve("sweep.json");
    CommandLineOutputIT.Run r =
        CommandLineOutputIT.run(
            "sweep",
            "--bootstrap",
            TestKafka.bootstrap(),
            "--lr",
            "0.05,0.1",
            "--batch",
            "16,32",
            "--replicas",
            "16",
            "--steps",
            "40",
            "--sweep-id",
            "it",
            "--report",
            report.toString(),
            "--quiet");
    System.out.println(r.out());
    assertEquals(0, r.exit(), r.err());

    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertEquals("it", json.get("sweep").asText());
    assertEquals(RUNS.get(0), json.get("reference").asText());
    List<String> ids = new ArrayList<>();
    for (JsonNode run : json.get("runs")) {
      ids.add(run.get("runId").asText());
      assertEquals(4, run.get("entries").size(), "the bottleneck's 2x2 entries: " + run);
      for (JsonNode e : run.get("entries")) {
        double ratio = e.get("diffusionRatio").asDouble(Double.NaN);
        assertTrue(Double.isFinite(ratio) && ratio > 0, "D ratio finite and positive: " + e);
        assertTrue(e.get("w1").asDouble() > 0 && e.get("bootstrapFloorW1").asDouble() > 0, "" + e);
        assertEquals(40, e.get("alignmentStep").asLong(), "analysed to the last step: " + e);
      }
    }
    assertEquals(RUNS, ids);
    // the reference run is its own expectation
    for (JsonNode e : json.get("runs").get(0).get("entries")) {
      assertEquals(1.0, e.get("diffusionRatio").asDouble(), 1e-12);
    }
    String table = r.out();
    for (String id : RUNS) {
      assertEquals(
          4,
          table.lines().filter(l -> l.startsWith(id + " ")).count(),
          "one table row per entry of " + id + ":\n" + table);
    }
  }

  @Test
  void shouldRejectABadListNamingTheFlagAndValue() {
    CommandLineOutputIT.Run r =
        CommandLineOutputIT.run("sweep", "--lr", "0.05,zero", "--batch", "16");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--lr 0.05,zero: 'zero' is not a number"), r.err());
  }
}
