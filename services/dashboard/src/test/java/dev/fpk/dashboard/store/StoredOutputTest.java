package dev.fpk.dashboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reading only run id, layer and step of an output gives what parsing it whole gives. */
class StoredOutputTest {
  final Random random = new Random(11);

  DriftDiffusionEstimate estimate(String run, String layer, long step) {
    DriftDiffusionEstimate.Builder b = DriftDiffusionEstimate.newBuilder().setMode("ensemble");
    // proto3 leaves out fields at their default: "" and 0 sometimes
    if (!run.isEmpty()) {
      b.setRunId(run);
    }
    b.setLayer(layer).setStep(step);
    for (int e = 0; e < 3; e++) {
      b.addEntries(
          EntryEstimate.newBuilder()
              .addIndex(e)
              .setDriftSlope(random.nextGaussian())
              .addGrid(random.nextDouble())
              .addDrift(random.nextDouble())
              .addDiffusion(random.nextDouble()));
    }
    return b.build();
  }

  @Test
  void shouldReadRunLayerAndStepAsParsingDoesOnRandomOutputs() throws Exception {
    for (int i = 0; i < 500; i++) {
      String run =
          i % 7 == 0 ? "" : "run-" + random.nextInt(1000) + (i % 5 == 0 ? "-\u00e9\u4e2d" : "");
      long step =
          i % 11 == 0
              ? 0
              : i % 13 == 0 ? -random.nextInt(5) : random.nextLong() >>> random.nextInt(64);
      byte[] bytes =
          switch (i % 3) {
            case 0 -> estimate(run, "fc" + i, step).toByteArray();
            case 1 ->
                DensityUpdate.newBuilder()
                    .setRunId(run)
                    .setLayer("fc" + i)
                    .setStep(step)
                    .setScheme("tr-bdf2")
                    .addEntries(EntryDensity.newBuilder().addIndex(1).addEdges(random.nextDouble()))
                    .build()
                    .toByteArray();
            default ->
                AlignmentUpdate.newBuilder()
                    .setRunId(run)
                    .setLayer("fc" + i)
                    .setStep(step)
                    .setReplicas(64)
                    .setSourceTimeUnixMillis(random.nextLong())
                    .addEntries(EntryAlignment.newBuilder().addIndex(2).setW1(0.5))
                    .setUnknownFields(
                        UnknownFieldSet.newBuilder()
                            .addField(
                                99,
                                UnknownFieldSet.Field.newBuilder()
                                    .addLengthDelimited(ByteString.copyFromUtf8("later field"))
                                    .build())
                            .build())
                    .build()
                    .toByteArray();
          };
      // parsed whole as its own type
      com.google.protobuf.Message whole =
          switch (i % 3) {
            case 0 -> DriftDiffusionEstimate.parseFrom(bytes);
            case 1 -> DensityUpdate.parseFrom(bytes);
            default -> AlignmentUpdate.parseFrom(bytes);
          };
      StoredOutput<?> read = StoredOutput.of(bytes, whole.getParserForType());
      var fields = whole.getDescriptorForType();
      assertEquals(whole.getField(fields.findFieldByName("run_id")), read.runId);
      assertEquals(whole.getField(fields.findFieldByName("layer")), read.layer);
      assertEquals(whole.getField(fields.findFieldByName("step")), read.step);
      assertEquals(whole, read.message());
    }
  }

  @Test
  void shouldTakeTheLastOfAFieldWrittenTwiceAsParsingDoes() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(1, "first");
    out.writeInt64(3, 5);
    out.writeString(2, "w");
    out.writeInt64(3, 7);
    out.writeString(1, "second");
    out.flush();
    StoredOutput<DriftDiffusionEstimate> read =
        StoredOutput.of(bytes.toByteArray(), DriftDiffusionEstimate.parser());
    DriftDiffusionEstimate whole = read.message();
    assertEquals(whole.getRunId(), read.runId);
    assertEquals("second", read.runId);
    assertEquals(whole.getStep(), read.step);
    assertEquals(7, read.step);
  }

  @Test
  void shouldRefuseATruncatedRecord() {
    byte[] bytes = estimate("r", "w", 3).toByteArray();
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 5);
    assertThrows(
        InvalidProtocolBufferException.class,
        () -> StoredOutput.of(cut, DriftDiffusionEstimate.parser()));
  }
}
