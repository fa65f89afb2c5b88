package dev.fpk.protocol;

import com.google.protobuf.ByteString;
import dev.fpk.protocol.v1.DeadLetter;
import java.util.Optional;

/**
 * Builds {@link DeadLetter}s for topic {@link Topics#DEAD_LETTER}. The dead letter's Kafka key is
 * the rejected record's original key (unchanged bytes); its value carries the reason, the detail,
 * where the record came from and the original value.
 */
public final class DeadLetters {
  private DeadLetters() {}

  /**
   * A dead letter stamped with the current wall-clock time.
   *
   * @param payload the original record value, unchanged (null is treated as empty)
   */
  public static DeadLetter of(
      RejectReason reason,
      String detail,
      String sourceTopic,
      int partition,
      long offset,
      byte[] payload) {
    return DeadLetter.newBuilder()
        .setReason(reason.wireName())
        .setDetail(detail)
        .setSourceTopic(sourceTopic == null ? "" : sourceTopic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setPayload(payload == null ? ByteString.EMPTY : ByteString.copyFrom(payload))
        .setTimeUnixMillis(System.currentTimeMillis())
        .build();
  }

  /** A dead letter for a rejection from {@link SnapshotValidator} or {@link ReplayFiles}. */
  public static DeadLetter of(
      Validation.Rejected<?> rejected,
      String sourceTopic,
      int partition,
      long offset,
      byte[] payload) {
    return of(rejected.reason(), rejected.detail(), sourceTopic, partition, offset, payload);
  }

  /** The reason of a dead letter, if it is one this version knows. */
  public static Optional<RejectReason> reasonOf(DeadLetter d) {
    return RejectReason.fromWireName(d.getReason());
  }
}
