package dev.fpk.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * An analysis resumed from its checkpoints may publish a step's outputs again; the report counts
 * each step once.
 */
class ReportReplayTest {
  private long offset;

  @Test
  void shouldKeepOneAlignmentFigurePerStepInStepOrderWhenOutputsArePublishedAgain() {
    ReportCollector c = new ReportCollector();
    for (long step : new long[] {0, 1, 2, 1, 2, 3}) {
      c.accept(
          new ConsumerRecord<>(
              Topics.ALIGNMENT, 0, offset++, "r/w", alignment(step).toByteArray()));
    }
    for (long step : new long[] {3, 2}) {
      c.accept(
          new ConsumerRecord<>(
              Topics.ESTIMATES,
              0,
              offset++,
              "r/w",
              DriftDiffusionEstimate.newBuilder()
                  .setRunId("r")
                  .setLayer("w")
                  .setStep(step)
                  .setMode("ensemble")
                  .addEntries(EntryEstimate.newBuilder().addIndex(0).setDriftSlope(-step))
                  .build()
                  .toByteArray()));
    }
    JsonNode entry = c.toJson(new ObjectMapper(), Set.of("r")).at("/runs/0/layers/0/entries/0");
    JsonNode history = entry.get("alignment");
    assertEquals(4, history.size(), history.toString());
    for (int i = 0; i < 4; i++) {
      assertEquals(i, history.get(i).get("step").asLong());
    }
    assertEquals(
        -3,
        entry.at("/drift/slope").asDouble(),
        "the newest step's estimate, not the last arrival");
    assertEquals(3, c.latestAlignment().get(0).getStep());
  }

  private static AlignmentUpdate alignment(long step) {
    return AlignmentUpdate.newBuilder()
        .setRunId("r")
        .setLayer("w")
        .setStep(step)
        .setReplicas(4)
        .addEntries(EntryAlignment.newBuilder().addIndex(0).setW1(step))
        .build();
  }
}
