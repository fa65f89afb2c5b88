package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code fpk bench e2e --json} at a tiny size: one JSON object on stdout with the published
 * figures.
 */
@Timeout(60)
class BenchE2eIT {

  @Test
  void shouldPrintOneJsonObjectWithThroughputLatencyHeapAndAllocation() throws Exception {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit =
          Fpk.commandLine()
              .execute(
                  "bench",
                  "e2e",
                  "--json",
                  "--runs",
                  "1",
                  "--replicas",
                  "4",
                  "--shape",
                  "2x2",
                  "--level-seconds",
                  "0.5",
                  "--levels",
                  "1",
                  "--start-rate",
                  "2000");
    } finally {
      System.setOut(original);
    }
    String out = stdout.toString(StandardCharsets.UTF_8).strip();
    original.println(out);
    assertEquals(0, exit, out);
    assertEquals(1, out.lines().count(), "one line on stdout (progress goes to stderr): " + out);
    JsonNode json = new ObjectMapper().readTree(out);
    for (String positive :
        new String[] {
          "valuesPerSecond",
          "rawValuesPerSecond",
          "snapshotsPerSecond",
          "heapAfterGcBytes",
          "bytesAllocatedPerValue",
          "rawConsumerBytesAllocatedPerValue"
        }) {
      assertTrue(
          json.path(positive).isNumber() && json.get(positive).asDouble() > 0,
          positive + " > 0 in " + out);
    }
    for (String latency : new String[] {"latencyP50Millis", "latencyP99Millis"}) {
      assertTrue(
          json.path(latency).isNumber() && json.get(latency).asDouble() >= 0,
          latency + " in " + out);
    }
    assertTrue(
        json.get("latencyP99Millis").asDouble() >= json.get("latencyP50Millis").asDouble(), out);
    assertTrue(
        json.get("latencySamples").asLong() > 0, "latency measured on alignment records: " + out);
    assertEquals(4, json.get("valuesPerSnapshot").asInt(), "a 2x2 matrix");
    assertEquals(
        1.0,
        json.get("valuesPerSnapshot").asDouble()
            * json.get("snapshotsPerSecond").asDouble()
            / json.get("valuesPerSecond").asDouble(),
        0.01,
        "snapshots/s = values/s / values per snapshot");
    assertEquals(
        4,
        json.get("ouEntriesChecked").asInt(),
        "the estimates of the half-rate run checked against the OU truth");
    // D from n Gaussian increments has a relative standard error of sqrt(2 / (n - 1)); every
    // snapshot of a run
    // measured in the levels gives each entry one increment (the warm-up's add more, so this n is a
    // lower bound)
    long increments = 0;
    for (JsonNode level : json.get("levels")) {
      increments += level.get("snapshots").asLong();
    }
    increments /= json.get("runs").asInt();
    double relativeStdErr = Math.sqrt(2.0 / (increments - 1));
    assertTrue(
        json.get("ouDiffusionMedianRelativeError").asDouble() <= 3 * relativeStdErr,
        "median |D - D true| / D true within 3 relative standard errors ("
            + 3 * relativeStdErr
            + " for "
            + increments
            + " increments): "
            + out);
    // each entry's slope misses 3 of its standard errors with probability 0.27%: two of four, 4e-5
    assertTrue(
        json.get("ouDriftSlopeWithin3StdErr").asDouble() >= 0.75,
        "at most one of the four slopes beyond 3 standard errors of the OU truth: " + out);
    assertTrue(
        json.get("levels").size() >= 2,
        "at least one ladder level and the half-rate level: " + out);
    // one per ask continuation when they ran on CompletableFuture's thread-per-task default (2
    // cores): about 1,000 here
    assertTrue(
        json.get("threadsStartedPer1000Snapshots").asDouble() < 50,
        "threads started while analysing: " + out);
  }
}
