package dev.fpk.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunksTest {
  private static WeightSnapshot big(int rows, int cols, boolean gradients) {
    Random rnd = new Random(42);
    WeightSnapshot.Builder b =
        WeightSnapshot.newBuilder()
            .setRunId("big")
            .setReplica(0)
            .setStep(9)
            .setLayer("w")
            .addShape(rows)
            .addShape(cols)
            .setLearningRate(0.1)
            .setBatchSize(8)
            .addProbeInputs(1f);
    b.clearProbeInputs();
    for (int i = 0; i < cols; i++) {
      b.addProbeInputs(i);
    }
    for (int i = 0; i < rows * cols; i++) {
      b.addValues((float) rnd.nextGaussian());
    }
    if (gradients) {
      for (int i = 0; i < rows * cols; i++) {
        b.addGradientMean(i);
        b.addGradientVariance(-i);
      }
    }
    return b.build();
  }

  private static WeightSnapshot reassemble(ChunkAssembler a, List<WeightSnapshot> chunks) {
    WeightSnapshot out = null;
    for (WeightSnapshot c : chunks) {
      ChunkAssembler.Outcome o = a.add(c);
      if (o instanceof ChunkAssembler.Outcome.Complete done) {
        out = done.snapshot();
      } else {
        assertInstanceOf(ChunkAssembler.Outcome.Pending.class, o, o::toString);
      }
    }
    return out;
  }

  @Test
  void shouldSplit2048x2048MatrixUnderKafkaMessageLimitAndReassembleItEqual() {
    WeightSnapshot s = big(2048, 2048, false);
    List<WeightSnapshot> chunks = Chunks.splitToBytes(s, Chunks.DEFAULT_MAX_MESSAGE_BYTES);
    assertTrue(chunks.size() >= 17, "chunks: " + chunks.size());
    SnapshotValidator validator = new SnapshotValidator();
    for (WeightSnapshot c : chunks) {
      assertTrue(
          c.getSerializedSize() <= Chunks.DEFAULT_MAX_MESSAGE_BYTES,
          "chunk of " + c.getSerializedSize() + " bytes");
      assertTrue(
          validator.parse(c.toByteArray()).isAccepted(), () -> validator.validate(c).toString());
    }
    ChunkAssembler a = new ChunkAssembler();
    assertEquals(s, reassemble(a, chunks));
    assertEquals(0, a.pendingBytes());
    assertEquals(0, a.pendingCount());
  }

  @Test
  void shouldReassembleChunksInAnyOrderWithGradients() {
    WeightSnapshot s = big(30, 20, true);
    List<WeightSnapshot> chunks = new ArrayList<>(Chunks.split(s, 70));
    assertEquals(9, chunks.size());
    assertEquals(s.getProbeInputsList(), chunks.get(0).getProbeInputsList());
    assertEquals(0, chunks.get(1).getProbeInputsCount());
    Collections.shuffle(chunks, new Random(1));
    assertEquals(s, reassemble(new ChunkAssembler(), chunks));
  }

  @Test
  void shouldSplitToBytesWithGradientsUnderBudget() {
    WeightSnapshot s = big(100, 100, true);
    for (WeightSnapshot c : Chunks.splitToBytes(s, 10_000)) {
      assertTrue(c.getSerializedSize() <= 10_000, "chunk of " + c.getSerializedSize());
    }
  }

  @Test
  void shouldPassSmallSnapshotThroughUnchanged() {
    WeightSnapshot s = TestSnapshots.valid();
    assertEquals(List.of(s), Chunks.split(s, 100));
    ChunkAssembler.Outcome o = new ChunkAssembler().add(s);
    assertSame(s, ((ChunkAssembler.Outcome.Complete) o).snapshot());
  }

  @Test
  void shouldIgnoreRedeliveredChunk() {
    WeightSnapshot s = big(10, 10, false);
    List<WeightSnapshot> chunks = Chunks.split(s, 40);
    ChunkAssembler a = new ChunkAssembler();
    a.add(chunks.get(0));
    ChunkAssembler.Outcome again = a.add(chunks.get(0));
    assertEquals(new ChunkAssembler.Outcome.Pending(ChunkAssembler.SnapshotId.of(s), 1, 3), again);
    assertEquals(s, reassemble(a, chunks.subList(1, 3)));
  }

  @Test
  void shouldRejectChunkWhoseShapeDiffersFromEarlierChunks() {
    List<WeightSnapshot> chunks = Chunks.split(big(10, 10, false), 40);
    ChunkAssembler a = new ChunkAssembler();
    a.add(chunks.get(0));
    WeightSnapshot odd = chunks.get(1).toBuilder().setShape(0, 20).build();
    ChunkAssembler.Outcome o = a.add(odd);
    ChunkAssembler.Outcome.Rejected r = assertInstanceOf(ChunkAssembler.Outcome.Rejected.class, o);
    assertEquals(RejectReason.BAD_CHUNK, r.reason());
    assertTrue(
        r.detail().contains("has shape [20, 10] but an earlier chunk had [10, 10]"), r.detail());
  }

  @Test
  void shouldRejectChunksThatOverlapInsteadOfTiling() {
    WeightSnapshot s = big(2, 2, false);
    WeightSnapshot c0 = Chunks.split(s, 2).get(0);
    WeightSnapshot c1 =
        Chunks.split(s, 2).get(1).toBuilder()
            .setChunkOffset(1)
            .clearValues()
            .addValues(1f)
            .addValues(2f)
            .build();
    ChunkAssembler a = new ChunkAssembler();
    a.add(c0);
    // offset 1 + 2 values = 3 <= 4 fits, but [0,2) and [1,3) overlap and leave index 3 empty
    ChunkAssembler.Outcome.Rejected r =
        assertInstanceOf(ChunkAssembler.Outcome.Rejected.class, a.add(c1));
    assertEquals(RejectReason.BAD_CHUNK, r.reason());
  }

  @Test
  void shouldEvictOldestIncompleteSnapshotToStayWithinPendingBytes() {
    WeightSnapshot first = big(10, 10, false);
    WeightSnapshot second = first.toBuilder().setStep(10).build();
    ChunkAssembler a = new ChunkAssembler(500); // one 10x10 float matrix (400 bytes) at a time
    a.add(Chunks.split(first, 40).get(0));
    a.add(Chunks.split(second, 40).get(0));
    List<ChunkAssembler.Evicted> evicted = a.takeEvicted();
    assertEquals(1, evicted.size());
    assertEquals(9, evicted.get(0).id().step());
    assertEquals(1, a.pendingCount());
    assertEquals(400, a.pendingBytes());
    assertTrue(a.takeEvicted().isEmpty());
  }

  @Test
  void shouldRejectSnapshotLargerThanThePendingBound() {
    ChunkAssembler a = new ChunkAssembler(100);
    ChunkAssembler.Outcome o = a.add(Chunks.split(big(10, 10, false), 40).get(0));
    assertEquals(
        RejectReason.TOO_LARGE,
        assertInstanceOf(ChunkAssembler.Outcome.Rejected.class, o).reason());
    assertEquals(0, a.pendingBytes());
  }

  @Test
  void shouldExpireIncompleteSnapshotsBeforeAStep() {
    ChunkAssembler a = new ChunkAssembler();
    a.add(Chunks.split(big(10, 10, false), 40).get(1));
    a.expireBefore("big", "w", 10);
    assertEquals(0, a.pendingCount());
    assertEquals(1, a.takeEvicted().size());
  }

  @Test
  void shouldRefuseToSplitAChunkOrWithNonPositiveBudget() {
    WeightSnapshot chunk = Chunks.split(big(4, 4, false), 4).get(1);
    assertThrows(IllegalArgumentException.class, () -> Chunks.split(chunk, 2));
    assertThrows(IllegalArgumentException.class, () -> Chunks.split(TestSnapshots.valid(), 0));
  }
}
