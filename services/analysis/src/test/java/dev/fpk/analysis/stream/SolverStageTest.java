package dev.fpk.analysis.stream;

import static dev.fpk.analysis.stream.StageFixtures.barrier;
import static dev.fpk.analysis.stream.StageFixtures.batch;
import static dev.fpk.analysis.stream.StageFixtures.record;
import static dev.fpk.analysis.stream.StageFixtures.snapshot;
import static dev.fpk.analysis.stream.StageFixtures.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.analysis.checkpoint.StoredChunks;
import dev.fpk.analysis.sharding.KafkaPartitionExtractor;
import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.estimator.checkpoint.CheckpointChunks;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.solver.EnsembleSolver;
import dev.fpk.solver.SolverEntity;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The solver stage driven by hand: the advances and checkpoints it asks for, and the records it
 * writes.
 */
class SolverStageTest {
  static final int PARTITIONS = 4;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final PipelineMetrics metrics = new PipelineMetrics();
  final StageFixtures.Rewinds rewinds = new StageFixtures.Rewinds();
  final byte[] solverState = {5, 6, 7};
  static final int CHUNK_BYTES = 1024;
  final StoredChunks storedChunks = new StoredChunks();

  /** Checkpoint epochs 1, 2, 3 ... */
  final AtomicLong epochs = new AtomicLong();

  SolverStageTest() {
    metrics.bindTo(registry);
  }

  SolverStage stage(StageFixtures.Solvers solvers) {
    return new SolverStage(
        solvers,
        rewinds,
        new CheckpointRecords(
            "g", PARTITIONS, CHUNK_BYTES, storedChunks, epochs::incrementAndGet, metrics),
        metrics);
  }

  /** The curves every other step (even ones), the alignment at each. */
  static SolverEntity.Advanced outputs(StageFixtures.Solvers.Advance a) {
    return new SolverEntity.Advanced(
        false,
        a.steps(),
        a.steps().stream()
            .map(
                s -> {
                  long n = s.step().step();
                  AlignmentUpdate alignment =
                      AlignmentUpdate.newBuilder()
                          .setRunId("r")
                          .setLayer(s.step().layer())
                          .setStep(n)
                          .build();
                  return n % 2 == 0
                      ? new EnsembleSolver.Output(
                          alignment,
                          DensityUpdate.newBuilder().setStep(n).build(),
                          DriftDiffusionEstimate.newBuilder().setStep(n).build())
                      : new EnsembleSolver.Output(alignment, null, null);
                })
            .toList());
  }

  StageFixtures.Solvers solvers() {
    return new StageFixtures.Solvers(
        SolverStageTest::outputs, a -> new SolverEntity.Checkpoint(false, solverState));
  }

  @Test
  void shouldAdvanceTheSolverThroughARecordsCompletedStepsAndWriteTheirOutputsWithIt() {
    StageFixtures.Solvers solvers = solvers();
    SolverStage stage = stage(solvers);
    Element.InFlight first = record(0, 1, snapshot("a", 1, 6));
    first.completed = List.of(step("a", 5), step("a", 6));
    Element.InFlight idle = record(0, 2, snapshot("a", 0, 7));
    Element.InFlight second = record(0, 3, snapshot("a", 1, 7));
    second.completed = List.of(step("a", 7));

    stage.solve(batch(first, idle)).toCompletableFuture().join();
    stage.solve(batch(second)).toCompletableFuture().join();

    assertEquals(
        List.of(
            new StageFixtures.Solvers.Advance("r/a", first.completed, -1),
            new StageFixtures.Solvers.Advance("r/a", second.completed, 6)),
        solvers.asks,
        "one ask per record with completed steps; previous = the last step given");
    assertEquals(
        List.of(Topics.ALIGNMENT, Topics.ESTIMATES, Topics.DENSITIES, Topics.ALIGNMENT),
        first.out.stream().map(ProducerRecord::topic).toList(),
        "step 5: alignment; step 6: curves, then alignment");
    assertTrue(first.out.stream().allMatch(r -> r.key().equals("r/a")));
    assertEquals(6, parseAlignment(first.out.get(3).value()).getStep());
    assertTrue(idle.out.isEmpty());
    assertEquals(
        List.of(Topics.ALIGNMENT), second.out.stream().map(ProducerRecord::topic).toList());
  }

  @Test
  void shouldCheckpointAChangedEntityAfterAdvancingThroughTheStepsItsTimerCompleted() {
    StageFixtures.Solvers solvers = solvers();
    Element.AtBarrier b = barrier("r/a", "r/b");
    byte[] estimatorState = {1, 2, 3, 4};
    List<StepEstimate> byTimer = List.of(step("a", 3));
    b.estimators =
        List.of(
            new EstimatorEntity.Checkpoint(false, true, estimatorState, byTimer, List.of()),
            new EstimatorEntity.Checkpoint(false, false, new byte[0], List.of(), List.of(0)));

    stage(solvers).solve(batch(b)).toCompletableFuture().join();

    assertEquals(
        List.of(
            new StageFixtures.Solvers.Advance("r/a", byTimer, -1),
            new StageFixtures.Solvers.TakeCheckpoint("r/a", 3)),
        solvers.asks,
        "nothing asked of the unchanged r/b");
    assertEquals(
        List.of(Topics.ALIGNMENT, Topics.CHECKPOINTS),
        b.out.stream().map(ProducerRecord::topic).toList());
    ProducerRecord<String, byte[]> checkpoint = b.out.get(1);
    assertEquals(EntityCheckpoint.key("g", "r/a"), checkpoint.key());
    assertEquals(KafkaPartitionExtractor.partitionOf("r/a", PARTITIONS), checkpoint.partition());
    EntityCheckpoint both = restore(b.out);
    assertArrayEquals(estimatorState, both.estimator());
    assertArrayEquals(solverState, both.solver());
    DistributionSummary sizes = registry.find("fpk.checkpoint.size").summary();
    assertEquals(1, sizes.count());
    assertEquals(both.size(), sizes.totalAmount());
    assertEquals(1, StageFixtures.count(registry, "fpk.replicas.gone", "run", "r", "layer", "b"));
  }

