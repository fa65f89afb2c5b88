package dev.fpk.protocol;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.Objects;

/**
 * One record of a replay file, accepted or rejected.
 *
 * @param ordinal 1-based line number (JSONL) or record number (PB)
 * @param snapshot the validated snapshot or why it was rejected
 * @param raw the record's bytes as read (the line without its line break, or the message bytes
 *     without the length prefix); empty when the record was too large to be read
 * @param location where it was read, e.g. {@code "run.jsonl:17"} or {@code "run.pb record 4 at byte
 *     1208"}, for messages
 */
public record ReplayItem(
    long ordinal, Validation<WeightSnapshot> snapshot, byte[] raw, String location) {

  public ReplayItem {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(location, "location");
  }

  public ReplayItem(long ordinal, Validation<WeightSnapshot> snapshot, byte[] raw) {
    this(ordinal, snapshot, raw, "record " + ordinal);
  }

  public boolean isAccepted() {
    return snapshot.isAccepted();
  }

  /**
   * One line for stderr: {@code "run.jsonl:17: non_finite: values[3] = NaN: ..."} or the location
   * and "ok".
   */
  public String describe() {
    return location
        + ": "
        + (snapshot instanceof Validation.Rejected<WeightSnapshot> r ? r.toString() : "ok");
  }
}
