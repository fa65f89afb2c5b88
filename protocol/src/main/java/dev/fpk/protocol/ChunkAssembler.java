package dev.fpk.protocol;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reassembles chunked snapshots (see {@link Chunks}) by (run_id, replica, step, layer).
 *
 * <p>Feed it validated snapshots in any order ({@link #add}); unchunked ones pass straight through.
 * Memory is bounded: the buffers of incomplete snapshots together hold at most {@code
 * maxPendingBytes} (4 bytes per value, times 1 to 3 for the gradient fields); when a new snapshot
 * does not fit, the oldest incomplete ones are evicted and reported by {@link #takeEvicted()} as
 * {@link RejectReason#INCOMPLETE_CHUNKS}. A chunk repeated with the same index (a redelivery) is
 * ignored. Header fields (learning_rate, batch_size, probe_inputs, ...) of the result come from
 * chunk 0. Not thread-safe: one assembler per consumer stream.
 */
public final class ChunkAssembler {

  /** Identity of one snapshot: its chunks share it. */
  public record SnapshotId(String runId, int replica, long step, String layer) {
    public static SnapshotId of(WeightSnapshot s) {
      return new SnapshotId(s.getRunId(), s.getReplica(), s.getStep(), s.getLayer());
    }
  }

  /** What {@link #add} made of one input. */
  public sealed interface Outcome {
    /** The whole snapshot (unchunked input, or the last missing chunk arrived). */
    record Complete(WeightSnapshot snapshot) implements Outcome {}

    /** Stored; {@code received} of {@code expected} chunks are in. */
    record Pending(SnapshotId id, int received, int expected) implements Outcome {}

    /** Inconsistent with the chunks seen before, or too large for the memory bound. */
    record Rejected(RejectReason reason, String detail) implements Outcome {}
  }

  /** An incomplete snapshot dropped to respect the memory bound. */
  public record Evicted(SnapshotId id, int received, int expected, String detail) {}

  private final long maxPendingBytes;
  private final Map<SnapshotId, Pending> pending = new LinkedHashMap<>();
  private final List<Evicted> evicted = new ArrayList<>();
  private long pendingBytes;

  /**
   * @param maxPendingBytes bound on the buffers of all incomplete snapshots together
   */
  public ChunkAssembler(long maxPendingBytes) {
    if (maxPendingBytes < 4) {
      throw new IllegalArgumentException("maxPendingBytes = " + maxPendingBytes + ": must be >= 4");
    }
    this.maxPendingBytes = maxPendingBytes;
  }

  /** Enough for two matrices of {@link Limits#DEFAULT} size with both gradient fields. */
  public ChunkAssembler() {
    this(2L * 3 * 4 * Limits.DEFAULT_MAX_VALUES);
  }

  /** Adds a validated snapshot or chunk. */
  public Outcome add(WeightSnapshot s) {
    Objects.requireNonNull(s, "s");
    if (s.getChunkCount() <= 1) {
      return new Outcome.Complete(s);
    }
    SnapshotId id = SnapshotId.of(s);
    Pending p = pending.get(id);
    boolean fresh = p == null;
    if (fresh) {
      long total = SnapshotValidator.product(s.getShapeList());
      long bytes =
          4L
              * total
              * (1
                  + (s.getGradientMeanCount() > 0 ? 1 : 0)
                  + (s.getGradientVarianceCount() > 0 ? 1 : 0));
      if (total > Integer.MAX_VALUE - 16 || bytes > maxPendingBytes) {
        return new Outcome.Rejected(
            RejectReason.TOO_LARGE,
            "shape "
                + s.getShapeList()
                + " needs "
                + bytes
                + " bytes to reassemble, over the bound of "
                + maxPendingBytes);
      }
      evictUntilFree(bytes);
      p = new Pending(s, (int) total, bytes);
      pending.put(id, p);
      pendingBytes += bytes;
    }
    String problem = p.accept(s);
    if (problem != null) {
      if (fresh) {
        pending.remove(id);
        pendingBytes -= p.bytes;
      }
      return new Outcome.Rejected(RejectReason.BAD_CHUNK, Chunks.describe(s) + ": " + problem);
    }
    if (p.received < p.expected) {
      return new Outcome.Pending(id, p.received, p.expected);
    }
    pending.remove(id);
    pendingBytes -= p.bytes;
    String gap = p.coverageProblem();
    if (gap != null) {
      return new Outcome.Rejected(RejectReason.BAD_CHUNK, Chunks.describe(s) + ": " + gap);
    }
    return new Outcome.Complete(p.build());
  }

  /**
   * Drops incomplete snapshots of a run and layer with step {@literal <} {@code step} (for example
   * once a watermark has passed them) and reports them as evicted.
   */
  public void expireBefore(String runId, String layer, long step) {
    Iterator<Map.Entry<SnapshotId, Pending>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<SnapshotId, Pending> e = it.next();
      SnapshotId id = e.getKey();
      if (id.runId().equals(runId) && id.layer().equals(layer) && id.step() < step) {
        evict(it, e, "expired: step " + id.step() + " is before " + step);
      }
    }
  }

  /** Incomplete snapshots evicted since the last call; the list is cleared. */
  public List<Evicted> takeEvicted() {
    List<Evicted> out = List.copyOf(evicted);
    evicted.clear();
    return out;
  }

  /** Bytes held by incomplete snapshots. */
  public long pendingBytes() {
    return pendingBytes;
  }

  /** Whether chunks of this snapshot are held, waiting for the others. */
  public boolean isPending(SnapshotId id) {
    return pending.containsKey(id);
  }

  /** Number of incomplete snapshots. */
  public int pendingCount() {
    return pending.size();
  }

  private void evictUntilFree(long bytes) {
    Iterator<Map.Entry<SnapshotId, Pending>> it = pending.entrySet().iterator();
    while (pendingBytes + bytes > maxPendingBytes && it.hasNext()) {
      evict(it, it.next(), "evicted to stay within " + maxPendingBytes + " pending bytes");
    }
  }

  private void evict(
      Iterator<Map.Entry<SnapshotId, Pending>> it, Map.Entry<SnapshotId, Pending> e, String why) {
    Pending p = e.getValue();
    it.remove();
    pendingBytes -= p.bytes;
    evicted.add(new Evicted(e.getKey(), p.received, p.expected, why));
  }

  private static final class Pending {
    final WeightSnapshot first;
    final List<Integer> shape;
    final int expected;
    final long bytes;
    final float[] values;
    float[] mean;
    float[] variance;
    final boolean[] seen;
    final long[] offsets;
    final int[] lengths;
    int received;
    int withMean;
    int withVariance;
    WeightSnapshot header;

    Pending(WeightSnapshot first, int total, long bytes) {
      this.first = first;
      this.shape = first.getShapeList();
      this.expected = first.getChunkCount();
      this.bytes = bytes;
      this.values = new float[total];
      if (first.getGradientMeanCount() > 0) {
        mean = new float[total];
      }
      if (first.getGradientVarianceCount() > 0) {
        variance = new float[total];
      }
      seen = new boolean[expected];
      offsets = new long[expected];
      lengths = new int[expected];
    }

    /** Stores a chunk; returns a problem or null. */
    String accept(WeightSnapshot s) {
      if (s.getChunkCount() != expected) {
        return "chunk "
            + s.getChunkIndex()
            + " says chunk_count = "
            + s.getChunkCount()
            + " but an earlier chunk said "
            + expected;
      }
      if (!s.getShapeList().equals(shape)) {
        return "chunk "
            + s.getChunkIndex()
            + " has shape "
            + s.getShapeList()
            + " but an earlier chunk had "
            + shape;
      }
      int index = s.getChunkIndex();
      long offset = s.getChunkOffset();
      int n = s.getValuesCount();
      if (index < 0 || index >= expected || offset < 0 || offset + n > values.length) {
        return "chunk_index = "
            + index
            + ", chunk_offset = "
            + offset
            + ", "
            + n
            + " values do not fit shape "
            + shape;
      }
      if (seen[index]) {
        if (offsets[index] == offset && lengths[index] == n) {
          return null; // redelivered duplicate
        }
        return "chunk " + index + " arrived twice with different chunk_offset or length";
      }
      if (s.getGradientMeanCount() > 0 && mean == null
          || s.getGradientVarianceCount() > 0 && variance == null) {
        return "chunk "
            + index
            + " has gradient fields that chunk "
            + first.getChunkIndex()
            + " did not have";
      }
      int at = (int) offset;
      for (int i = 0; i < n; i++) {
        values[at + i] = s.getValues(i);
      }
      if (s.getGradientMeanCount() > 0) {
        withMean++;
        for (int i = 0; i < n; i++) {
          mean[at + i] = s.getGradientMean(i);
        }
      }
      if (s.getGradientVarianceCount() > 0) {
        withVariance++;
        for (int i = 0; i < n; i++) {
          variance[at + i] = s.getGradientVariance(i);
        }
      }
      if (index == 0) {
        header = s.toBuilder().clearValues().clearGradientMean().clearGradientVariance().build();
      }
      seen[index] = true;
      offsets[index] = offset;
      lengths[index] = n;
      received++;
      return null;
    }

    /** Once all chunks are in: do they tile [0, total) exactly? */
    String coverageProblem() {
      Integer[] order = new Integer[expected];
      for (int i = 0; i < expected; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Long.compare(offsets[a], offsets[b]));
      long next = 0;
      for (int i : order) {
        if (offsets[i] != next) {
          return "chunks overlap or leave a gap at flat index "
              + Math.min(next, offsets[i])
              + " (chunk "
              + i
              + " starts at "
              + offsets[i]
              + ")";
        }
        next += lengths[i];
      }
      if (next != values.length) {
        return "chunks cover " + next + " of the " + values.length + " elements of shape " + shape;
      }
      if (mean != null && withMean != expected || variance != null && withVariance != expected) {
        return "gradient fields present in some chunks but not all";
      }
      return null;
    }

    WeightSnapshot build() {
      WeightSnapshot.Builder b =
          header.toBuilder().clearChunkIndex().clearChunkCount().clearChunkOffset();
      for (float v : values) {
        b.addValues(v);
      }
      if (mean != null) {
        for (float v : mean) {
          b.addGradientMean(v);
        }
      }
      if (variance != null) {
        for (float v : variance) {
          b.addGradientVariance(v);
        }
      }
      return b.build();
    }
  }
}
