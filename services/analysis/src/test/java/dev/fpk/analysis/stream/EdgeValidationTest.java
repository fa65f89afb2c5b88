package dev.fpk.analysis.stream;

import static dev.fpk.analysis.stream.StageFixtures.count;
import static dev.fpk.analysis.stream.StageFixtures.message;
import static dev.fpk.analysis.stream.StageFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.SnapshotValidator;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.DeadLetter;
import dev.fpk.protocol.v1.WeightSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Validation at the edge: a valid record goes on with its snapshot, any other leaves as a dead
 * letter.
 */
class EdgeValidationTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final PipelineMetrics metrics = new PipelineMetrics();
  final EdgeValidation edge;

  EdgeValidationTest() {
    metrics.bindTo(registry);
    edge =
        new EdgeValidation(new SnapshotValidator(), metrics, LoggerFactory.getLogger(getClass()));
  }

  @Test
  void shouldPassAValidRecordOnWithItsSnapshotAndNothingToWrite() {
    WeightSnapshot s = snapshot("a", 1, 4);
    Element.InFlight f = edge.validate(message(3, 17, "r/a", s.toByteArray()));
    assertEquals(s, f.snapshot);
    assertTrue(f.out.isEmpty());
    assertEquals("r/a", f.key());
  }

  @Test
  void shouldRouteAnUnparseableRecordToTheDeadLetterTopicWithItsOriginAndBytes() {
    byte[] garbage = "not a snapshot".getBytes(StandardCharsets.UTF_8);
    Element.InFlight f = edge.validate(message(3, 17, "r/a", garbage));
    assertNull(f.snapshot);
    assertEquals(1, f.out.size());
    assertEquals(Topics.DEAD_LETTER, f.out.get(0).topic());
    assertEquals("r/a", f.out.get(0).key());
    DeadLetter letter = EstimatorStageTest.parse(f.out.get(0).value());
    assertEquals("unparseable", letter.getReason());
    assertEquals(Topics.SNAPSHOTS, letter.getSourceTopic());
    assertEquals(3, letter.getSourcePartition());
    assertEquals(17, letter.getSourceOffset());
    assertArrayEquals(garbage, letter.getPayload().toByteArray());
    assertEquals(1, count(registry, "fpk.snapshots.rejected", "reason", "unparseable"));
  }

  @Test
  void shouldRejectAValidSnapshotUnderAnotherSchemaHeader() {
    ConsumerRecord<String, byte[]> r =
        new ConsumerRecord<>(Topics.SNAPSHOTS, 0, 5, "r/a", snapshot("a", 0, 0).toByteArray());
    r.headers().add(Topics.SCHEMA_HEADER, "fpk.v2.WeightSnapshot".getBytes(StandardCharsets.UTF_8));
    Element.InFlight f = edge.validate(new CommittableMessage<>(r, null));
    assertNull(f.snapshot);
    assertEquals("unknown_version", EstimatorStageTest.parse(f.out.get(0).value()).getReason());
    assertEquals(1, count(registry, "fpk.snapshots.rejected", "reason", "unknown_version"));
  }
}
