package dev.fpk.protocol;

import java.util.Optional;

/**
 * Why an input record was rejected. {@link #wireName()} is stable: it is the {@code reason} of a
 * {@link dev.fpk.protocol.v1.DeadLetter}, a metric tag and a key of replay reports. New reasons may
 * be added; existing names never change.
 */
public enum RejectReason {
  /** The bytes are not a {@code WeightSnapshot} (protobuf or JSON syntax error, bad framing). */
  UNPARSEABLE("unparseable"),
  /** The record, a length prefix, or the number of values exceeds the configured {@link Limits}. */
  TOO_LARGE("too_large"),
  /** Empty shape, a dimension {@literal <= 0}, or a field whose length does not fit the shape. */
  BAD_SHAPE("bad_shape"),
  /** NaN or infinite entry in values, probe_inputs, gradient_mean or gradient_variance. */
  NON_FINITE("non_finite"),
  /** step {@literal < 0}. */
  NEGATIVE_STEP("negative_step"),
  /** replica {@literal < 0}. */
  NEGATIVE_REPLICA("negative_replica"),
  /** ensemble_size {@literal < 0}, or replica {@literal >=} a positive ensemble_size. */
  BAD_REPLICA("bad_replica"),
  /** run_id or layer empty, too long, or containing a control character. */
  BAD_ID("bad_id"),
  /** Inconsistent chunk fields, or chunks that do not reassemble into one matrix. */
  BAD_CHUNK("bad_chunk"),
  /** Chunks of one snapshot that never completed (evicted by the assembler's memory bound). */
  INCOMPLETE_CHUNKS("incomplete_chunks"),
  /** A replay file ends in the middle of a record. */
  TRUNCATED("truncated"),
  /** The record's {@link Topics#SCHEMA_HEADER} names a message type this reader does not know. */
  UNKNOWN_VERSION("unknown_version");

  private final String wireName;

  RejectReason(String wireName) {
    this.wireName = wireName;
  }

  /** Stable lower-case name, e.g. {@code "non_finite"}. */
  public String wireName() {
    return wireName;
  }

  /** The reason with this wire name, if any. */
  public static Optional<RejectReason> fromWireName(String name) {
    for (RejectReason r : values()) {
      if (r.wireName.equals(name)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
