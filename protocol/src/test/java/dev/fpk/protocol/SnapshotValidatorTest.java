package dev.fpk.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class SnapshotValidatorTest {
  private final SnapshotValidator validator = new SnapshotValidator(Limits.DEFAULT);

  @SuppressWarnings("unchecked")
  private Validation.Rejected<WeightSnapshot> rejected(WeightSnapshot s, RejectReason reason) {
    Validation<WeightSnapshot> v = validator.validate(s);
    Validation.Rejected<WeightSnapshot> r =
        assertInstanceOf(Validation.Rejected.class, v, () -> "accepted " + s);
    assertEquals(reason, r.reason(), r::detail);
    return r;
  }

  @Test
  void shouldAcceptValidSnapshot() {
    WeightSnapshot s = TestSnapshots.valid();
    assertEquals(new Validation.Accepted<>(s), validator.validate(s));
    assertEquals(new Validation.Accepted<>(s), validator.parse(s.toByteArray()));
  }

  @Test
  void shouldAcceptSnapshotWithAllOptionalFields() {
    WeightSnapshot s =
        TestSnapshots.matrix(2, 3)
            .setEnsembleSize(4)
            .setLoss(0.5)
            .setOptimizer("sgd")
            .setSeed(7)
            .setTimeUnixMillis(1_700_000_000_000L)
            .addAllProbeInputs(java.util.List.of(1f, 2f, 3f, 4f, 5f, 6f))
            .addAllGradientMean(java.util.List.of(1f, 2f, 3f, 4f, 5f, 6f))
            .addAllGradientVariance(java.util.List.of(1f, 2f, 3f, 4f, 5f, 6f))
            .build();
    assertTrue(validator.validate(s).isAccepted(), () -> validator.validate(s).toString());
  }

  @Test
  void shouldRejectGarbageBytesAsUnparseable() {
    Validation<WeightSnapshot> v =
        validator.parse(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2});
    assertEquals(RejectReason.UNPARSEABLE, ((Validation.Rejected<WeightSnapshot>) v).reason());
  }

  @Test
  void shouldRejectNullRecordValueAsUnparseable() {
    assertEquals(
        RejectReason.UNPARSEABLE,
        ((Validation.Rejected<WeightSnapshot>) validator.parse(null)).reason());
  }

  @Test
  void shouldRejectRecordOverByteLimitBeforeParsing() {
    SnapshotValidator small = new SnapshotValidator(Limits.DEFAULT.withMaxRecordBytes(10));
    Validation.Rejected<WeightSnapshot> r =
        (Validation.Rejected<WeightSnapshot>) small.parse(TestSnapshots.valid().toByteArray());
    assertEquals(RejectReason.TOO_LARGE, r.reason());
    assertTrue(r.detail().contains("at most 10"), r.detail());
  }

  @Test
  void shouldRejectEmptyRunId() {
    assertEquals(
        "run_id is empty",
        rejected(TestSnapshots.matrix(2, 3).setRunId("").build(), RejectReason.BAD_ID).detail());
  }

  @Test
  void shouldRejectEmptyLayer() {
    assertEquals(
        "layer is empty",
        rejected(TestSnapshots.matrix(2, 3).setLayer("").build(), RejectReason.BAD_ID).detail());
  }

  @Test
  void shouldRejectLayerLongerThan256CharactersNamingTheLength() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).setLayer("x".repeat(300)).build();
    assertEquals(
        "layer has 300 characters, at most 256", rejected(s, RejectReason.BAD_ID).detail());
  }

  @Test
  void shouldAcceptRunIdOf256CodePointsOutsideTheBmp() {
    String emoji = "\uD83D\uDE00".repeat(256); // 256 code points, 512 UTF-16 units
    assertTrue(validator.validate(TestSnapshots.matrix(2, 3).setRunId(emoji).build()).isAccepted());
  }

  @Test
  void shouldRejectRunIdLongerThan256Characters() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).setRunId("r".repeat(257)).build();
    assertEquals(
        "run_id has 257 characters, at most 256", rejected(s, RejectReason.BAD_ID).detail());
  }

  @Test
  void shouldRejectControlCharacterInRunId() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).setRunId("a\nb").build();
    assertEquals(
        "run_id contains control character U+000A at index 1",
        rejected(s, RejectReason.BAD_ID).detail());
  }

  @Test
  void shouldRejectNegativeStep() {
    assertEquals(
        "step = -1: must be >= 0",
        rejected(TestSnapshots.matrix(2, 3).setStep(-1).build(), RejectReason.NEGATIVE_STEP)
            .detail());
  }

  @Test
  void shouldRejectNegativeReplica() {
    assertEquals(
        "replica = -2: must be >= 0",
        rejected(TestSnapshots.matrix(2, 3).setReplica(-2).build(), RejectReason.NEGATIVE_REPLICA)
            .detail());
  }

  @Test
  void shouldRejectReplicaNotBelowEnsembleSize() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).setReplica(4).setEnsembleSize(4).build();
    assertTrue(
        rejected(s, RejectReason.BAD_REPLICA)
            .detail()
            .startsWith("replica = 4 but ensemble_size = 4"));
  }

  @Test
  void shouldRejectNegativeEnsembleSize() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).setEnsembleSize(-1).build();
    assertTrue(rejected(s, RejectReason.BAD_REPLICA).detail().startsWith("ensemble_size = -1"));
  }

  @Test
  void shouldRejectEmptyShape() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).clearShape().build();
    assertTrue(rejected(s, RejectReason.BAD_SHAPE).detail().startsWith("shape is empty"));
  }

  @Test
  void shouldRejectZeroDimensionNamingTheIndex() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).setShape(1, 0).clearValues().build();
    assertEquals(
        "shape[1] = 0: every dimension must be >= 1", rejected(s, RejectReason.BAD_SHAPE).detail());
  }

  @Test
  void shouldRejectNegativeDimension() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).setShape(0, -3).build();
    assertEquals(
        "shape[0] = -3: every dimension must be >= 1",
        rejected(s, RejectReason.BAD_SHAPE).detail());
  }

  @Test
  void shouldRejectShapeProductDifferentFromValueCount() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).addValues(1f).build();
    assertEquals(
        "shape [2, 3] has 6 elements but values has 7",
        rejected(s, RejectReason.BAD_SHAPE).detail());
  }

  @Test
  void shouldRejectShapeClaiming2To31ElementsAsTooLarge() {
    WeightSnapshot s =
        TestSnapshots.matrix(1, 1).clearShape().addShape(65536).addShape(32768).build();
    assertEquals(
        "shape [65536, 32768] has 2147483648 elements, at most 4194304",
        rejected(s, RejectReason.TOO_LARGE).detail());
  }

  @Test
  void shouldRejectShapeWhoseProductOverflowsLong() {
    WeightSnapshot.Builder b = TestSnapshots.matrix(1, 1).clearShape();
    for (int i = 0; i < 5; i++) {
      b.addShape(Integer.MAX_VALUE);
    }
    assertTrue(
        rejected(b.build(), RejectReason.TOO_LARGE).detail().contains("more than 2^63 elements"));
  }

  @Test
  void shouldRejectBytesClaimingHugeShapeWithoutAllocatingForTheClaim() throws Throwable {
    byte[] bytes =
        TestSnapshots.matrix(1, 1)
            .clearShape()
            .clearValues()
            .addShape(65536)
            .addShape(32768)
            .build()
            .toByteArray();
    long allocated =
        AllocatedBytes.ofSecondRun(
            () -> {
              Validation<WeightSnapshot> v = validator.parse(bytes);
              assertEquals(
                  RejectReason.TOO_LARGE, ((Validation.Rejected<WeightSnapshot>) v).reason());
            });
    // the claim is 2^31 floats (8 GiB); parsing the record itself needs a small multiple of its
    // bytes
    assertTrue(
        allocated < 64L * bytes.length + (64 << 10),
        allocated + " bytes allocated for " + bytes.length);
  }

  @Test
  void shouldRejectMoreValuesThanTheLimitFromTheWireBeforeParsing() throws IOException {
    // a packed values field whose length prefix claims 5 values with a limit of 4: the scan counts
    // it
    SnapshotValidator small = new SnapshotValidator(Limits.DEFAULT.withMaxValues(4));
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bos);
    out.writeString(1, "r");
    out.writeString(4, "l");
    out.writeTag(6, 2);
    out.writeUInt32NoTag(20);
    for (int i = 0; i < 5; i++) {
      out.writeFloatNoTag(i);
    }
    out.flush();
    Validation.Rejected<WeightSnapshot> r =
        (Validation.Rejected<WeightSnapshot>) small.parse(bos.toByteArray());
    assertEquals(RejectReason.TOO_LARGE, r.reason());
    assertEquals("values has 5 entries, at most 4", r.detail());
  }

  @Test
  void shouldRejectMoreValuesThanConfiguredMaximum() {
    SnapshotValidator small = new SnapshotValidator(Limits.DEFAULT.withMaxValues(5));
    Validation<WeightSnapshot> v = small.validate(TestSnapshots.valid());
    assertEquals(
        "shape [2, 3] has 6 elements, at most 5",
        ((Validation.Rejected<WeightSnapshot>) v).detail());
  }

  @Test
  void shouldRejectNaNValueNamingTheIndex() {
    WeightSnapshot s = TestSnapshots.matrix(3, 6).setValues(17, Float.NaN).build();
    assertEquals(
        "values[17] = NaN: values must be finite", rejected(s, RejectReason.NON_FINITE).detail());
  }

  @Test
  void shouldRejectInfiniteValue() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).setValues(0, Float.NEGATIVE_INFINITY).build();
    assertEquals(
        "values[0] = -Infinity: values must be finite",
        rejected(s, RejectReason.NON_FINITE).detail());
  }

  @Test
  void shouldRejectNonFiniteProbeInput() {
    WeightSnapshot s =
        TestSnapshots.matrix(2, 3)
            .addAllProbeInputs(java.util.List.of(1f, Float.POSITIVE_INFINITY, 0f))
            .build();
    assertEquals(
        "probe_inputs[1] = Infinity: probe_inputs must be finite",
        rejected(s, RejectReason.NON_FINITE).detail());
  }

  @Test
  void shouldRejectNonFiniteGradientMeanAndVariance() {
    WeightSnapshot.Builder b = TestSnapshots.matrix(1, 2);
    WeightSnapshot mean = b.clone().addGradientMean(0f).addGradientMean(Float.NaN).build();
    WeightSnapshot var = b.clone().addGradientVariance(Float.NaN).addGradientVariance(1f).build();
    assertEquals(
        "gradient_mean[1] = NaN: gradient_mean must be finite",
        rejected(mean, RejectReason.NON_FINITE).detail());
    assertEquals(
        "gradient_variance[0] = NaN: gradient_variance must be finite",
        rejected(var, RejectReason.NON_FINITE).detail());
  }

  @Test
  void shouldRejectNonFiniteLearningRate() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).setLearningRate(Double.NaN).build();
    assertEquals(
        "learning_rate = NaN: must be finite", rejected(s, RejectReason.NON_FINITE).detail());
  }

  @Test
  void shouldRejectGradientFieldOfWrongLength() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).addGradientMean(1f).build();
    assertTrue(
        rejected(s, RejectReason.BAD_SHAPE).detail().startsWith("gradient_mean has 1 entries"));
  }

  @Test
  void shouldRejectProbeInputsThatAreNotWholeRows() {
    WeightSnapshot s =
        TestSnapshots.matrix(2, 3).addAllProbeInputs(java.util.List.of(1f, 2f)).build();
    assertTrue(
        rejected(s, RejectReason.BAD_SHAPE).detail().contains("not a multiple of in_features = 3"));
  }

  @Test
  void shouldAcceptValidChunk() {
    WeightSnapshot s =
        TestSnapshots.matrix(1, 2)
            .clearShape()
            .addShape(4)
            .addShape(2)
            .setChunkCount(4)
            .setChunkIndex(3)
            .setChunkOffset(6)
            .build();
    assertTrue(validator.validate(s).isAccepted(), () -> validator.validate(s).toString());
  }

  @Test
  void shouldRejectChunkIndexOutsideChunkCount() {
    WeightSnapshot s =
        TestSnapshots.matrix(1, 2)
            .clearShape()
            .addShape(4)
            .addShape(2)
            .setChunkCount(3)
            .setChunkIndex(3)
            .build();
    assertEquals(
        "chunk_index = 3: must be in [0, chunk_count = 3)",
        rejected(s, RejectReason.BAD_CHUNK).detail());
  }

  @Test
  void shouldRejectNegativeChunkCount() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).setChunkCount(-1).build();
    assertEquals("chunk_count = -1: must be >= 0", rejected(s, RejectReason.BAD_CHUNK).detail());
  }

  @Test
  void shouldRejectChunkRunningPastTheEndOfTheMatrix() {
    WeightSnapshot s =
        TestSnapshots.matrix(1, 2)
            .clearShape()
            .addShape(4)
            .addShape(2)
            .setChunkCount(4)
            .setChunkIndex(3)
            .setChunkOffset(7)
            .build();
    assertEquals(
        "chunk_offset = 7 plus 2 values exceeds the 8 elements of shape [4, 2]",
        rejected(s, RejectReason.BAD_CHUNK).detail());
  }

  @Test
  void shouldRejectNegativeChunkOffset() {
    WeightSnapshot s =
        TestSnapshots.matrix(1, 2)
            .clearShape()
            .addShape(4)
            .addShape(2)
            .setChunkCount(4)
            .setChunkOffset(-2)
            .build();
    assertEquals("chunk_offset = -2: must be >= 0", rejected(s, RejectReason.BAD_CHUNK).detail());
  }

  @Test
  void shouldRejectChunkWithoutValues() {
    WeightSnapshot s =
        TestSnapshots.matrix(1, 2)
            .clearValues()
            .clearShape()
            .addShape(4)
            .addShape(2)
            .setChunkCount(4)
            .build();
    assertTrue(
        rejected(s, RejectReason.BAD_CHUNK).detail().startsWith("values is empty in chunk 0 of 4"));
  }

  @Test
  void shouldRejectChunkIndexOnUnchunkedSnapshot() {
    WeightSnapshot s = TestSnapshots.matrix(2, 3).setChunkIndex(1).build();
    assertTrue(
        rejected(s, RejectReason.BAD_CHUNK)
            .detail()
            .startsWith("chunk_index = 1 but chunk_count = 0"));
  }

  @Test
  void shouldRejectProbeInputsOutsideChunkZero() {
    WeightSnapshot s =
        TestSnapshots.matrix(1, 2)
            .clearShape()
            .addShape(4)
            .addShape(2)
            .setChunkCount(4)
            .setChunkIndex(1)
            .setChunkOffset(2)
            .addProbeInputs(1f)
            .addProbeInputs(2f)
            .build();
    assertTrue(rejected(s, RejectReason.BAD_CHUNK).detail().contains("only chunk 0 carries them"));
  }

  @Test
  void shouldRejectNaNInChunkNamingTheFlatIndex() {
    WeightSnapshot s =
        TestSnapshots.matrix(1, 2)
            .clearShape()
            .addShape(4)
            .addShape(2)
            .setChunkCount(4)
            .setChunkIndex(2)
            .setChunkOffset(4)
            .setValues(1, Float.NaN)
            .build();
    assertEquals(
        "values[1] = NaN: values must be finite (flat index 5 of the matrix)",
        rejected(s, RejectReason.NON_FINITE).detail());
  }

  @Test
  void shouldRejectRecordWhoseSchemaHeaderNamesAnotherVersion() {
    byte[] bytes = TestSnapshots.valid().toByteArray();
    byte[] v2 = "fpk.v2.WeightSnapshot".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Validation.Rejected<WeightSnapshot> r =
        (Validation.Rejected<WeightSnapshot>) validator.parse(bytes, v2);
    assertEquals(RejectReason.UNKNOWN_VERSION, r.reason());
    assertEquals(
        "fpk-schema = 'fpk.v2.WeightSnapshot': this reader knows fpk.v1.WeightSnapshot",
        r.detail());
    byte[] v1 =
        Topics.schemaHeaderValue(Topics.SNAPSHOTS)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(validator.parse(bytes, v1).isAccepted());
    assertTrue(validator.parse(bytes, null).isAccepted());
  }

  @Test
  void shouldKeepWireNamesOfRejectReasonsStable() {
    assertEquals("unparseable", RejectReason.UNPARSEABLE.wireName());
    assertEquals("too_large", RejectReason.TOO_LARGE.wireName());
    assertEquals("bad_shape", RejectReason.BAD_SHAPE.wireName());
    assertEquals("non_finite", RejectReason.NON_FINITE.wireName());
    assertEquals("negative_step", RejectReason.NEGATIVE_STEP.wireName());
    assertEquals("negative_replica", RejectReason.NEGATIVE_REPLICA.wireName());
    assertEquals("bad_id", RejectReason.BAD_ID.wireName());
    assertEquals("bad_chunk", RejectReason.BAD_CHUNK.wireName());
    for (RejectReason r : RejectReason.values()) {
      assertEquals(java.util.Optional.of(r), RejectReason.fromWireName(r.wireName()));
      assertTrue(r.wireName().matches("[a-z_]+"), r.wireName());
    }
  }
}
