package dev.fpk.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fpk.protocol.v1.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeysAndTopicsTest {
  @Test
  void shouldListEveryTopicOnceWithVersionSuffix() {
    assertEquals(
        List.of(
            "fpk.snapshots.v1",
            "fpk.estimates.v1",
            "fpk.densities.v1",
            "fpk.alignment.v1",
            "fpk.spectrum.v1",
            "fpk.deadletter.v1"),
        Topics.all());
    for (String t : Topics.all()) {
      assertTrue(Topics.schemaHeaderValue(t).startsWith("fpk.v1."), t);
    }
    assertEquals("fpk.v1.WeightSnapshot", Topics.schemaHeaderValue(Topics.SNAPSHOTS));
    assertEquals("fpk.v1.SpectrumUpdate", Topics.schemaHeaderValue(Topics.SPECTRUM));
    assertThrows(IllegalArgumentException.class, () -> Topics.valueType("nope"));
  }

  @Test
  void shouldBuildKeyFromRunIdAndLayer() {
    assertEquals("run-1/bottleneck", SnapshotKey.of("run-1", "bottleneck"));
    assertArrayEquals(
        "run-1/bottleneck".getBytes(StandardCharsets.UTF_8),
        SnapshotKey.bytes(TestSnapshots.valid()));
    assertEquals(new SnapshotKey("run-1", "bottleneck"), SnapshotKey.parse("run-1/bottleneck"));
  }

  @Test
  void shouldEscapeSlashAndPercentInRunIdOnly() {
    assertEquals("a%2Fb%25c/enc/0", SnapshotKey.of("a/b%c", "enc/0"));
    assertEquals(new SnapshotKey("a/b%c", "enc/0"), SnapshotKey.parse("a%2Fb%25c/enc/0"));
    assertEquals(new SnapshotKey("a/b", "x"), SnapshotKey.parse("a%2fb/x"));
    for (String run : List.of("", "/", "%", "%2F", "a//b", "ü/%/ß")) {
      for (String layer : List.of("", "l", "/", "a/b/")) {
        assertEquals(
            new SnapshotKey(run, layer),
            SnapshotKey.parse(SnapshotKey.of(run, layer)),
            run + " " + layer);
      }
    }
  }

  @Test
  void shouldRejectKeyWithoutSlashOrWithBadEscape() {
    IllegalArgumentException noSlash =
        assertThrows(IllegalArgumentException.class, () -> SnapshotKey.parse("abc"));
    assertTrue(noSlash.getMessage().contains("'abc'"));
    assertThrows(IllegalArgumentException.class, () -> SnapshotKey.parse("a%41/x"));
    assertThrows(IllegalArgumentException.class, () -> SnapshotKey.parse("a%2/x"));
  }

  @Test
  void shouldBuildDeadLetterWithReasonWireNameAndOriginalPayload() {
    byte[] payload = {1, 2, 3};
    DeadLetter d =
        DeadLetters.of(
            RejectReason.NON_FINITE, "values[0] = NaN", Topics.SNAPSHOTS, 2, 77L, payload);
    assertEquals("non_finite", d.getReason());
    assertEquals("values[0] = NaN", d.getDetail());
    assertEquals(Topics.SNAPSHOTS, d.getSourceTopic());
    assertEquals(2, d.getSourcePartition());
    assertEquals(77L, d.getSourceOffset());
    assertEquals(ByteString.copyFrom(payload), d.getPayload());
    assertTrue(d.getTimeUnixMillis() > 0);
    assertEquals(java.util.Optional.of(RejectReason.NON_FINITE), DeadLetters.reasonOf(d));
  }

  @Test
  void shouldPrintJsonOnOneLineAndParseItBack() {
    String json =
        JsonMapping.toJson(TestSnapshots.matrix(2, 2).setLoss(0.5).setValues(1, Float.NaN));
    assertTrue(!json.contains("\n") && !json.contains(" "), json);
    assertTrue(json.contains("\"NaN\""), json);
    assertEquals(Float.NaN, JsonMapping.snapshotFromJson(json).getValues(1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> JsonMapping.snapshotFromJson("{\"step\":"));
    assertTrue(e.getMessage().startsWith("not a proto3-JSON WeightSnapshot"), e.getMessage());
  }
}
