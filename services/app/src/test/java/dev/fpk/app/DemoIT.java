package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code fpk demo} end to end through a real broker: progress lines and the summary table. */
@Timeout(180)
class DemoIT {

  @Test
  void shouldTrainAnalyseAndSummariseEveryBottleneckEntry() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit =
          Fpk.commandLine()
              .execute(
                  "demo",
                  "--steps",
                  "40",
                  "--replicas",
                  "16",
                  "--bootstrap",
                  TestKafka.bootstrap(),
                  "--run-id",
                  "demo-it");
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.println(out);
    assertEquals(0, exit, out);
    assertTrue(out.contains("step 40/40"), "a progress line reports the last step: " + out);
    assertTrue(out.contains("analysed to step 40"), "the analysis reached the last step: " + out);
    for (String entry : new String[] {"[0,0]", "[0,1]", "[1,0]", "[1,1]"}) {
      assertTrue(
          out.lines().anyMatch(l -> l.startsWith("bottleneck") && l.contains(entry)),
          "summary row for " + entry);
    }
  }
}
