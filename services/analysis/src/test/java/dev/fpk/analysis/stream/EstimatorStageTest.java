package dev.fpk.analysis.stream;

import static dev.fpk.analysis.stream.StageFixtures.barrier;
import static dev.fpk.analysis.stream.StageFixtures.batch;
import static dev.fpk.analysis.stream.StageFixtures.count;
import static dev.fpk.analysis.stream.StageFixtures.record;
import static dev.fpk.analysis.stream.StageFixtures.snapshot;
import static dev.fpk.analysis.stream.StageFixtures.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.EstimatorEntity.Outcome;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.protocol.RejectReason;
import dev.fpk.protocol.SnapshotValidator;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.Validation;
import dev.fpk.protocol.v1.DeadLetter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The estimator stage driven by hand: what it asks, in which order, and what it makes of the
 * replies.
 */
class EstimatorStageTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final PipelineMetrics metrics = new PipelineMetrics();
  final StageFixtures.Rewinds rewinds = new StageFixtures.Rewinds();

  EstimatorStageTest() {
    metrics.bindTo(registry);
  }

  EstimatorStage stage(StageFixtures.Estimators estimators) {
    return new EstimatorStage(
        estimators,
        rewinds,
        new EdgeValidation(new SnapshotValidator(), metrics, LoggerFactory.getLogger(getClass())),
        metrics);
  }

  /** Every snapshot accepted, nothing completed. */
  static EstimatorEntity.Observed accepted(StageFixtures.Estimators.Observe a) {
    int n = a.snapshots().size();
    return new EstimatorEntity.Observed(
        Collections.nCopies(n, Outcome.ACCEPTED),
        Collections.nCopies(n, null),
        List.of(),
        List.of());
  }

  @Test
  void shouldAskEachEstimatorOncePerStretchInRecordOrderAndCheckpointAtTheBarrierBetween() {
    StageFixtures.Estimators estimators =
        new StageFixtures.Estimators(EstimatorStageTest::accepted);
    Element.AtBarrier b = barrier("r/a", "r/b");
    Batch batch =
        batch(
            record(0, 10, snapshot("a", 0, 1)),
            record(1, 20, snapshot("b", 0, 1)),
            record(0, 11, snapshot("a", 1, 1)),
            b,
            record(0, 12, snapshot("a", 0, 2)));

    assertEquals(batch, stage(estimators).observe(batch).toCompletableFuture().join());

    List<Object> asks = estimators.asks;
    assertEquals(5, asks.size(), asks.toString());
    StageFixtures.Estimators.Observe a1 = (StageFixtures.Estimators.Observe) asks.get(0);
    assertEquals("r/a", a1.key());
    assertArrayEquals(
        new long[] {10, 11}, a1.offsets(), "both records of r/a before the barrier, in one ask");
    assertEquals(List.of(snapshot("a", 0, 1), snapshot("a", 1, 1)), a1.snapshots());
    assertEquals(-1, a1.previous(), "first ask of this stream");
    StageFixtures.Estimators.Observe b1 = (StageFixtures.Estimators.Observe) asks.get(1);
    assertEquals("r/b", b1.key());
    assertArrayEquals(new long[] {20}, b1.offsets());
    assertEquals(
        new StageFixtures.Estimators.TakeCheckpoint("r/a", 11),
        asks.get(2),
        "the barrier's asks follow the records before it, with the offset given last");
    assertEquals(new StageFixtures.Estimators.TakeCheckpoint("r/b", 20), asks.get(3));
    StageFixtures.Estimators.Observe a2 = (StageFixtures.Estimators.Observe) asks.get(4);
    assertArrayEquals(
        new long[] {12}, a2.offsets(), "the record after the barrier asks on its own");
    assertEquals(11, a2.previous());
    assertEquals(2, b.estimators.size(), "the barrier holds its estimators' states, in key order");
    assertEquals(3, count(registry, "fpk.snapshots.in", "run", "r", "layer", "a"));
  }

  @Test
  void shouldCountOutcomesRouteRejectsToTheDeadLetterTopicAndHandCompletedStepsToTheLastRecord() {
    List<StepEstimate> completed = List.of(step("a", 0));
    Validation.Rejected<?> shape =
        new Validation.Rejected<>(RejectReason.BAD_SHAPE, "shape = [2]: differs");
    StageFixtures.Estimators estimators =
        new StageFixtures.Estimators(
            a ->
                new EstimatorEntity.Observed(
                    List.of(Outcome.ACCEPTED, Outcome.REJECTED, Outcome.DUPLICATE, Outcome.SKIPPED),
                    new ArrayList<>(java.util.Arrays.asList(null, shape, null, null)),
                    completed,
                    List.of(1)));
    List<Element.InFlight> records =
        List.of(
            record(2, 40, snapshot("a", 0, 0)),
            record(2, 41, snapshot("a", 1, 0)),
            record(2, 42, snapshot("a", 1, 0)),
            record(2, 43, snapshot("a", 0, 0)));

    stage(estimators).observe(batch(records.toArray(Element[]::new))).toCompletableFuture().join();

    Element.InFlight rejected = records.get(1);
    assertNull(rejected.snapshot, "a rejected record goes no further");
    assertEquals(1, rejected.out.size());
    assertEquals(Topics.DEAD_LETTER, rejected.out.get(0).topic());
    assertEquals("r/a", rejected.out.get(0).key(), "keyed as the record was");
    DeadLetter letter = parse(rejected.out.get(0).value());
    assertEquals("bad_shape", letter.getReason());
    assertEquals(41, letter.getSourceOffset());
    assertEquals(2, letter.getSourcePartition());
    assertTrue(records.get(0).out.isEmpty() && records.get(2).out.isEmpty());
    assertEquals(List.of(), records.get(0).completed);
    assertEquals(
        completed, records.get(3).completed, "the steps go with the last record of the ask");
    assertEquals(1, count(registry, "fpk.snapshots.in", "run", "r", "layer", "a"));
    assertEquals(1, count(registry, "fpk.snapshots.duplicate", "run", "r", "layer", "a"));
    assertEquals(1, count(registry, "fpk.snapshots.replayed", "run", "r", "layer", "a"));
    assertEquals(1, count(registry, "fpk.snapshots.rejected", "reason", "bad_shape"));
    assertEquals(1, count(registry, "fpk.replicas.gone", "run", "r", "layer", "a"));
  }

  @Test
  void shouldRewindBothEntitiesAndFailWhenAnEstimatorLostRecords() {
    StageFixtures.Estimators estimators =
        new StageFixtures.Estimators(
            a ->
                new EstimatorEntity.Observed(
                    List.of(Outcome.LOST), Collections.nCopies(1, null), List.of(), List.of()));
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () ->
                stage(estimators)
                    .observe(batch(record(0, 7, snapshot("a", 0, 3))))
                    .toCompletableFuture()
                    .join());
    assertInstanceOf(AnalysisStream.EntityLostRecords.class, e.getCause());
    assertEquals(List.of("r/a"), rewinds.keys);
  }

  @Test
  void shouldRewindWhenAnEstimatorAskedAtABarrierLostRecords() {
    StageFixtures.Estimators estimators =
        new StageFixtures.Estimators(EstimatorStageTest::accepted);
    estimators.checkpoints =
        a ->
            new EstimatorEntity.Checkpoint(
                a.key().equals("r/b"), false, new byte[0], List.of(), List.of());
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () ->
                stage(estimators)
                    .observe(batch(barrier("r/a", "r/b")))
                    .toCompletableFuture()
                    .join());
    assertInstanceOf(AnalysisStream.EntityLostRecords.class, e.getCause());
    assertEquals(List.of("r/b"), rewinds.keys);
  }

  static DeadLetter parse(byte[] value) {
    try {
      return DeadLetter.parseFrom(value);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
