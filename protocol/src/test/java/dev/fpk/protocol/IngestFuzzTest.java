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

  private static final FuzzRecords RECORDS = FuzzRecords.standard();

  private final SnapshotValidator validator = new SnapshotValidator(Limits.DEFAULT);

  @Test
  void shouldAcceptOrRejectEveryFuzzedRecordWithoutCrashingOrAllocatingUnboundedly() {
    SplittableRandom random = new SplittableRandom(SEED);
    int accepted = 0;
    int rejected = 0;
    int determined = 0;
    for (int i = 0; i < CASES; i++) {
      FuzzRecords.Case c = RECORDS.next(random, i % FuzzRecords.KINDS);
      byte[] input = c.bytes();
      long before = THREADS.getCurrentThreadAllocatedBytes();
      Validation<WeightSnapshot> v;
      try {
        v = validator.parse(input);
      } catch (RuntimeException e) {
        throw new AssertionError(
            "case " + i + " (kind " + c.kind() + ", " + input.length + " bytes) escaped: " + e, e);
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
      assertTrue(
          allocated < 64L * input.length + (4 << 20),
          "case "
              + i
              + ": "
              + allocated
              + " bytes allocated for a "
              + input.length
              + "-byte record");
      if (v instanceof Validation.Accepted<WeightSnapshot> a) {
        assertObeysEveryRule(a.value(), i);
        accepted++;
      } else {
        Validation.Rejected<WeightSnapshot> r = (Validation.Rejected<WeightSnapshot>) v;
        assertNotNull(r.reason(), "case " + i);
        assertFalse(r.detail().isBlank(), "case " + i + ": a rejection names what is wrong");
        rejected++;
      }
      if (c.expected().isPresent()) {
        assertEquals(
            c.expected().get(),
            v instanceof Validation.Rejected<WeightSnapshot> r ? r.reason() : null,
            "case " + i + " (" + c.kind() + ")");
        determined++;
      }
    }
    System.out.printf(
        "ingest fuzz: %d cases, %d accepted, %d rejected (%d with the reason determined by construction)%n",
        CASES, accepted, rejected, determined);
    assertTrue(
        accepted > 0 && rejected > 0,
        "the generator makes both kinds: " + accepted + "/" + rejected);
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
          writeLength(pb, record.length);
          pb.write(record);
        }
        jsonl
            .append(
                random.nextBoolean()
                    ? JsonMapping.toJson(valid(random))
                    : new String(record, StandardCharsets.ISO_8859_1))
            .append('\n');
      }
      if (random.nextInt(4) == 0) {
        // a length prefix up to the record limit (64 MiB) over a short tail: nothing that size may
        // be allocated
        writeLength(pb, random.nextInt(Limits.DEFAULT_MAX_RECORD_BYTES) + 1);
        pb.write(fuzzCase(random, 5));
      }
      readAll(ReplayFormat.PB, pb.toByteArray(), file);
      readAll(ReplayFormat.JSONL, jsonl.toString().getBytes(StandardCharsets.UTF_8), file);
    }
  }

  /**
   * A varint length prefix (CodedOutputStream buffers: without the flush nothing reaches the file).
   */
  private static void writeLength(ByteArrayOutputStream out, int length) throws IOException {
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    c.writeUInt32NoTag(length);
    c.flush();
  }

  /**
   * Reads a whole fuzzed file; the reader allocates a bounded multiple of the file, whatever
   * lengths it claims.
   */
  private void readAll(ReplayFormat format, byte[] content, int file) throws IOException {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try (ReplayReader reader =
        ReplayFiles.open(
            new ByteArrayInputStream(content), format, Limits.DEFAULT, "fuzz-" + file)) {
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
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertTrue(
        allocated < 64L * content.length + (4 << 20),
        format
            + " file "
            + file
            + ": "
            + allocated
            + " bytes allocated reading "
            + content.length
            + " bytes");
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

  private static byte[] fuzzCase(SplittableRandom random, int kind) {
    return RECORDS.next(random, kind).bytes();
  }

  private static WeightSnapshot valid(SplittableRandom random) {
    return RECORDS.valid(random);
  }
}
