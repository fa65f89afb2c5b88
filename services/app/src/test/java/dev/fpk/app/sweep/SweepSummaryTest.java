package dev.fpk.app.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep's table from the pipeline's outputs: D against eta^2 / B, W1 against its floor. */
class SweepSummaryTest {
  private static final SweepGrid GRID = new SweepGrid("s", List.of(0.05, 0.1), List.of(16, 32));

  private static DriftDiffusionEstimate estimate(String run, double d00, double d01) {
    return DriftDiffusionEstimate.newBuilder()
        .setRunId(run)
        .setLayer("bottleneck")
        .setStep(290)
        .addEntries(EntryEstimate.newBuilder().addIndex(0).addIndex(0).setDiffusionMean(d00))
        .addEntries(EntryEstimate.newBuilder().addIndex(0).addIndex(1).setDiffusionMean(d01))
        .build();
  }

  private static AlignmentUpdate alignment(String run, double w1, double floor) {
    return AlignmentUpdate.newBuilder()
        .setRunId(run)
        .setLayer("bottleneck")
        .setStep(300)
        // listed in the other order than the estimates: entries are matched by index, not place
        .addEntries(
            EntryAlignment.newBuilder()
                .addIndex(0)
                .addIndex(1)
                .setW1(2 * w1)
                .setBootstrapFloorW1(floor))
        .addEntries(
            EntryAlignment.newBuilder()
                .addIndex(0)
                .addIndex(0)
                .setW1(w1)
                .setBootstrapFloorW1(floor))
        .build();
  }

  @Test
  void shouldScaleTheReferenceRunsDiffusionByEtaSquaredOverBatchEntryByEntry() {
    SweepSummary s =
        SweepSummary.of(
            GRID,
            List.of(
                estimate("s/lr=0.05,batch=16", 1e-7, 3e-7),
                estimate("s/lr=0.05,batch=32", 0.5e-7, 3e-7),
                estimate("s/lr=0.1,batch=16", 4e-7, 6e-7),
                estimate("s/lr=0.1,batch=32", 2e-7, 1.5e-7),
                estimate("other-run", 9, 9)),
            List.of(alignment("s/lr=0.1,batch=32", 0.01, 0.02)));

    assertEquals(8, s.rows().size(), "4 runs x 2 entries; other runs left out");
    SweepSummary.Row ref = s.rows().get(0);
    assertEquals(1.0, ref.diffusionRatio());
    // (0.1, 32) against (0.05, 16): (2)^2 / 2 = 2, so entry [0,1] expects 6e-7 and has 1.5e-7
    SweepSummary.Row last = s.rows().get(7);
    assertEquals("s/lr=0.1,batch=32", last.run().runId());
    assertEquals(List.of(0, 1), last.index());
    assertEquals(6e-7, last.expectedDiffusion(), 1e-20);
    assertEquals(0.25, last.diffusionRatio(), 1e-12);
    assertEquals(0.02, last.w1(), 0);
    assertEquals(1.0, last.w1OverFloor(), 1e-12);
    // lr x2 alone: x4, entry [0,0] as theory says
    assertEquals(1.0, s.rows().get(4).diffusionRatio(), 1e-12);
    // batch x2 alone: x0.5, entry [0,1] at twice that
    assertEquals(2.0, s.rows().get(3).diffusionRatio(), 1e-12);
    // a run not yet aligned has no W1: NaN in the table, null in the JSON
    assertTrue(Double.isNaN(ref.w1()));
    JsonNode json = s.toJson();
    assertTrue(json.get("runs").get(0).get("entries").get(0).get("w1").isNull());
    assertEquals(
        0.25,
        json.get("runs").get(3).get("entries").get(1).get("diffusionRatio").asDouble(),
        1e-12);
    assertEquals(300, json.get("runs").get(3).get("entries").get(1).get("alignmentStep").asLong());
  }
}
