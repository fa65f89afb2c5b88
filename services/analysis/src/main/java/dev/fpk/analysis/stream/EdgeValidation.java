package dev.fpk.analysis.stream;

import dev.fpk.protocol.DeadLetters;
import dev.fpk.protocol.SnapshotValidator;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.Validation;
import dev.fpk.protocol.v1.WeightSnapshot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.slf4j.Logger;

/**
 * The stream's edge: each record is parsed and checked ({@link SnapshotValidator}, with the schema
 * header when present) before anything is allocated from what it claims; a record that fails, or
 * that its estimator rejects later, leaves the stream as a dead letter ({@link Topics#DEAD_LETTER},
 * keyed as the record was) beside the outputs of the records around it, so it is committed with
 * them. Every reject is counted by reason and logged. Used by one stage at a time.
 */
final class EdgeValidation {
  private final SnapshotValidator validator;
  private final PipelineMetrics metrics;
  private final Logger log;

  EdgeValidation(SnapshotValidator validator, PipelineMetrics metrics, Logger log) {
    this.validator = validator;
    this.metrics = metrics;
    this.log = log;
  }

  /** The record on its way: with its snapshot if valid, else with its dead letter. */
  Element.InFlight validate(CommittableMessage<String, byte[]> message) {
    Element.InFlight f = new Element.InFlight(message);
    Header schema = message.record().headers().lastHeader(Topics.SCHEMA_HEADER);
    Validation<WeightSnapshot> v =
        validator.parse(message.record().value(), schema == null ? null : schema.value());
    if (v instanceof Validation.Accepted<WeightSnapshot> a) {
      f.snapshot = a.value();
    } else {
      reject(f, (Validation.Rejected<WeightSnapshot>) v);
    }
    return f;
  }

  /** Drops the record's snapshot and adds its dead letter to what it produces. */
  void reject(Element.InFlight f, Validation.Rejected<?> rejected) {
    ConsumerRecord<String, byte[]> r = f.message.record();
    metrics.rejected(rejected.reason());
    log.warn("rejected {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), rejected);
    f.out.add(
        new ProducerRecord<>(
            Topics.DEAD_LETTER,
            r.key(),
            DeadLetters.of(rejected, r.topic(), r.partition(), r.offset(), r.value())
                .toByteArray()));
    f.snapshot = null;
  }
}
