package dev.fpk.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.fpk.estimator.checkpoint.CheckpointLoader;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
import dev.fpk.estimator.checkpoint.Feed;
import dev.fpk.protocol.Chunks;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class EstimatorEntityTest {
  static final ActorTestKit KIT = ActorTestKit.create();

  /** A system whose timers fire only when the test lets time pass. */
  static final ActorTestKit MANUAL =
      ActorTestKit.create("manual-time", ManualTime.config().withFallback(ConfigFactory.load()));

  static final EstimatorSettings SETTINGS =
      new EstimatorSettings(8, Double.POSITIVE_INFINITY, 5, 2000, 16);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
    MANUAL.shutdownTestKit();
  }

  static WeightSnapshot snapshot(int replica, long step, float value) {
    return WeightSnapshot.newBuilder()
        .setRunId("r")
        .setLayer("w")
        .setReplica(replica)
        .setStep(step)
        .setEnsembleSize(2)
        .addShape(1)
        .addValues(value)
        .build();
  }

  /** The stream the tests' commands come from, unless a test names another. */
  static final String STREAM = "node-a#1";

  static EstimatorEntity.Observed observe(
      ActorRef<EstimatorEntity.Command> e, WeightSnapshot s, long offset, long previous) {
    return observe(KIT, e, s, offset, new Feed(STREAM, previous));
  }

  static EstimatorEntity.Observed observe(
      ActorTestKit kit,
      ActorRef<EstimatorEntity.Command> e,
      WeightSnapshot s,
      long offset,
      Feed feed) {
    TestProbe<EstimatorEntity.Observed> probe = kit.createTestProbe();
    e.tell(EstimatorEntity.Observe.one(s, offset, feed, probe.getRef()));
    return probe.receiveMessage();
  }

  static EstimatorEntity.Checkpoint checkpoint(ActorRef<EstimatorEntity.Command> e, long previous) {
    return checkpoint(KIT, e, new Feed(STREAM, previous));
  }

  static EstimatorEntity.Checkpoint checkpoint(
      ActorTestKit kit, ActorRef<EstimatorEntity.Command> e, Feed feed) {
    TestProbe<EstimatorEntity.Checkpoint> probe = kit.createTestProbe();
    e.tell(new EstimatorEntity.TakeCheckpoint(feed, probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void shouldCompleteAStepOnTheTimerWhenAReplicaFallsSilentWithoutAnotherSnapshot() {
    // the entity's clock and its timer both move only when the test says so
    AtomicLong millis = new AtomicLong(1_000_000);
    ManualTime time = ManualTime.get(MANUAL.system());
    ActorRef<EstimatorEntity.Command> e =
        MANUAL.spawn(EstimatorEntity.create(SETTINGS, "r/w", CheckpointLoader.NONE, millis::get));
    observe(MANUAL, e, snapshot(0, 0, 0.1f), 0, new Feed(STREAM, -1));
    assertEquals(
        1,
        observe(MANUAL, e, snapshot(1, 0, 0.2f), 1, new Feed(STREAM, 0)).completed().size(),
        "step 0: both replicas");
    pass(time, millis, Duration.ofMillis(1200));
    EstimatorEntity.Observed waiting =
        observe(MANUAL, e, snapshot(0, 1, 0.15f), 2, new Feed(STREAM, 1));
    assertTrue(waiting.completed().isEmpty(), "step 1 waits for replica 1");
    // replica 1 silent 2.6 s (> 2 s timeout + a 0.5 s tick), replica 0 only 1.4 s
    pass(time, millis, Duration.ofMillis(1400));
    EstimatorEntity.Checkpoint c = checkpoint(MANUAL, e, new Feed(STREAM, 2));
    assertEquals(List.of(1), c.gone(), "replica 1 declared gone by the timer");
    assertEquals(1, c.completed().size());
    assertEquals(1, c.completed().get(0).step().step());
    assertArrayEquals(new int[] {0}, c.completed().get(0).step().replicas());
  }

  /**
   * Moves the entity's clock, then fires the timers due meanwhile (their ticks read the moved
   * clock).
   */
  static void pass(ManualTime time, AtomicLong millis, Duration d) {
    millis.addAndGet(d.toMillis());
    time.timePasses(d);
  }

  @Test
  void shouldSkipWhatItsCheckpointHoldsAndSayLostWhenItMissedARecord() {
    ActorRef<EstimatorEntity.Command> first =
        KIT.spawn(EstimatorEntity.create(SETTINGS, "r/w", CheckpointLoader.NONE));
    observe(first, snapshot(0, 0, 0.1f), 10, -1);
    observe(first, snapshot(1, 0, 0.2f), 11, 10);
    byte[] state = checkpoint(first, 11).state();
    CheckpointLoader loader =
        key ->
            CompletableFuture.completedFuture(
                Optional.of(new EntityCheckpoint(state, new byte[0])));

    ActorRef<EstimatorEntity.Command> restored =
        KIT.spawn(EstimatorEntity.create(SETTINGS, "r/w", loader));
    assertEquals(
        EstimatorEntity.Outcome.SKIPPED, observe(restored, snapshot(1, 0, 0.2f), 11, -1).outcome());
    assertEquals(
        EstimatorEntity.Outcome.LOST,
        observe(restored, snapshot(0, 2, 0.3f), 14, 13).outcome(),
        "the sender gave it offset 13, which it does not hold");
    assertEquals(
        EstimatorEntity.Outcome.ACCEPTED,
        observe(restored, snapshot(0, 1, 0.3f), 12, 11).outcome());
    assertTrue(checkpoint(restored, 13).lost());
  }

  /** Step {@code step} of a single run's 3x4 matrix, in chunks of 5 values (3 chunks). */
  static List<WeightSnapshot> chunked(long step) {
    WeightSnapshot.Builder b =
        WeightSnapshot.newBuilder()
            .setRunId("r")
            .setLayer("big")
            .setStep(step)
            .setEnsembleSize(1)
            .addShape(3)
            .addShape(4);
    for (int i = 0; i < 12; i++) {
      b.addValues(0.1f * i + 0.01f * step);
    }
    return Chunks.split(b.build(), 5);
  }

  @Test
  void shouldKeepTheChunksOfAMatrixCutByACheckpointSoThatItsStepCompletesAfterARestore() {
    ActorRef<EstimatorEntity.Command> first =
        KIT.spawn(EstimatorEntity.create(SETTINGS, "r/big", CheckpointLoader.NONE));
    long offset = 0;
    for (WeightSnapshot chunk : chunked(0)) {
      observe(first, chunk, offset, offset - 1);
      offset++;
    }
    List<WeightSnapshot> step1 = chunked(1);
    assertEquals(3, step1.size());
    observe(first, step1.get(0), 3, 2);
    assertEquals(
        EstimatorEntity.Outcome.CHUNK_PENDING, observe(first, step1.get(1), 4, 3).outcome());
    // the barrier falls between chunks 1 and 2 of step 1; the stream resumes after offset 4
    byte[] state = checkpoint(first, 4).state();
    ActorRef<EstimatorEntity.Command> restored =
        KIT.spawn(
            EstimatorEntity.create(
                SETTINGS,
                "r/big",
                key ->
                    CompletableFuture.completedFuture(
                        Optional.of(new EntityCheckpoint(state, new byte[0])))));
    EstimatorEntity.Observed last = observe(restored, step1.get(2), 5, -1);
    assertEquals(EstimatorEntity.Outcome.ACCEPTED, last.outcome(), "the matrix is whole again");
    assertEquals(1, last.completed().size());
    assertEquals(1, last.completed().get(0).step().step());
    assertEquals(12, last.completed().get(0).step().values().length);
    assertEquals(0.1f * 11 + 0.01f, last.completed().get(0).step().values()[11]);
  }

  /** A loader of the estimator state held in {@code stored} (null: no checkpoint). */
  static CheckpointLoader loaderOf(AtomicReference<byte[]> stored) {
    return key ->
        CompletableFuture.completedFuture(
            Optional.ofNullable(stored.get())
                .map(state -> new EntityCheckpoint(state, new byte[0])));
  }

  @Test
  void shouldReloadItsCheckpointWhenANewStreamMeetsItAheadOfTheCheckpoint() {
    AtomicReference<byte[]> stored = new AtomicReference<>();
    ActorRef<EstimatorEntity.Command> e =
        KIT.spawn(EstimatorEntity.create(SETTINGS, "r/w", loaderOf(stored)));
    observe(e, snapshot(0, 0, 0.1f), 10, -1);
    observe(e, snapshot(1, 0, 0.2f), 11, 10);
    stored.set(checkpoint(e, 11).state());
    // the stream goes on past the checkpoint, then fails before the outputs of step 1 are written
    observe(e, snapshot(0, 1, 0.3f), 12, 11);
    List<StepEstimate> lost = observe(e, snapshot(1, 1, 0.5f), 13, 12).completed();
    assertEquals(1, lost.size(), "step 1 completed under the failed stream");

    // a new stream resumes at the committed offset 12 and meets the entity for the first time
    assertEquals(
        EstimatorEntity.Outcome.ACCEPTED,
        observe(e, snapshot(0, 1, 0.3f), 12, -1).outcome(),
        "applied again from the checkpoint, not skipped");
    List<StepEstimate> again = observe(e, snapshot(1, 1, 0.5f), 13, 12).completed();
    assertEquals(1, again.size(), "step 1 completed again, so its outputs are produced again");
    assertEquals(lost.get(0).estimate(), again.get(0).estimate(), "the same estimate");
    stored.set(checkpoint(e, 13).state());
    assertEquals(
        EstimatorEntity.Outcome.SKIPPED,
        observe(e, snapshot(1, 1, 0.5f), 13, -1).outcome(),
        "what the newest checkpoint holds is skipped by the next stream");
  }

  /**
   * Two streams feed the entity in turn while a partition moves between nodes: stream B fed it,
   * lost the partition to stream A, which applied records and failed before their outputs were
   * written; B gets the partition back and meets the entity again with its own earlier offset. The
   * entity reloads its checkpoint first: a skip of what A applied would lose those outputs.
   */
  @Test
  void shouldReloadItsCheckpointWhenAnotherStreamFedItSinceItWasRestored() {
    AtomicReference<byte[]> stored = new AtomicReference<>();
    ActorRef<EstimatorEntity.Command> e =
        KIT.spawn(EstimatorEntity.create(SETTINGS, "r/w", loaderOf(stored)));
    String b = "node-b#7";
    observe(KIT, e, snapshot(0, 0, 0.1f), 10, new Feed(b, -1));
    observe(KIT, e, snapshot(1, 0, 0.2f), 11, new Feed(b, 10));
    stored.set(checkpoint(KIT, e, new Feed(b, 11)).state());
    // stream A (the partition's owner for a while) applies step 1 and fails before writing it
    observe(KIT, e, snapshot(0, 1, 0.3f), 12, new Feed(STREAM, -1));
    List<StepEstimate> lost =
        observe(KIT, e, snapshot(1, 1, 0.5f), 13, new Feed(STREAM, 12)).completed();
    assertEquals(1, lost.size(), "step 1 completed under stream A");

    // B resumes at the committed offset 12, its last offset given to the entity 11
    assertEquals(
        EstimatorEntity.Outcome.ACCEPTED,
        observe(KIT, e, snapshot(0, 1, 0.3f), 12, new Feed(b, 11)).outcome(),
        "applied again from the checkpoint, not skipped");
    List<StepEstimate> again =
        observe(KIT, e, snapshot(1, 1, 0.5f), 13, new Feed(b, 12)).completed();
    assertEquals(1, again.size(), "step 1 completed again, so its outputs are produced again");
    assertEquals(lost.get(0).estimate(), again.get(0).estimate(), "the same estimate");
    assertEquals(
        EstimatorEntity.Outcome.ACCEPTED,
        observe(KIT, e, snapshot(0, 2, 0.6f), 14, new Feed(b, 13)).outcome(),
        "the same stream goes on without a reload");
  }

  @Test
  void shouldApplyABatchInOrderAndAnswerEachSnapshotAsItsOwnCommandWould() {
    ActorRef<EstimatorEntity.Command> one =
        KIT.spawn(EstimatorEntity.create(SETTINGS, "r/w", CheckpointLoader.NONE));
    ActorRef<EstimatorEntity.Command> batched =
        KIT.spawn(EstimatorEntity.create(SETTINGS, "r/w", CheckpointLoader.NONE));
    List<WeightSnapshot> snapshots =
        List.of(
            snapshot(0, 0, 0.1f),
            snapshot(1, 0, 0.2f),
            snapshot(1, 0, 0.2f),
            snapshot(0, 1, 0.15f),
            snapshot(1, 1, 0.25f),
            snapshot(0, 0, 0.1f));
    List<EstimatorEntity.Outcome> singly = new java.util.ArrayList<>();
    List<StepEstimate> completedSingly = new java.util.ArrayList<>();
    for (int i = 0; i < snapshots.size(); i++) {
      EstimatorEntity.Observed o = observe(one, snapshots.get(i), 20 + i, i == 0 ? -1 : 19 + i);
      singly.add(o.outcome());
      completedSingly.addAll(o.completed());
    }
    TestProbe<EstimatorEntity.Observed> probe = KIT.createTestProbe();
    batched.tell(
        new EstimatorEntity.Observe(
            snapshots, new long[] {20, 21, 22, 23, 24, 25}, new Feed(STREAM, -1), probe.getRef()));
    EstimatorEntity.Observed all = probe.receiveMessage();
    assertEquals(
        List.of(
            EstimatorEntity.Outcome.ACCEPTED,
            EstimatorEntity.Outcome.ACCEPTED,
            EstimatorEntity.Outcome.DUPLICATE,
            EstimatorEntity.Outcome.ACCEPTED,
            EstimatorEntity.Outcome.ACCEPTED,
            EstimatorEntity.Outcome.DUPLICATE),
        all.outcomes());
    assertEquals(singly, all.outcomes(), "a batch answers as its snapshots one by one");
    assertEquals(
        completedSingly.stream().map(c -> c.step().step()).toList(),
        all.completed().stream().map(c -> c.step().step()).toList());
    assertEquals(
        completedSingly.get(1).estimate(),
        all.completed().get(1).estimate(),
        "same estimate bit for bit");
    assertArrayEquals(checkpoint(one, 25).state(), checkpoint(batched, 25).state(), "same state");

    batched.tell(
        new EstimatorEntity.Observe(
            List.of(snapshot(0, 2, 0.1f), snapshot(1, 2, 0.1f)),
            new long[] {31, 32},
            new Feed(STREAM, 30),
            probe.getRef()));
    EstimatorEntity.Observed lost = probe.receiveMessage();
    assertTrue(lost.lost());
    assertEquals(
        List.of(EstimatorEntity.Outcome.LOST, EstimatorEntity.Outcome.LOST),
        lost.outcomes(),
        "offset 30 was never given to it: none of the batch applied");
    EstimatorEntity.Checkpoint after = checkpoint(batched, 25);
    assertTrue(!after.lost() && !after.changed(), "nothing of the lost batch was applied");
  }

  @Test
  void shouldRefuseABatchWhoseOffsetsDoNotMatchItsSnapshots() {
    TestProbe<EstimatorEntity.Observed> probe = KIT.createTestProbe();
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () ->
                new EstimatorEntity.Observe(
                    List.of(snapshot(0, 0, 0.1f)),
                    new long[] {1, 2},
                    new Feed(STREAM, -1),
                    probe.getRef()));
    assertTrue(e.getMessage().contains("1 snapshots but 2 offsets"), e.getMessage());
  }

  @Test
  void shouldSerializeEveryMessageBetweenNodes() {
    SerializationTestKit serialization = new SerializationTestKit(KIT.system());
    TestProbe<EstimatorEntity.Observed> probe = KIT.createTestProbe();
    ActorRef<EstimatorEntity.Command> e =
        KIT.spawn(EstimatorEntity.create(SETTINGS, "r/w", CheckpointLoader.NONE));
    observe(e, snapshot(0, 0, 0.1f), 0, -1);
    EstimatorEntity.Observed observed = observe(e, snapshot(1, 0, 0.2f), 1, 0);
    EstimatorEntity.Observed back =
        (EstimatorEntity.Observed) serialization.verifySerialization(observed, false);
    assertEquals(
        observed.completed().get(0).estimate(),
        back.completed().get(0).estimate(),
        "protobuf field as bytes");
    assertArrayEquals(
        observed.completed().get(0).step().values(), back.completed().get(0).step().values());
    // a step with probe inputs keeps them: a solver on another node compares outputs with them
    observe(
        e,
        snapshot(0, 1, 0.3f).toBuilder().addProbeInputs(0.25f).addProbeInputs(0.5f).build(),
        2,
        1);
    EstimatorEntity.Observed probed =
        observe(
            e,
            snapshot(1, 1, 0.4f).toBuilder().addProbeInputs(0.75f).addProbeInputs(1f).build(),
            3,
            2);
    EnsembleStep step = probed.completed().get(0).step();
    assertEquals(2, step.probes());
    EnsembleStep stepBack =
        ((EstimatorEntity.Observed) serialization.verifySerialization(probed, false))
            .completed()
            .get(0)
            .step();
    assertArrayEquals(step.probeInputs(), stepBack.probeInputs(), "probe inputs between nodes");
    serialization.verifySerialization(
        EstimatorEntity.Observe.one(snapshot(0, 1, 0.5f), 3, new Feed(STREAM, 2), probe.getRef()),
        false);
    EstimatorEntity.Checkpoint c = checkpoint(e, 3);
    EstimatorEntity.Checkpoint cBack =
        (EstimatorEntity.Checkpoint) serialization.verifySerialization(c, false);
    assertArrayEquals(c.state(), cBack.state());
    serialization.verifySerialization(EstimatorEntity.Reload.INSTANCE, true);
    assertTrue(
        Duration.ofMillis(SETTINGS.replicaTimeoutMillis())
                .compareTo(EstimatorEntity.tickInterval(SETTINGS))
            > 0);
  }

  /** Replica r's 2x3 matrix at {@code step} of layer {@code layer} of run r. */
  static WeightSnapshot matrix(String layer, int replica, long step) {
    WeightSnapshot.Builder b =
        WeightSnapshot.newBuilder()
            .setRunId("r")
            .setLayer(layer)
            .setReplica(replica)
            .setStep(step)
            .setEnsembleSize(2)
            .addShape(2)
            .addShape(3);
    for (int e = 0; e < 6; e++) {
      b.addValues(0.1f * e + 0.01f * replica + 0.001f * step * (e + 1));
    }
    return b.build();
  }

  @Test
  void shouldEstimateTheEntriesItsLayersPatternChoosesAndStartThemAfreshUnderAnother() {
    EstimatorSettings stride =
        SETTINGS.withEntries(EntrySelections.parse("fc*=stride:2;other=rows:1", "test"));
    ActorRef<EstimatorEntity.Command> first =
        KIT.spawn(EstimatorEntity.create(stride, "r/fc1", CheckpointLoader.NONE));
    observe(first, matrix("fc1", 0, 0), 0, -1);
    EstimatorEntity.Observed done = observe(first, matrix("fc1", 1, 0), 1, 0);
    assertEquals(1, done.completed().size());
    var estimate = done.completed().get(0).estimate();
    assertEquals("stride:2", estimate.getWatchedEntries());
    assertEquals(List.of(2, 3), estimate.getShapeList());
    assertEquals(3, estimate.getEntriesCount(), "entries 0, 2 and 4 of 6");
    assertEquals(List.of(0, 2), estimate.getEntries(1).getIndexList(), "row-major entry 2");
    observe(first, matrix("fc1", 0, 1), 2, 1);
    observe(first, matrix("fc1", 1, 1), 3, 2);
    byte[] state = checkpoint(first, 3).state();
    CheckpointLoader loader =
        key ->
            CompletableFuture.completedFuture(
                Optional.of(new EntityCheckpoint(state, new byte[0])));

    // restarted with every entry watched: the sums start afresh, the offsets it holds stay held
    ActorRef<EstimatorEntity.Command> restored =
        KIT.spawn(EstimatorEntity.create(SETTINGS, "r/fc1", loader));
    assertEquals(
        EstimatorEntity.Outcome.SKIPPED, observe(restored, matrix("fc1", 1, 1), 3, -1).outcome());
    observe(restored, matrix("fc1", 0, 2), 4, 3);
    EstimatorEntity.Observed after = observe(restored, matrix("fc1", 1, 2), 5, 4);
    var fresh = after.completed().get(0).estimate();
    assertEquals("all", fresh.getWatchedEntries());
    assertEquals(6, fresh.getEntriesCount());
    assertEquals(
        0,
        fresh.getEntries(0).getCountList().stream().mapToDouble(Double::doubleValue).sum(),
        "no increments yet: the estimate starts at step 2");
  }
}
