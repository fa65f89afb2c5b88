package dev.fpk.analysis.checkpoint;

/** What the checkpoint loader counts: checkpoints restored, and those found unusable. */
public interface RestoreMeters {
  /** A checkpoint read whole from {@code records} records (chunks and manifest), of this size. */
  void checkpointRestored(int records, long bytes);

  /** A checkpoint found incomplete or corrupt: its entity started from scratch. */
  void checkpointUnrestorable();
}
