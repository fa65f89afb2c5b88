package dev.fpk.estimator.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One checkpoint record of the checkpoint topic: the estimator and the solver state of one (run,
 * layer), taken at the same stream barrier so that they agree (a step the estimator has completed
 * is one the solver has advanced through). One record for both, so that no crash can leave one new
 * and the other old.
 *
 * <p>Record key {@code <consumer group>|<run>/<layer>} (the snapshot key, prefixed by the group
 * whose offsets the checkpoint goes with; a replay in a fresh group starts fresh). Record partition
 * = the snapshot key's partition (same partition count as the snapshot topic), so a restoring
 * entity reads one partition. Value: version (int 1), then each part length-prefixed. Each part
 * carries the snapshot-topic offset up to which it has applied records.
 *
 * @param estimator {@code EstimatorEntity} state (empty = none)
 * @param solver {@code SolverEntity} state (empty = none)
 */
public record EntityCheckpoint(byte[] estimator, byte[] solver) {
  static final int VERSION = 1;

  /** The record key of an entity's checkpoint in a consumer group. */
  public static String key(String group, String entityKey) {
    return group + "|" + entityKey;
  }

  public byte[] encode() {
    byte[] value = new byte[size()];
    int at = 0;
    for (byte[] part : segments()) {
      System.arraycopy(part, 0, value, at, part.length);
      at += part.length;
    }
    return value;
  }

  /**
   * The encoding as the arrays it is made of, in order, the parts not copied: what {@link
   * CheckpointChunks} cuts into records without joining a state of tens of MB first.
   */
  public List<byte[]> segments() {
    return List.of(
        ByteBuffer.allocate(8).putInt(VERSION).putInt(estimator.length).array(),
        estimator,
        ByteBuffer.allocate(4).putInt(solver.length).array(),
        solver);
  }

  public static EntityCheckpoint decode(byte[] value) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      int version = in.readInt();
      if (version != VERSION) {
        throw new IllegalArgumentException(
            "checkpoint version " + version + ": this fpk reads " + VERSION);
      }
      return new EntityCheckpoint(StateIo.readBytes(in), StateIo.readBytes(in));
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable checkpoint record: " + e.getMessage(), e);
    }
  }

  /** Size of the encoded record in bytes. */
  public int size() {
    return 12 + estimator.length + solver.length;
  }
}
