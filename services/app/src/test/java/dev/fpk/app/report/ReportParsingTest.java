package dev.fpk.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The report, which parses outputs only when it reads them, gives the figures parsing every record
 * gave.
 */
class ReportParsingTest {
  final Random random = new Random(11);
  long offset;

  /** An estimate of two entries with random figures. */
  DriftDiffusionEstimate estimate(String run, String layer, long step) {
    EntryEstimate entry =
        EntryEstimate.newBuilder()
            .addIndex(0)
            .setDriftSlope(random.nextGaussian())
            .addGrid(random.nextDouble())
            .addDrift(random.nextDouble())
            .addDiffusion(random.nextDouble())
            .build();
    return DriftDiffusionEstimate.newBuilder()
        .setRunId(run)
        .setLayer(layer)
        .setStep(step)
        .setMode("ensemble")
        .addEntries(entry)
        .addEntries(entry.toBuilder().setIndex(0, 1))
        .build();
  }

  @Test
  void shouldKeepTheNewestEstimateAndDensityPerLayerAsParsingEveryRecordDid() {
    ReportCollector c = new ReportCollector();
    Map<String, DriftDiffusionEstimate> newest = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      String layer = "l" + random.nextInt(3);
      DriftDiffusionEstimate e =
          estimate("r", layer, random.nextInt(50)); // out of order, steps again
      c.accept(new ConsumerRecord<>(Topics.ESTIMATES, 0, offset++, "r/" + layer, e.toByteArray()));
      // the rule as it was: replace when the step is >= the kept one's
      newest.merge(layer, e, (old, now) -> now.getStep() >= old.getStep() ? now : old);
    }
    List<DriftDiffusionEstimate> latest = new ArrayList<>(c.latestEstimates());
    assertEquals(3, latest.size());
    for (DriftDiffusionEstimate e : latest) {
      assertEquals(newest.get(e.getLayer()), e);
    }
  }

  @Test
  void shouldReportTheMemoryEachEntrysEstimateComesFrom() {
    ReportCollector c = new ReportCollector();
    DriftDiffusionEstimate e = estimate("r", "w", 3);
    e =
        e.toBuilder()
            .setEntries(
                1,
                e.getEntries(1).toBuilder()
                    .setMemoryHalfLifeSteps(40)
                    .setDriftTimeTerm(true)
                    .setMemoryChosenOnline(true))
            .build();
    c.accept(new ConsumerRecord<>(Topics.ESTIMATES, 0, offset++, "r/w", e.toByteArray()));
    com.fasterxml.jackson.databind.JsonNode entries =
        c.toJson(new ObjectMapper(), Set.of("r")).at("/runs/0/layers/0/entries");
    assertEquals(
        "{\"halfLifeSteps\":0.0,\"driftTimeTerm\":false,\"chosenOnline\":false}",
        entries.get(0).get("memory").toString());
    assertEquals(
        "{\"halfLifeSteps\":40.0,\"driftTimeTerm\":true,\"chosenOnline\":true}",
        entries.get(1).get("memory").toString());
  }

  @Test
  void shouldCountAnOutputWhoseBodyDoesNotParseWhenTheReportReadsIt() {
    ReportCollector c = new ReportCollector();
    c.accept(
        new ConsumerRecord<>(
            Topics.ESTIMATES, 0, offset++, "r/w", estimate("r", "w", 1).toByteArray()));
    // run, layer and step intact, then an entry (field 5) of one byte that is no field: a tag of
    // wire type 7
    byte[] head =
        DriftDiffusionEstimate.newBuilder()
            .setRunId("r")
            .setLayer("w")
            .setStep(2)
            .build()
            .toByteArray();
    byte[] broken = java.util.Arrays.copyOf(head, head.length + 3);
    broken[head.length] = (byte) (5 << 3 | 2); // field 5 (entries), length-delimited
    broken[head.length + 1] = 1; // of 1 byte
    broken[head.length + 2] = (byte) (1 << 3 | 7); // field 1, wire type 7 (none)
    assertThrows(
        InvalidProtocolBufferException.class, () -> DriftDiffusionEstimate.parseFrom(broken));
    c.accept(new ConsumerRecord<>(Topics.ESTIMATES, 0, offset++, "r/w", broken));
    assertEquals(
        List.of(),
        c.latestEstimates(),
        "the newest does not parse: no estimate rather than a wrong one");
    assertEquals(
        1,
        c.toJson(new ObjectMapper(), Set.of("r"))
            .at("/records/byReason/unparseable_output")
            .asLong());
    assertNull(
        c.toJson(new ObjectMapper(), Set.of("r")).at("/runs/0/layers/0/entries/0").get("drift"));
  }
}
