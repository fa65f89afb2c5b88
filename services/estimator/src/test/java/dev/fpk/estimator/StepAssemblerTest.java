package dev.fpk.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepAssemblerTest {
  private static final long TIMEOUT = 1_000;

  private static WeightSnapshot snap(int replica, long step, int ensemble, float... values) {
    return WeightSnapshot.newBuilder()
        .setRunId("r")
        .setLayer("l")
        .setReplica(replica)
        .setStep(step)
        .addShape(1)
        .addShape(values.length)
        .setEnsembleSize(ensemble)
        .addAllValues(java.util.Arrays.asList(box(values)))
        .build();
  }

  private static Float[] box(float[] xs) {
    Float[] out = new Float[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = xs[i];
    }
    return out;
  }

  @Test
  void shouldCompleteStepWhenEveryDeclaredReplicaHasReported() {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    assertTrue(a.offer(snap(1, 0, 2, 1f, 2f), 0).completed().isEmpty());
    List<EnsembleStep> done = a.offer(snap(0, 0, 2, 3f, 4f), 0).completed();
    assertEquals(1, done.size());
    EnsembleStep s = done.get(0);
    assertArrayEquals(new int[] {0, 1}, s.replicas());
    assertArrayEquals(new double[] {3, 1}, s.samples(0));
    assertEquals(0, a.watermark());
  }

  @Test
  void shouldWaitOneStepWhenEnsembleSizeIsUnknown() {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    assertTrue(a.offer(snap(0, 0, 0, 1f), 0).completed().isEmpty());
    assertTrue(a.offer(snap(1, 0, 0, 1f), 0).completed().isEmpty());
    List<EnsembleStep> done = a.offer(snap(0, 1, 0, 1f), 0).completed();
    assertEquals(1, done.size(), "step 0 completes once a replica has moved past it");
    assertEquals(2, done.get(0).size());
  }

  @Test
  void shouldDropDuplicateSnapshot() {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    assertEquals(StepAssembler.Outcome.ACCEPTED, a.offer(snap(0, 5, 2, 1f), 0).outcome());
    assertEquals(StepAssembler.Outcome.DUPLICATE, a.offer(snap(0, 5, 2, 1f), 0).outcome());
    a.offer(snap(1, 5, 2, 1f), 0);
    assertEquals(
        StepAssembler.Outcome.DUPLICATE,
        a.offer(snap(1, 5, 2, 1f), 0).outcome(),
        "after completion too");
  }

  @Test
  void shouldCountSnapshotBehindWatermarkAsLate() {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    a.offer(snap(0, 5, 2, 1f), 0);
    a.offer(snap(1, 5, 2, 1f), 0);
    assertEquals(StepAssembler.Outcome.LATE, a.offer(snap(1, 3, 2, 1f), 0).outcome());
  }

  @Test
  void shouldDeclareSilentReplicaGoneAndMoveOn() {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    a.offer(snap(0, 0, 2, 1f), 0);
    a.offer(snap(1, 0, 2, 2f), 0);
    a.offer(snap(0, 1, 2, 1f), 10);
    StepAssembler.Offer later = a.offer(snap(0, 2, 2, 1f), 10 + TIMEOUT + 1);
    assertEquals(List.of(1), later.gone());
    assertEquals(2, later.completed().size(), "steps 1 and 2 complete without replica 1");
    assertEquals(1, a.liveReplicas());
  }

  /** {@code snap(replica, step, 2, 1f)} taken by its trainer at {@code eventMillis}. */
  private static WeightSnapshot at(int replica, long step, long eventMillis) {
    return snap(replica, step, 2, 1f).toBuilder().setTimeUnixMillis(eventMillis).build();
  }

  @Test
  void shouldNotDeclareGoneAReplicaThatIsOnlyReadLate() {
    // a consumer far behind: each snapshot is read a timeout after the one before, so each
    // replica's next step comes two timeouts after its last; its trainer published both steps of
    // a pair 10 ms apart
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    long now = 0;
    int completed = 0;
    for (long step = 0; step < 20; step++) {
      for (int r = 0; r < 2; r++) {
        StepAssembler.Offer o = a.offer(at(r, step, 1_000_000 + 10 * step), now);
        assertEquals(List.of(), o.gone(), "step " + step + ", replica " + r);
        for (EnsembleStep done : o.completed()) {
          assertEquals(2, done.replicas().length, "step " + done.step() + " without a replica");
          completed++;
        }
        now += TIMEOUT;
      }
    }
    assertEquals(20, completed);
  }

  @Test
  void shouldDeclareGoneAReplicaWhoseTrainerStoppedWhileTheOthersGoOn() {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    a.offer(at(0, 0, 1_000_000), 0);
    a.offer(at(1, 0, 1_000_000), 0);
    List<Integer> gone = List.of();
    long step = 1;
    // replica 1's trainer stopped; replica 0's goes on, a tenth of the timeout per step
    for (; gone.isEmpty() && step < 100; step++) {
      gone = a.offer(at(0, step, 1_000_000 + step * TIMEOUT / 10), step * TIMEOUT / 10).gone();
    }
    assertEquals(List.of(1), gone);
    assertEquals(12, step, "gone once the trainer time passed the timeout, as the wall clock did");
  }

  @Test
  void shouldDeclareEveryReplicaGoneWhenTheFeedStopsThoughTheirTimesAgree() {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    a.offer(at(0, 0, 1_000_000), 0);
    a.offer(at(1, 0, 1_000_000), 0);
    assertEquals(List.of(), a.tick(TIMEOUT).gone());
    assertEquals(2, a.tick(TIMEOUT + 1).gone().size(), "no snapshot for a timeout: the run ended");
  }

  @Test
  void shouldWaitForEveryReplicaAgainWhenTheFeedResumesAfterAllFellSilent() throws Exception {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    for (int r = 0; r < 3; r++) {
      a.offer(probed(snap(r, 0, 3, 1f, 2f)), 0);
    }
    // the layer's partition goes unfed for longer than the timeout (shards moving): all declared
    // gone
    assertEquals(3, a.tick(TIMEOUT + 1).gone().size());
    assertResumesWithEveryReplica(a, TIMEOUT + 2);
    // the same from a checkpoint taken during the pause
    StepAssembler paused = new StepAssembler(TIMEOUT, 16);
    for (int r = 0; r < 3; r++) {
      paused.offer(probed(snap(r, 0, 3, 1f, 2f)), 0);
    }
    paused.tick(TIMEOUT + 1);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    paused.writeTo(new java.io.DataOutputStream(bytes));
    assertResumesWithEveryReplica(
        StepAssembler.readFrom(
            new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())),
            TIMEOUT,
            16,
            5 * TIMEOUT),
        5 * TIMEOUT);
  }

  @Test
  void shouldNotCompleteAStepWithTheReplicasItHasWhenAllFallSilent() {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    for (int r = 0; r < 3; r++) {
      a.offer(probed(snap(r, 0, 3, 1f, 2f)), 0);
    }
    a.offer(probed(snap(0, 1, 3, 1f, 2f)), 0);
    a.offer(probed(snap(1, 1, 3, 1f, 2f)), 0);
    // the feed pauses between replica 1's and replica 2's snapshot of step 1
    StepAssembler.Offer paused = a.tick(TIMEOUT + 1);
    assertEquals(3, paused.gone().size());
    assertTrue(
        paused.completed().isEmpty(), "step 1 waits for the feed, not completed without replica 2");
    StepAssembler.Offer resumed = a.offer(probed(snap(2, 1, 3, 1f, 2f)), TIMEOUT + 2);
    assertEquals(StepAssembler.Outcome.ACCEPTED, resumed.outcome(), "not late");
    assertEquals(1, resumed.completed().size());
    assertEquals(3, resumed.completed().get(0).size(), "step 1 with every replica");
  }

  /**
   * Step 1 of replicas 0-2 arrives at {@code now}: it completes once, with all three and their
   * probe inputs.
   */
  private static void assertResumesWithEveryReplica(StepAssembler a, long now) {
    assertTrue(
        a.offer(probed(snap(0, 1, 3, 1f, 2f)), now).completed().isEmpty(),
        "the first replica heard after the pause does not complete step 1 alone");
    assertEquals(
        StepAssembler.Outcome.ACCEPTED,
        a.offer(probed(snap(1, 1, 3, 1f, 2f)), now).outcome(),
        "not late");
    StepAssembler.Offer last = a.offer(probed(snap(2, 1, 3, 1f, 2f)), now);
    assertEquals(StepAssembler.Outcome.ACCEPTED, last.outcome(), "not late");
    assertEquals(1, last.completed().size());
    assertEquals(3, last.completed().get(0).size(), "step 1 with every replica");
    assertEquals(
        2, last.completed().get(0).probes(), "and so with probe inputs: its outputs are compared");
  }

  private static WeightSnapshot probed(WeightSnapshot s) {
    return s.toBuilder().addAllProbeInputs(List.of(0.25f, 0.5f, 0.75f, 1f)).build();
  }

  @Test
  void shouldCompleteOutOfOrderStepsInStepOrder() {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    a.offer(snap(0, 1, 2, 1f), 0);
    a.offer(snap(0, 0, 2, 1f), 0);
    a.offer(snap(1, 1, 2, 1f), 0);
    List<EnsembleStep> done = a.offer(snap(1, 0, 2, 1f), 0).completed();
    assertEquals(List.of(0L, 1L), done.stream().map(EnsembleStep::step).toList());
  }

  @Test
  void shouldRejectShapeThatDiffersFromTheFirst() {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    a.offer(snap(0, 0, 2, 1f, 2f), 0);
    assertEquals(StepAssembler.Outcome.SHAPE_MISMATCH, a.offer(snap(1, 0, 2, 1f), 0).outcome());
  }

  @Test
  void shouldBoundPendingSteps() {
    StepAssembler a = new StepAssembler(TIMEOUT, 4);
    int completed = 0;
    for (long step = 0; step < 10; step++) {
      completed += a.offer(snap(0, step, 2, 1f), 0).completed().size();
    }
    assertEquals(6, completed, "replica 1 never speaks: all but the last 4 steps are forced out");
  }

  @Test
  void shouldKeepEveryReplicasProbeInputsReplicaMajorOnlyWhenAllCarryAsMany() {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    a.offer(
        snap(1, 0, 2, 1f, 2f).toBuilder().addAllProbeInputs(List.of(5f, 6f, 7f, 8f)).build(), 0);
    EnsembleStep s =
        a.offer(
                snap(0, 0, 2, 3f, 4f).toBuilder()
                    .addAllProbeInputs(List.of(1f, 2f, 3f, 4f))
                    .build(),
                0)
            .completed()
            .get(0);
    assertArrayEquals(
        new float[] {1, 2, 3, 4, 5, 6, 7, 8},
        s.probeInputs(),
        "replica 0's [2 probes, 2 inputs] first");
    assertEquals(2, s.probes());
    a.offer(snap(1, 1, 2, 1f, 2f).toBuilder().addAllProbeInputs(List.of(5f, 6f)).build(), 0);
    EnsembleStep uneven =
        a.offer(
                snap(0, 1, 2, 3f, 4f).toBuilder()
                    .addAllProbeInputs(List.of(1f, 2f, 3f, 4f))
                    .build(),
                0)
            .completed()
            .get(0);
    assertEquals(0, uneven.probes(), "replicas with different probe counts: none kept");
  }
}
