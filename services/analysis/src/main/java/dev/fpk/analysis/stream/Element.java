package dev.fpk.analysis.stream;

import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.jspecify.annotations.Nullable;

/**
 * What flows through the analysis stream: records, ticks of the barrier clock (dropped once seen),
 * and barriers. Records and barriers gather what they produce as they pass the stages; each is
 * touched by one stage at a time, in stream order.
 */
sealed interface Element permits Element.InFlight, Element.Tick, Element.AtBarrier {

  /** A tick of the barrier clock. */
  enum Tick implements Element {
    INSTANCE
  }

  /** A record on its way through the pipeline, gathering what it produces. */
  final class InFlight implements Element {
    final CommittableMessage<String, byte[]> message;
    final List<ProducerRecord<String, byte[]>> out = new ArrayList<>();

    /** The parsed snapshot; null once rejected (the dead letter is in {@link #out}). */
    @Nullable WeightSnapshot snapshot;

    /** The steps the estimator completed with this record, for the solver. */
    List<StepEstimate> completed = List.of();

    InFlight(CommittableMessage<String, byte[]> message) {
      this.message = message;
    }

    String key() {
      return SnapshotKey.of(snapshot.getRunId(), snapshot.getLayer());
    }
  }

  /** A barrier on its way, gathering the estimator checkpoints, then everything to write. */
  final class AtBarrier implements Element {
    final Barriers.Barrier<CommittableOffset> barrier;
    final List<ProducerRecord<String, byte[]>> out = new ArrayList<>();

    /** The estimators' replies, in the order of the barrier's keys. */
    List<EstimatorEntity.Checkpoint> estimators = List.of();

    AtBarrier(Barriers.Barrier<CommittableOffset> barrier) {
      this.barrier = barrier;
    }
  }
}
