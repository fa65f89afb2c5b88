package dev.fpk.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.fpk.protocol.compat.OldWeightSnapshot;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Schema evolution: an old reader (fields 1-8 only) and the current one read each other's bytes.
 */
class CompatibilityTest {
  private static WeightSnapshot newSnapshot() {
    return TestSnapshots.matrix(2, 2)
        .setLoss(0.3)
        .setOptimizer("adam")
        .setEnsembleSize(8)
        .addAllGradientMean(java.util.List.of(1f, 2f, 3f, 4f))
        .setTimeUnixMillis(123)
        .build();
  }

  private static OldWeightSnapshot oldSnapshot() {
    return OldWeightSnapshot.newBuilder()
        .setRunId("old-run")
        .setReplica(1)
        .setStep(5)
        .setLayer("l")
        .addShape(1)
        .addShape(2)
        .addValues(0.5f)
        .addValues(-0.5f)
        .setLearningRate(0.2)
        .setBatchSize(16)
        .build();
  }

  @Test
  void shouldLetOldReaderReadNewWritersBytesKeepingKnownFields() throws Exception {
    WeightSnapshot s = newSnapshot();
    OldWeightSnapshot old = OldWeightSnapshot.parseFrom(s.toByteArray());
    assertEquals(s.getRunId(), old.getRunId());
    assertEquals(s.getReplica(), old.getReplica());
    assertEquals(s.getStep(), old.getStep());
    assertEquals(s.getLayer(), old.getLayer());
    assertEquals(s.getShapeList(), old.getShapeList());
    assertEquals(s.getValuesList(), old.getValuesList());
    assertEquals(s.getLearningRate(), old.getLearningRate());
    assertEquals(s.getBatchSize(), old.getBatchSize());
    // the new fields are carried as unknown fields and survive re-serialisation
    assertEquals(s, WeightSnapshot.parseFrom(old.toByteArray()));
  }

  @Test
  void shouldLetNewReaderValidateOldWritersBytesWithDefaultsForNewFields() {
    OldWeightSnapshot old = oldSnapshot();
    WeightSnapshot s = new SnapshotValidator().parse(old.toByteArray()).orElseThrow();
    assertEquals("old-run", s.getRunId());
    assertEquals(java.util.List.of(0.5f, -0.5f), s.getValuesList());
    assertEquals(0, s.getChunkCount());
    assertEquals(0, s.getEnsembleSize());
    assertEquals(false, s.hasLoss());
  }

  @Test
  void shouldLetOldReaderReadNewWritersPbReplayStream() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ReplayWriter w = ReplayWriter.create(bos, ReplayFormat.PB)) {
      w.write(newSnapshot());
      w.write(newSnapshot().toBuilder().setStep(101).build());
    }
    ByteArrayInputStream in = new ByteArrayInputStream(bos.toByteArray());
    assertEquals(100, OldWeightSnapshot.parseDelimitedFrom(in).getStep());
    assertEquals(101, OldWeightSnapshot.parseDelimitedFrom(in).getStep());
  }

  @Test
  void shouldReadOldWritersJsonAndLetOldJsonReaderIgnoreNewFields() throws Exception {
    String oldJson = JsonFormat.printer().omittingInsignificantWhitespace().print(oldSnapshot());
    WeightSnapshot s = JsonMapping.snapshotFromJson(oldJson);
    assertEquals(oldSnapshot().toByteArray().length, s.getSerializedSize());
    assertTrue(new SnapshotValidator().validate(s).isAccepted());

    OldWeightSnapshot.Builder b = OldWeightSnapshot.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(JsonMapping.toJson(newSnapshot()), b);
    assertEquals(newSnapshot().getValuesList(), b.getValuesList());
  }

  @Test
  void shouldIgnoreUnknownJsonFieldsFromANewerWriter() {
    String json =
        "{\"runId\":\"r\",\"layer\":\"l\",\"shape\":[1],\"values\":[1.5],\"someFutureField\":{\"a\":1}}";
    assertEquals(1.5f, JsonMapping.snapshotFromJson(json).getValues(0));
  }
}
