package dev.fpk.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.estimator.checkpoint.CheckpointChunks.Record;
import dev.fpk.estimator.checkpoint.CheckpointChunks.Restored;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Chunked checkpoints read back whole or not at all, from the records a compacted topic keeps (the
 * latest value per key, tombstones removing), including writes cut short and epochs side by side.
 */
class CheckpointChunksTest {
  private static final String KEY = EntityCheckpoint.key("g", "run/layer");
  private static final int CHUNK = 1024;

  /** An encoded entity checkpoint of about {@code bytes} bytes, random content. */
  private static byte[] state(int bytes, long seed) {
    Random r = new Random(seed);
    byte[] est = new byte[bytes * 2 / 3];
    byte[] sol = new byte[bytes - est.length];
    r.nextBytes(est);
    r.nextBytes(sol);
    return new EntityCheckpoint(est, sol).encode();
  }

  /** What a compacted topic holds after these records, in this order: the latest value per key. */
  private static Map<String, byte[]> log(List<Record> records) {
    Map<String, byte[]> latest = new HashMap<>();
    for (Record r : records) {
      if (r.value() == null) {
        latest.remove(r.key());
      } else {
        latest.put(r.key(), r.value());
      }
    }
    return latest;
  }

  private static void assertRestores(byte[] state, long epoch, Restored restored) {
    Restored.Whole whole = assertInstanceOf(Restored.Whole.class, restored, restored.toString());
    assertEquals(epoch, whole.epoch());
    assertArrayEquals(state, whole.checkpoint().encode());
  }

  @Test
  void shouldWriteOneRecordForAStateThatFitsAChunkAndReadItBack() {
    byte[] state = state(500, 1);
    List<Record> records = CheckpointChunks.write(KEY, 7, state, CHUNK);
    assertEquals(1, records.size());
    assertEquals(KEY, records.get(0).key());
    assertRestores(state, 7, CheckpointChunks.read(KEY, log(records)));
  }

  @Test
  void shouldSplitALargeStateIntoChunksUnderTheLimitWithTheManifestLast() {
    for (int size : new int[] {CHUNK * 5 - 12, CHUNK * 5 - 11, 100_000}) {
      byte[] state = state(size, size);
      List<Record> records = CheckpointChunks.write(KEY, 42, state, CHUNK);
      int chunks = (state.length + CHUNK - 1) / CHUNK;
      assertEquals(chunks, records.size(), "state of " + state.length + " bytes");
      Record manifest = records.get(records.size() - 1);
      assertEquals(KEY, manifest.key(), "the manifest comes last");
      for (int i = 0; i < records.size() - 1; i++) {
        assertEquals(CheckpointChunks.chunkKey(KEY, 42, i + 1), records.get(i).key());
        assertEquals(KEY, CheckpointChunks.owner(records.get(i).key()));
      }
      for (Record r : records) {
        assertTrue(
            r.value().length <= CHUNK + 28 + 4 * chunks,
            "a record's value stays within a chunk plus its header: " + r.value().length);
      }
      Restored.Whole whole =
          assertInstanceOf(Restored.Whole.class, CheckpointChunks.read(KEY, log(records)));
      assertEquals(chunks, whole.chunks());
      assertArrayEquals(state, whole.checkpoint().encode());
    }
  }

  @Test
  void shouldCutTheSameRecordsFromACheckpointsPartsAsFromItsEncoding() {
    Random r = new Random(14);
    for (int[] sizes : new int[][] {{0, 0}, {3000, 0}, {0, 3000}, {1017, 2043}, {5000, 777}}) {
      byte[] est = new byte[sizes[0]];
      byte[] sol = new byte[sizes[1]];
      r.nextBytes(est);
      r.nextBytes(sol);
      EntityCheckpoint checkpoint = new EntityCheckpoint(est, sol);
      List<Record> fromParts = CheckpointChunks.write(KEY, 3, checkpoint, CHUNK);
      List<Record> fromEncoding = CheckpointChunks.write(KEY, 3, checkpoint.encode(), CHUNK);
      assertEquals(fromEncoding.size(), fromParts.size());
      for (int i = 0; i < fromParts.size(); i++) {
        assertEquals(fromEncoding.get(i).key(), fromParts.get(i).key());
        assertArrayEquals(fromEncoding.get(i).value(), fromParts.get(i).value(), "record " + i);
      }
      assertEquals(checkpoint.size(), checkpoint.encode().length);
    }
  }

  @Test
  void shouldFindNothingWithoutAManifest() {
    List<Record> chunksOnly =
        new ArrayList<>(CheckpointChunks.write(KEY, 3, state(9000, 3), CHUNK));
    chunksOnly.remove(chunksOnly.size() - 1);
    assertInstanceOf(Restored.Absent.class, CheckpointChunks.read(KEY, log(chunksOnly)));
  }

  @Test
  void shouldRestoreThePreviousCheckpointWhenTheNextOneWasCutShortBeforeItsManifest() {
    byte[] complete = state(9000, 4);
    List<Record> topic = new ArrayList<>(CheckpointChunks.write(KEY, 1, complete, CHUNK));
    List<Record> next = CheckpointChunks.write(KEY, 2, state(9500, 5), CHUNK);
    // the write of epoch 2 stops before its manifest (the node was killed)
    topic.addAll(next.subList(0, next.size() - 3));
    assertRestores(complete, 1, CheckpointChunks.read(KEY, log(topic)));
  }

