package dev.fpk.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final AtomicLong nanos = new AtomicLong();
  private final StringWriter text = new StringWriter();

  private Progress progress(Progress.Style style) {
    return new Progress(style, new PrintWriter(text), "demo", nanos::get);
  }

  @Test
  void shouldReportRateAndTimeLeftAtThatRate() {
    Progress p = progress(Progress.Style.TEXT);
    nanos.set(10_000_000_000L);
    p.report("step", 50, 400, "steps", "trained to step 60", null);
    // 50 steps in 10 s = 5 steps/s; 350 left = 70 s
    assertEquals(
        "step 50/400 (13%)  5.0 steps/s  ETA 1m10s  trained to step 60", text.toString().strip());
  }

  @Test
  void shouldEstimateTheTimeLeftFromTheRecentPaceOnceTheWindowHasFilled() {
    Progress p = progress(Progress.Style.TEXT);
    // a slow start: nothing for 20 s, then 10 steps a second
    for (int s = 0; s <= 40; s++) {
      nanos.set(s * 1_000_000_000L);
      p.rate(s <= 20 ? 0 : (s - 20) * 10L, s);
    }
    nanos.set(41_000_000_000L);
    p.report("step", 210, 1000, "steps", null, null);
    // since the start it would be 210/41 = 5.1 steps/s and 2m34s left; the last 10 s say 10/s, 79 s
    assertEquals("step 210/1000 (21%)  10.0 steps/s  ETA 1m19s", text.toString().strip());
  }

  @Test
  void shouldShowNoEstimateBeforeAnyProgress() {
    Progress p = progress(Progress.Style.TEXT);
    nanos.set(1_000_000_000L);
    p.report("step", 0, 400, "steps", null, null);
    assertEquals("step 0/400 (0%)  0.0 steps/s  ETA --", text.toString().strip());
  }

  @Test
  void shouldWriteOneJsonObjectPerLine() throws Exception {
    Progress p = progress(Progress.Style.JSON);
    nanos.set(2_000_000_000L);
    p.report(
        "analyse", 100, 300, "snapshots", "ignored in JSON", Progress.object().put("extra", 7));
    p.report("analyse", 200, 300, "snapshots", null, null);
    String[] lines = text.toString().strip().split("\n");
    assertEquals(2, lines.length);
    JsonNode first = new ObjectMapper().readTree(lines[0]);
    assertEquals("progress", first.path("event").asText());
    assertEquals("demo", first.path("task").asText());
    assertEquals(100, first.path("done").asLong());
    assertEquals(300, first.path("total").asLong());
    assertEquals(50.0, first.path("ratePerSecond").asDouble(), 1e-9);
    assertEquals(4.0, first.path("etaSeconds").asDouble(), 1e-9);
    assertEquals(7, first.path("extra").asInt());
  }

  @Test
  void shouldPrintNothingWhenQuiet() {
    Progress p = progress(Progress.Style.QUIET);
    p.report("step", 1, 2, "steps", "x", null);
    p.event(Progress.object().put("event", "summary"));
    assertEquals("", text.toString());
  }

  @Test
  void shouldFormatDurationsForPeople() {
    assertEquals("9s", Progress.duration(9.4));
    assertEquals("1m15s", Progress.duration(75));
    assertEquals("1h02m", Progress.duration(3725));
    assertTrue(
        Progress.text("publish", 5, 0, "bytes", 1, Double.NaN)
            .startsWith("publish 5  1.0 bytes/s"));
  }
}
