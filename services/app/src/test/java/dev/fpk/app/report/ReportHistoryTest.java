package dev.fpk.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The report's alignment history is bounded by {@link ReportCollector#MAX_HISTORY}, not by the
 * steps.
 */
class ReportHistoryTest {
  private long offset;

  @Test
  void shouldKeepEveryStepUpToTheBoundAndThenEveryStrideStepAndTheNewest() {
    ReportCollector c = new ReportCollector();
    feed(c, 0, ReportCollector.MAX_HISTORY);
    assertEquals(
        ReportCollector.MAX_HISTORY + 1, steps(c).size(), "steps 0..MAX_HISTORY: every one kept");

    feed(c, ReportCollector.MAX_HISTORY + 1, 5000);
    List<Long> kept = steps(c);
    assertTrue(
        kept.size() <= ReportCollector.MAX_HISTORY + 1, "at most MAX_HISTORY + 1: " + kept.size());
    assertEquals(5000, kept.get(kept.size() - 1), "the newest step is kept");
    assertEquals(0, kept.get(0));
    long stride = kept.get(1) - kept.get(0);
    assertEquals(16, stride, "smallest power of two with at most 512 multiples below 5000");
    for (int i = 0; i + 1 < kept.size(); i++) {
      assertEquals(i * stride, kept.get(i), "multiples of the stride, in order");
    }
  }

  @Test
  void shouldKeepTheSameStepsWhateverTheArrivalOrderAndRepeats() {
    ReportCollector straight = new ReportCollector();
    feed(straight, 0, 3000);
    ReportCollector resumed = new ReportCollector();
    feed(resumed, 0, 2100);
    feed(resumed, 1900, 3000); // a resumed analysis publishes steps since its checkpoint again
    feed(resumed, 700, 710); // and a late straggler
    assertEquals(steps(straight), steps(resumed));
  }

  private void feed(ReportCollector c, long from, long to) {
    // the layer's entries come from its estimate
    c.accept(
        new ConsumerRecord<>(
            Topics.ESTIMATES,
            0,
            offset++,
            "r/w",
            DriftDiffusionEstimate.newBuilder()
                .setRunId("r")
                .setLayer("w")
                .setStep(to)
                .setMode("ensemble")
                .addEntries(EntryEstimate.newBuilder().addIndex(0))
                .build()
                .toByteArray()));
    for (long step = from; step <= to; step++) {
      AlignmentUpdate a =
          AlignmentUpdate.newBuilder()
              .setRunId("r")
              .setLayer("w")
              .setStep(step)
              .setReplicas(4)
              .addEntries(EntryAlignment.newBuilder().addIndex(0).setW1(step))
              .build();
      c.accept(new ConsumerRecord<>(Topics.ALIGNMENT, 0, offset++, "r/w", a.toByteArray()));
    }
  }

  private static List<Long> steps(ReportCollector c) {
    JsonNode history =
        c.toJson(new ObjectMapper(), Set.of("r")).at("/runs/0/layers/0/entries/0/alignment");
    List<Long> out = new ArrayList<>();
    history.forEach(p -> out.add(p.get("step").asLong()));
    return out;
  }
}