  @Test
  void shouldRefuseACheckpointWithAMissingChunk() {
    List<Record> records = new ArrayList<>(CheckpointChunks.write(KEY, 5, state(9000, 6), CHUNK));
    Record dropped = records.remove(3);
    Restored.Broken broken =
        assertInstanceOf(Restored.Broken.class, CheckpointChunks.read(KEY, log(records)));
    assertEquals(5, broken.epoch());
    assertTrue(broken.reason().contains("chunk 4 of 9 missing"), broken.reason());
    assertTrue(broken.reason().contains(dropped.key()), broken.reason());
  }

  @Test
  void shouldRefuseACheckpointWhoseChunkFailsItsChecksum() {
    List<Record> records = CheckpointChunks.write(KEY, 5, state(9000, 7), CHUNK);
    records.get(2).value()[100] ^= 0x10;
    Restored.Broken broken =
        assertInstanceOf(Restored.Broken.class, CheckpointChunks.read(KEY, log(records)));
    assertTrue(broken.reason().contains("chunk 3 of 9 fails its CRC-32C"), broken.reason());

    List<Record> manifestHit = CheckpointChunks.write(KEY, 5, state(9000, 7), CHUNK);
    byte[] manifest = manifestHit.get(manifestHit.size() - 1).value();
    manifest[manifest.length - 1] ^= 0x01; // the last byte of chunk 0, carried by the manifest
    assertTrue(
        assertInstanceOf(Restored.Broken.class, CheckpointChunks.read(KEY, log(manifestHit)))
            .reason()
            .contains("chunk 0 of 9 fails its CRC-32C"));
  }

  @Test
  void shouldReadOnlyTheManifestsEpochWhenChunksOfSeveralEpochsAreInterleaved() {
    byte[] a = state(9000, 8);
    byte[] b = state(9000, 9);
    List<Record> ra = CheckpointChunks.write(KEY, 0xA, a, CHUNK);
    List<Record> rb = CheckpointChunks.write(KEY, 0xB, b, CHUNK);
    List<Record> topic = new ArrayList<>();
    for (int i = 0; i < ra.size() - 1; i++) {
      topic.add(rb.get(i));
      topic.add(ra.get(i));
    }
    topic.add(ra.get(ra.size() - 1));
    topic.add(rb.get(rb.size() - 1)); // b's manifest last: b is live
    assertRestores(b, 0xB, CheckpointChunks.read(KEY, log(topic)));
    topic.add(ra.get(ra.size() - 1)); // then a's manifest again: a is live
    assertRestores(a, 0xA, CheckpointChunks.read(KEY, log(topic)));

    // a chunk of epoch A under the key of B's chunk 2 (a mix-up of epochs) is refused
    Map<String, byte[]> mixed = log(topic);
    topic.add(rb.get(rb.size() - 1));
    mixed = log(topic);
    mixed.put(CheckpointChunks.chunkKey(KEY, 0xB, 2), ra.get(1).value());
    assertTrue(
        assertInstanceOf(Restored.Broken.class, CheckpointChunks.read(KEY, mixed))
            .reason()
            .contains("chunk 2 of 9 is not chunk 2 of this epoch"));
  }

  @Test
  void shouldKeepEntitiesWhoseKeysArePrefixesOfEachOtherApart() {
    String other = EntityCheckpoint.key("g", "run/layer2");
    byte[] mine = state(5000, 10);
    List<Record> topic = new ArrayList<>(CheckpointChunks.write(KEY, 1, mine, CHUNK));
    topic.addAll(CheckpointChunks.write(other, 1, state(5000, 11), CHUNK));
    assertRestores(mine, 1, CheckpointChunks.read(KEY, log(topic)));
    assertEquals(other, CheckpointChunks.owner(CheckpointChunks.chunkKey(other, 1, 1)));
    assertTrue(CheckpointChunks.isChunk(CheckpointChunks.chunkKey(other, 1, 1)));
    assertTrue(!CheckpointChunks.isChunk(other));
  }

  @Test
  void shouldReadAWholeCheckpointWrittenBeforeChunks() {
    byte[] state = state(3000, 12);
    assertRestores(state, 0, CheckpointChunks.read(KEY, Map.of(KEY, state)));
  }

  @Test
  void shouldRefuseACorruptManifestWithoutAllocatingWhatItClaims() {
    byte[] manifest = CheckpointChunks.write(KEY, 9, state(9000, 13), CHUNK).get(8).value();
    java.nio.ByteBuffer.wrap(manifest).putInt(12, Integer.MAX_VALUE); // the chunk count
    Restored.Broken broken =
        assertInstanceOf(Restored.Broken.class, CheckpointChunks.read(KEY, Map.of(KEY, manifest)));
    assertTrue(broken.reason().contains("claims 2147483647 chunks"), broken.reason());
    assertInstanceOf(
        Restored.Broken.class, CheckpointChunks.read(KEY, Map.of(KEY, new byte[] {0, 0, 0, 9})));
    assertThrows(
        IllegalArgumentException.class, () -> CheckpointChunks.write(KEY, 1, new byte[10], 100));
  }
}