  @Test
  void shouldWriteALargeStateAsChunksThenItsManifestAndDeleteTheChunksItSupersedesAfterTheNext() {
    StageFixtures.Solvers solvers = solvers();
    SolverStage stage = stage(solvers);
    byte[] large = new byte[5 * CHUNK_BYTES];
    new java.util.Random(3).nextBytes(large);
    String recordKey = EntityCheckpoint.key("g", "r/a");
    List<List<ProducerRecord<String, byte[]>>> written = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Element.AtBarrier b = barrier("r/a");
      b.estimators =
          List.of(new EstimatorEntity.Checkpoint(false, true, large, List.of(), List.of()));
      stage.solve(batch(b)).toCompletableFuture().join();
      written.add(b.out);
    }
    List<ProducerRecord<String, byte[]>> first = written.get(0);
    List<ProducerRecord<String, byte[]>> second = written.get(1);
    // 5 KiB + 3 bytes of solver state + 16 bytes of framing: 6 chunks, the first in the manifest
    List<String> firstChunks =
        IntStream.rangeClosed(1, 5)
            .mapToObj(i -> CheckpointChunks.chunkKey(recordKey, 1, i))
            .toList();
    List<String> expected = new ArrayList<>(firstChunks);
    expected.add(recordKey);
    assertEquals(
        expected, first.stream().map(ProducerRecord::key).toList(), "chunks, manifest last");
    assertTrue(first.stream().allMatch(r -> r.topic().equals(Topics.CHECKPOINTS)));
    assertTrue(
        first.stream()
            .allMatch(
                r -> r.partition() == KafkaPartitionExtractor.partitionOf("r/a", PARTITIONS)));
    assertTrue(first.stream().allMatch(r -> r.value().length <= CHUNK_BYTES + 64));
    assertArrayEquals(large, restore(first).estimator());

    List<String> keys = second.stream().map(ProducerRecord::key).toList();
    assertEquals(recordKey, keys.get(5), "the second checkpoint's manifest after its chunks");
    assertEquals(
        firstChunks, keys.subList(6, keys.size()), "then the first one's chunks are deleted");
    assertTrue(second.subList(6, second.size()).stream().allMatch(r -> r.value() == null));
    List<ProducerRecord<String, byte[]>> topic = new ArrayList<>(first);
    topic.addAll(second);
    assertArrayEquals(large, restore(topic).estimator(), "the log holds the second whole");
    DistributionSummary records = registry.find("fpk.checkpoint.records").summary();
    assertEquals(12, records.totalAmount(), "6 records a checkpoint");
  }

  /** The checkpoint a compacted topic holding these records gives back (it must be whole). */
  static EntityCheckpoint restore(List<ProducerRecord<String, byte[]>> records) {
    Map<String, byte[]> latest = new HashMap<>();
    for (ProducerRecord<String, byte[]> r : records) {
      if (r.topic().equals(Topics.CHECKPOINTS)) {
        if (r.value() == null) {
          latest.remove(r.key());
        } else {
          latest.put(r.key(), r.value());
        }
      }
    }
    String recordKey = CheckpointChunks.owner(records.get(records.size() - 1).key());
    CheckpointChunks.Restored restored =
        CheckpointChunks.read(EntityCheckpoint.key("g", "r/a"), latest);
    assertEquals(EntityCheckpoint.key("g", "r/a"), recordKey);
    return assertInstanceOf(CheckpointChunks.Restored.Whole.class, restored).checkpoint();
  }

  @Test
  void shouldRewindBothEntitiesAndFailWhenASolverLostSteps() {
    StageFixtures.Solvers solvers =
        new StageFixtures.Solvers(
            a -> new SolverEntity.Advanced(true, List.of(), List.of()),
            a -> new SolverEntity.Checkpoint(false, solverState));
    Element.InFlight f = record(0, 1, snapshot("a", 1, 2));
    f.completed = List.of(step("a", 2));
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () -> stage(solvers).solve(batch(f)).toCompletableFuture().join());
    assertInstanceOf(AnalysisStream.EntityLostRecords.class, e.getCause());
    assertEquals(List.of("r/a"), rewinds.keys);
    assertTrue(f.out.isEmpty());
  }

  static AlignmentUpdate parseAlignment(byte[] value) {
    try {
      return AlignmentUpdate.parseFrom(value);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
