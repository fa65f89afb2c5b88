package dev.fpk.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.CodedOutputStream;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the ingest edge: random bytes, truncated and bit-flipped protobuf, and valid
 * messages with absurd fields. Every case must be either accepted (and then obey every rule) or
 * rejected with a reason and a detail; no exception escapes, and no case allocates more than a
 * small multiple of its own size (a claimed size is checked before anything is allocated).
 */
class IngestFuzzTest {
  private static final int CASES = 5_000;
  private static final long SEED = 20261128L;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final SnapshotValidator validator = new SnapshotValidator(Limits.DEFAULT);

  @Test
  void shouldAcceptOrRejectEveryFuzzedRecordWithoutCrashingOrAllocatingUnboundedly() {
    SplittableRandom random = new SplittableRandom(SEED);
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] input = fuzzCase(random, i % 6);
      long before = THREADS.getCurrentThreadAllocatedBytes();
      Validation<WeightSnapshot> v;
      try {
        v = validator.parse(input);
      } catch (RuntimeException e) {
        throw new AssertionError("case " + i + " (kind " + i % 6 + ", " + input.length + " bytes) escaped: " + e, e);
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
      assertTrue(allocated < 64L * input.length + (4 << 20),
          "case " + i + ": " + allocated + " bytes allocated for a " + input.length + "-byte record");
      if (v instanceof Validation.Accepted<WeightSnapshot> a) {
        assertObeysEveryRule(a.value(), i);
        accepted++;
      } else {
        Validation.Rejected<WeightSnapshot> r = (Validation.Rejected<WeightSnapshot>) v;
        assertNotNull(r.reason(), "case " + i);
        assertFalse(r.detail().isBlank(), "case " + i + ": a rejection names what is wrong");
        rejected++;
      }
    }
    System.out.printf("ingest fuzz: %d cases, %d accepted, %d rejected%n", CASES, accepted, rejected);
    assertTrue(accepted > 0 && rejected > 0, "the generator makes both kinds: " + accepted + "/" + rejected);
  }

  @Test
  void shouldReadFuzzedReplayFilesToTheEndReportingEveryBadRecord() throws IOException {
    SplittableRandom random = new SplittableRandom(SEED + 1);
    for (int file = 0; file < 200; file++) {
      ByteArrayOutputStream pb = new ByteArrayOutputStream();
      StringBuilder jsonl = new StringBuilder();
      int records = 1 + random.nextInt(20);
      for (int r = 0; r < records; r++) {
        byte[] record = fuzzCase(random, random.nextInt(6));
        if (random.nextInt(4) == 0) {
          pb.write(record); // no length prefix: the stream loses its framing
        } else {
          CodedOutputStream.newInstance(pb).writeUInt32NoTag(record.length);
          pb.write(record);
        }
        jsonl.append(random.nextBoolean() ? JsonMapping.toJson(valid(random)) : new String(record, StandardCharsets.ISO_8859_1))
            .append('\n');
      }
      readAll(ReplayFormat.PB, pb.toByteArray(), file);
      readAll(ReplayFormat.JSONL, jsonl.toString().getBytes(StandardCharsets.UTF_8), file);
    }
  }

  private void readAll(ReplayFormat format, byte[] content, int file) throws IOException {
    try (ReplayReader reader = ReplayFiles.open(new ByteArrayInputStream(content), format, Limits.DEFAULT, "fuzz-" + file)) {
      for (ReplayItem item : reader) {
        if (item.snapshot() instanceof Validation.Accepted<WeightSnapshot> a) {
          assertObeysEveryRule(a.value(), file);
        } else {
          assertFalse(item.describe().isBlank());
        }
      }
    } catch (RuntimeException e) {
      fail(format + " file " + file + ": reading escaped with " + e, e);
    }
  }

  private void assertObeysEveryRule(WeightSnapshot s, int i) {
    assertTrue(validator.validate(s).isAccepted(), "case " + i + ": accepted, so it validates");
    assertFalse(s.getRunId().isEmpty() || s.getRunId().length() > 256, "case " + i + ": run id");
    assertTrue(s.getStep() >= 0 && s.getReplica() >= 0, "case " + i + ": step and replica");
    long product = 1;
    for (int d : s.getShapeList()) {
      assertTrue(d >= 1, "case " + i + ": dimension " + d);
      product *= d;
    }
    if (s.getChunkCount() <= 1) {
      assertEquals(product, s.getValuesCount(), "case " + i + ": shape product = values");
    }
    for (int k = 0; k < s.getValuesCount(); k++) {
      assertTrue(Float.isFinite(s.getValues(k)), "case " + i + ": values finite");
    }
  }

  /** One fuzzed record of the given kind. */
  private static byte[] fuzzCase(SplittableRandom random, int kind) {
    return switch (kind) {
      case 0 -> randomBytes(random, random.nextInt(2_000));
      case 1 -> truncated(random, valid(random).toByteArray());
      case 2 -> bitFlipped(random, valid(random).toByteArray());
      case 3 -> absurd(random).toByteArray();
      case 4 -> withUnknownField(random, valid(random).toByteArray());
      default -> valid(random).toByteArray();
    };
  }

  private static WeightSnapshot valid(SplittableRandom random) {
    int rows = 1 + random.nextInt(8);
    int cols = 1 + random.nextInt(8);
    WeightSnapshot.Builder b = WeightSnapshot.newBuilder().setRunId("run-" + random.nextInt(5))
        .setLayer("layer").setReplica(random.nextInt(64)).setStep(random.nextInt(10_000))
        .addShape(rows).addShape(cols).setLearningRate(0.01).setBatchSize(32);
    for (int k = 0; k < rows * cols; k++) {
      b.addValues((float) random.nextGaussian());
    }
    return b.build();
  }

  /** A message that parses but breaks a rule, or claims something absurd. */
  private static WeightSnapshot absurd(SplittableRandom random) {
    WeightSnapshot.Builder b = valid(random).toBuilder();
    Supplier<String> huge = () -> "x".repeat(257 + random.nextInt(100_000));
    switch (random.nextInt(10)) {
      case 0 -> b.setShape(0, -random.nextInt(1_000));
      case 1 -> b.clearShape().addShape(1 << 16).addShape(1 << 15); // 2^31 elements claimed
      case 2 -> b.setValues(0, random.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY);
      case 3 -> b.setStep(-1 - random.nextInt(1_000_000));
      case 4 -> b.setRunId(huge.get());
      case 5 -> b.setLayer(random.nextBoolean() ? "" : huge.get());
      case 6 -> b.setReplica(-1 - random.nextInt(10));
      case 7 -> b.setChunkCount(2 + random.nextInt(5)).setChunkIndex(random.nextInt(10) - 2).setChunkOffset(random.nextLong());
      case 8 -> b.setEnsembleSize(random.nextInt(3) - 1);
      default -> b.addShape(0);
    }
    return b.build();
  }

  private static byte[] withUnknownField(SplittableRandom random, byte[] bytes) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(bytes);
      CodedOutputStream c = CodedOutputStream.newInstance(out);
      c.writeBytes(1000 + random.nextInt(1000), com.google.protobuf.ByteString.copyFrom(randomBytes(random, random.nextInt(64))));
      c.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] truncated(SplittableRandom random, byte[] bytes) {
    return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
  }

  private static byte[] bitFlipped(SplittableRandom random, byte[] bytes) {
    byte[] out = bytes.clone();
    for (int flips = 1 + random.nextInt(8); flips > 0 && out.length > 0; flips--) {
      out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
    }
    return out;
  }

  private static byte[] randomBytes(SplittableRandom random, int n) {
    byte[] out = new byte[n];
    for (int k = 0; k < n; k++) {
      out[k] = (byte) random.nextInt(256);
    }
    return out;
  }
}
