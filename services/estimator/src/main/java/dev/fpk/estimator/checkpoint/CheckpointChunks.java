package dev.fpk.estimator.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * An entity checkpoint of any size in records of the compacted checkpoint topic, and back: restored
 * whole or not at all.
 *
 * <p><b>Records.</b> A state of {@code n} chunks of at most {@code chunkBytes} is written as chunks
 * 1 to n-1, each under a key of its own, then the <i>manifest</i> under the entity's record key
 * ({@link EntityCheckpoint#key}), carrying chunk 0 itself: a state that fits one chunk stays one
 * record. The manifest names the state's epoch (a random 64-bit id per checkpoint), the chunk
 * count, the total bytes and the CRC-32C of every chunk. Chunk keys are {@code <record key>} U+001F
 * {@code <epoch in hex>/<index>}: U+001F is a control character, which run ids and layers may not
 * contain (bad_id), so no entity's key is another's chunk key.
 *
 * <p><b>Why this survives compaction and torn writes.</b> Compaction keeps the latest record per
 * key. A chunk's key is unique to its epoch, so a newer checkpoint never compacts away a chunk of
 * the manifest that is live; the writer deletes (tombstones) an older epoch's chunks only after the
 * manifest that replaces it. Records of one entity go in order to one partition, so a write cut
 * short leaves chunks of a new epoch with no manifest: the latest manifest is still the previous
 * complete checkpoint, whose chunks are all there. Chunks of several epochs side by side (torn
 * writes, a chunk not yet deleted) never mix: a manifest reads its own epoch's keys only, and each
 * chunk's value repeats its epoch and index, checked with its CRC. A missing, short or corrupt
 * chunk makes the whole checkpoint unusable ({@link Restored.Broken}); nothing partial is restored.
 *
 * <p>Values: manifest = int {@value #MANIFEST}, long epoch, int chunks, long total bytes,
 * int[chunks] CRC-32C, then chunk 0 length-prefixed; chunk = int {@value #CHUNK}, long epoch, int
 * index, its bytes length-prefixed. A manifest key's value that starts with {@link
 * EntityCheckpoint#VERSION} is a whole checkpoint written before chunks (read as it is).
 */
public final class CheckpointChunks {
  /** Separates an entity's record key from its chunks' suffix (never in a run id or a layer). */
  public static final char SEPARATOR = '\u001F';

  static final int MANIFEST = 2;
  static final int CHUNK = 3;

  /** A manifest's tag, epoch, chunk count, total bytes and chunk 0's length. */
  private static final int MANIFEST_HEADER_BYTES = 28;

  /** A chunk value's tag, epoch, index and length. */
  private static final int CHUNK_HEADER_BYTES = 20;

  /** Smallest chunk: below it the manifest's per-chunk overhead dominates. */
  public static final int MIN_CHUNK_BYTES = 1024;

  private CheckpointChunks() {}

  /** One record of the checkpoint topic: its key and value (null: a tombstone). */
  public record Record(String key, byte @Nullable [] value) {}

  /**
   * The records of one checkpoint, in the order they must be written: chunks 1 to n-1, then the
   * manifest (with chunk 0) under {@code recordKey}.
   *
   * @param state the encoded {@link EntityCheckpoint}
   * @param chunkBytes most state bytes per record (keeps every record under Kafka's message limit)
   */
  public static List<Record> write(String recordKey, long epoch, byte[] state, int chunkBytes) {
    return write(recordKey, epoch, List.of(state), chunkBytes);
  }

  /**
   * As {@link #write(String, long, byte[], int)} for the encoding of {@code checkpoint}, cut from
   * its parts: each byte is copied once, into its record.
   */
  public static List<Record> write(
      String recordKey, long epoch, EntityCheckpoint checkpoint, int chunkBytes) {
    return write(recordKey, epoch, checkpoint.segments(), chunkBytes);
  }

  /** The records of the state made of {@code segments} (in order). */
  private static List<Record> write(
      String recordKey, long epoch, List<byte[]> segments, int chunkBytes) {
    if (chunkBytes < MIN_CHUNK_BYTES) {
      throw new IllegalArgumentException(
          "chunkBytes = " + chunkBytes + ": must be >= " + MIN_CHUNK_BYTES);
    }
    long total = 0;
    for (byte[] s : segments) {
      total += s.length;
    }
    int chunks = Math.toIntExact(Math.max(1, (total + chunkBytes - 1) / chunkBytes));
    Cursor state = new Cursor(segments);
    int first = (int) Math.min(chunkBytes, total);
    byte[] manifest = new byte[MANIFEST_HEADER_BYTES + Integer.BYTES * chunks + first];
    int firstAt = manifest.length - first;
    state.copy(manifest, firstAt, first);
    int[] crcs = new int[chunks];
    crcs[0] = crc(manifest, firstAt, first);
    List<Record> out = new ArrayList<>(chunks);
    for (int i = 1; i < chunks; i++) {
      int length = (int) Math.min(chunkBytes, total - (long) i * chunkBytes);
      byte[] value = new byte[CHUNK_HEADER_BYTES + length];
      ByteBuffer.wrap(value).putInt(CHUNK).putLong(epoch).putInt(i).putInt(length);
      state.copy(value, CHUNK_HEADER_BYTES, length);
      crcs[i] = crc(value, CHUNK_HEADER_BYTES, length);
      out.add(new Record(chunkKey(recordKey, epoch, i), value));
    }
    ByteBuffer m = ByteBuffer.wrap(manifest);
    m.putInt(MANIFEST).putLong(epoch).putInt(chunks).putLong(total);
    for (int c : crcs) {
      m.putInt(c);
    }
    m.putInt(first);
    out.add(new Record(recordKey, manifest));
    return out;
  }

  /** Reads the concatenation of some arrays front to back, without joining them. */
  private static final class Cursor {
    private final List<byte[]> segments;
    private int segment;
    private int at;

    Cursor(List<byte[]> segments) {
      this.segments = segments;
    }

    /** Copies the next {@code length} bytes into {@code to} at {@code offset}. */
    void copy(byte[] to, int offset, int length) {
      while (length > 0) {
        byte[] s = segments.get(segment);
        int n = Math.min(length, s.length - at);
        System.arraycopy(s, at, to, offset, n);
        offset += n;
        length -= n;
        at += n;
        if (at == s.length) {
          segment++;
          at = 0;
        }
      }
    }
  }

  /** The key of chunk {@code index} of the checkpoint {@code epoch} of an entity. */
  public static String chunkKey(String recordKey, long epoch, int index) {
    return recordKey + SEPARATOR + Long.toHexString(epoch) + "/" + index;
  }

  /**
   * The entity record key a checkpoint-topic key belongs to: itself for a manifest (or a whole
   * checkpoint), the part before {@link #SEPARATOR} for a chunk.
   */
  public static String owner(String key) {
    int sep = key.indexOf(SEPARATOR);
    return sep < 0 ? key : key.substring(0, sep);
  }

  /** Whether a checkpoint-topic key is a chunk's (rather than a manifest's). */
  public static boolean isChunk(String key) {
    return key.indexOf(SEPARATOR) >= 0;
  }

  /** What the records of an entity hold. */
  public sealed interface Restored {
    /** No checkpoint stored. */
    record Absent() implements Restored {}

    /**
     * A complete checkpoint.
     *
     * @param epoch its id (0 for a whole checkpoint written before chunks)
     * @param chunks records it was read from (manifest included)
     */
    record Whole(EntityCheckpoint checkpoint, long epoch, int chunks) implements Restored {}

    /** A manifest whose chunks are not all there, or not intact: {@code reason} says which. */
    record Broken(long epoch, String reason) implements Restored {}
  }

  /**
   * The checkpoint of {@code recordKey} from the latest value of every key of its records ({@code
   * latest}: key to value, no tombstoned key): whole, absent or broken, never partial.
   */
  public static Restored read(String recordKey, Map<String, byte[]> latest) {
    byte[] manifest = latest.get(recordKey);
    if (manifest == null) {
      return new Restored.Absent();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(manifest))) {
      int version = in.readInt();
      if (version == EntityCheckpoint.VERSION) {
        return new Restored.Whole(EntityCheckpoint.decode(manifest), 0, 1);
      }
      if (version != MANIFEST) {
        return new Restored.Broken(
            0,
            "manifest version "
                + version
                + ": this fpk reads "
                + MANIFEST
                + " (or "
                + EntityCheckpoint.VERSION
                + ")");
      }
      long epoch = in.readLong();
      int chunks = in.readInt();
      long total = in.readLong();
      // a corrupt count must not size an allocation: each chunk takes 4 bytes of the manifest
      if (chunks < 1 || (long) chunks * Integer.BYTES > in.available() || total < 0) {
        return new Restored.Broken(
            epoch, "manifest claims " + chunks + " chunks and " + total + " bytes: corrupt");
      }
      int[] crcs = new int[chunks];
      for (int i = 0; i < chunks; i++) {
        crcs[i] = in.readInt();
      }
      List<byte[]> parts = new ArrayList<>(chunks);
      byte[] first = lengthPrefixed(in);
      if (first == null) {
        return new Restored.Broken(epoch, "chunk 0 in the manifest is cut short: corrupt");
      }
      parts.add(first);
      for (int i = 1; i < chunks; i++) {
        String key = chunkKey(recordKey, epoch, i);
        byte[] value = latest.get(key);
        if (value == null) {
          return new Restored.Broken(
              epoch, "chunk " + i + " of " + chunks + " missing (" + key + ")");
        }
        byte[] part = chunkBytes(value, epoch, i);
        if (part == null) {
          return new Restored.Broken(
              epoch, "chunk " + i + " of " + chunks + " is not chunk " + i + " of this epoch");
        }
        parts.add(part);
      }
      return assemble(epoch, crcs, total, parts);
    } catch (IOException | IllegalArgumentException e) {
      return new Restored.Broken(0, "unreadable manifest: " + e.getMessage());
    }
  }

  /** The chunks checked against their CRCs and the total, joined. */
  private static Restored assemble(long epoch, int[] crcs, long total, List<byte[]> parts) {
    long sum = 0;
    for (int i = 0; i < parts.size(); i++) {
      byte[] part = parts.get(i);
      if (crc(part, 0, part.length) != crcs[i]) {
        return new Restored.Broken(
            epoch, "chunk " + i + " of " + parts.size() + " fails its CRC-32C: corrupt");
      }
      sum += part.length;
    }
    if (sum != total) {
      return new Restored.Broken(
          epoch, "chunks hold " + sum + " bytes, the manifest " + total + ": incomplete");
    }
    byte[] state = new byte[Math.toIntExact(total)];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, state, at, part.length);
      at += part.length;
    }
    try {
      return new Restored.Whole(EntityCheckpoint.decode(state), epoch, parts.size());
    } catch (IllegalArgumentException e) {
      return new Restored.Broken(epoch, e.getMessage());
    }
  }

  /** A chunk value's bytes, or null if it is not chunk {@code index} of {@code epoch}. */
  private static byte @Nullable [] chunkBytes(byte[] value, long epoch, int index)
      throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      if (in.readInt() != CHUNK || in.readLong() != epoch || in.readInt() != index) {
        return null;
      }
      return lengthPrefixed(in);
    }
  }

  /** Length-prefixed bytes, or null when the length is negative or runs past the value. */
  private static byte @Nullable [] lengthPrefixed(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }

  private static int crc(byte[] bytes, int from, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, length);
    return (int) crc.getValue();
  }
}
