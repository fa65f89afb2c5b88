package dev.fpk.estimator;

import dev.fpk.estimator.checkpoint.StateIo;
import dev.fpk.protocol.ChunkAssembler;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chunk reassembly of an estimator entity, with the chunks of its incomplete snapshots kept as
 * they came so that they go into the entity's checkpoint. They must: a checkpoint covers the
 * snapshot offsets up to its barrier and the stream resumes after them, so chunks of a matrix cut
 * by a barrier that were not in the checkpoint would never come again, and that step would never
 * complete after a restart (a 2048x2048 matrix is 19 chunks; a node killed between two of them lost
 * its step). Restoring adds the kept chunks to a fresh assembler in the order they came. Not
 * thread-safe: one per entity.
 */
final class PendingChunks {
  private final long maxPendingBytes;
  private ChunkAssembler assembler;

  /** The chunks of each incomplete snapshot, in arrival order (a redelivered one twice). */
  private final Map<ChunkAssembler.SnapshotId, List<WeightSnapshot>> kept = new LinkedHashMap<>();

  PendingChunks(long maxPendingBytes) {
    this.maxPendingBytes = maxPendingBytes;
    this.assembler = new ChunkAssembler(maxPendingBytes);
  }

  /** {@link ChunkAssembler#add}, keeping the chunk while its snapshot is incomplete. */
  ChunkAssembler.Outcome add(WeightSnapshot s) {
    ChunkAssembler.Outcome outcome = assembler.add(s);
    if (s.getChunkCount() > 1) {
      ChunkAssembler.SnapshotId id = ChunkAssembler.SnapshotId.of(s);
      if (outcome instanceof ChunkAssembler.Outcome.Pending) {
        kept.computeIfAbsent(id, k -> new ArrayList<>()).add(s);
      } else if (!assembler.isPending(id)) {
        kept.remove(id); // complete, or dropped whole by the assembler as inconsistent
      }
    }
    for (ChunkAssembler.Evicted e : assembler.takeEvicted()) {
      kept.remove(e.id());
    }
    return outcome;
  }

  /** Writes the kept chunks: their count, then each as its message. */
  void writeTo(DataOutput out) throws IOException {
    List<WeightSnapshot> all = new ArrayList<>();
    kept.values().forEach(all::addAll);
    out.writeInt(all.size());
    for (WeightSnapshot s : all) {
      StateIo.writeMessage(out, s);
    }
  }

  /** Replaces the state with what {@link #writeTo} wrote: the kept chunks, added again. */
  void readFrom(DataInput in) throws IOException {
    assembler = new ChunkAssembler(maxPendingBytes);
    kept.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      add(StateIo.readMessage(in, WeightSnapshot.parser()));
    }
  }
}
