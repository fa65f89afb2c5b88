package dev.fpk.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The assembler answers every offer and tick exactly as {@link ReferenceStepAssembler} (its former
 * implementation) does, and writes the same checkpoints, on random feeds: replicas that deliver out
 * of order, repeat themselves, fall silent past the timeout and come back, a declared ensemble with
 * a replica that never speaks, or no declared size; a pending bound that forces steps out; shapes
 * that do not match; and a restore from the checkpoint half way. The snapshots' trainer times
 * follow the offers, as they do when the consumer keeps up: then silence is the wall clock's alone,
 * as it was (StepAssemblerTest has the backlog, where the trainers' times keep a replica read
 * late).
 */
class StepAssemblerReferenceTest {
  private static final long TIMEOUT = 500;

  @Test
  void shouldAnswerAsTheReferenceWithADeclaredEnsembleOfWhichOneReplicaNeverSpeaks()
      throws IOException {
    Map<StepAssembler.Outcome, Integer> seen = drive(new int[] {0, 1, 2, 3, 4, 6}, 8, 8, 11);
    assertTrue(
        seen.get(StepAssembler.Outcome.DUPLICATE) > 0
            && seen.get(StepAssembler.Outcome.LATE) > 0
            && seen.get(StepAssembler.Outcome.SHAPE_MISMATCH) > 0,
        "the feed should reach every outcome: " + seen);
  }

  @Test
  void shouldAnswerAsTheReferenceWithoutADeclaredSizeAndWithLargeReplicaIds() throws IOException {
    drive(new int[] {3, 200, 1000, 7}, 0, 4, 12);
  }

  @Test
  void shouldAnswerAsTheReferenceWithAFullDeclaredEnsembleAndARoomyPendingBound()
      throws IOException {
    drive(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 8, 256, 13);
  }

  /** Runs one random feed through both; returns how often each outcome came up. */
  private static Map<StepAssembler.Outcome, Integer> drive(
      int[] ids, int declared, int maxPending, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    StepAssembler fast = new StepAssembler(TIMEOUT, maxPending);
    ReferenceStepAssembler reference = new ReferenceStepAssembler(TIMEOUT, maxPending);
    Map<StepAssembler.Outcome, Integer> seen = new EnumMap<>(StepAssembler.Outcome.class);
    for (StepAssembler.Outcome o : StepAssembler.Outcome.values()) {
      seen.put(o, 0);
    }
    long[] next = new long[ids.length];
    long now = 0;
    int gone = 0;
    for (int i = 0; i < 6000; i++) {
      // mostly a few milliseconds apart; now and then a pause past the timeout
      now += random.nextDouble() < 0.003 ? TIMEOUT + random.nextInt(400) : random.nextInt(4);
      if (i == 3000) {
        assertArrayEquals(state(reference), state(fast), "checkpoint before the restore");
        fast = StepAssembler.readFrom(in(state(fast)), TIMEOUT, maxPending, now);
        reference = ReferenceStepAssembler.readFrom(in(state(reference)), TIMEOUT, maxPending, now);
      }
      if (random.nextDouble() < 0.05) {
        gone += compare(reference.tick(now), fast.tick(now), "tick " + i);
        continue;
      }
      // a replica that is silent for a while (sometimes past the timeout) skips its turns
      int r = random.nextInt(ids.length);
      if (r == 1 && (i / 700) % 2 == 1) {
        continue;
      }
      long step = next[r];
      double u = random.nextDouble();
      if (u < 0.05) {
        step = Math.max(0, step - 1 - random.nextInt(6)); // a repeat or a late one
      } else if (u < 0.15) {
        step = step + 1 + random.nextInt(3); // ahead of itself, out of order
      } else {
        next[r]++;
      }
      boolean wrongShape = i > 10 && random.nextDouble() < 0.01; // the first offers set the shape
      WeightSnapshot s = snapshot(ids[r], step, declared, wrongShape ? 3 : 2, now, random);
      ReferenceStepAssembler.Offer expected = reference.offer(s, now);
      StepAssembler.Offer actual = fast.offer(s, now);
      assertEquals(expected.outcome().name(), actual.outcome().name(), "offer " + i);
      seen.merge(actual.outcome(), 1, Integer::sum);
      gone += compare(expected, actual, "offer " + i);
      assertEquals(reference.watermark(), fast.watermark(), "offer " + i);
      assertEquals(reference.liveReplicas(), fast.liveReplicas(), "offer " + i);
      assertEquals(reference.pendingValues(), fast.pendingValues(), "offer " + i);
      for (int id : ids) {
        assertEquals(
            reference.latestStep(id), fast.latestStep(id), "offer " + i + ", replica " + id);
      }
      if (i % 500 == 0) {
        assertArrayEquals(state(reference), state(fast), "checkpoint at offer " + i);
      }
    }
    assertArrayEquals(state(reference), state(fast), "checkpoint at the end");
    assertTrue(fast.watermark() > 100, "steps should complete: watermark " + fast.watermark());
    assertTrue(gone >= 3, "replicas should be declared gone now and then: " + gone);
    return seen;
  }

  /** Asserts equal answers; returns how many replicas were declared gone. */
  private static int compare(
      ReferenceStepAssembler.Offer expected, StepAssembler.Offer actual, String when) {
    assertEquals(expected.gone(), actual.gone(), when + ": gone");
    assertEquals(expected.completed().size(), actual.completed().size(), when + ": completed");
    for (int k = 0; k < expected.completed().size(); k++) {
      EnsembleStep e = expected.completed().get(k);
      EnsembleStep a = actual.completed().get(k);
      assertEquals(e.toString(), a.toString(), when);
      assertArrayEquals(e.replicas(), a.replicas(), when + ": " + e);
      assertArrayEquals(e.values(), a.values(), when + ": " + e);
      assertArrayEquals(e.probeInputs(), a.probeInputs(), when + ": " + e);
      assertEquals(e.sourceTimeMillis(), a.sourceTimeMillis(), when + ": " + e);
      assertEquals(e.learningRate(), a.learningRate(), when + ": " + e);
      assertEquals(e.batchSize(), a.batchSize(), when + ": " + e);
    }
    return actual.gone().size();
  }

  private static WeightSnapshot snapshot(
      int replica, long step, int declared, int cols, long now, SplittableRandom random) {
    WeightSnapshot.Builder b =
        WeightSnapshot.newBuilder()
            .setRunId("r")
            .setLayer("l")
            .setReplica(replica)
            .setStep(step)
            .addShape(2)
            .addShape(cols)
            .setEnsembleSize(declared)
            .setLearningRate(0.01)
            .setBatchSize(8)
            // the trainer's clock runs with the offers (a thousand times faster, so two offers a
            // millisecond apart are far apart in its time): no backlog, so the trainers' times
            // never say that a replica silent on the wall clock is only read late
            .setTimeUnixMillis(1000 + now * 1000 + random.nextInt(5));
    for (int e = 0; e < 2 * cols; e++) {
      b.addValues((float) random.nextGaussian());
    }
    // probe inputs from most replicas only: some steps have them, some not
    if (replica % 3 != 2) {
      for (int p = 0; p < 2 * cols; p++) {
        b.addProbeInputs((float) random.nextGaussian());
      }
    }
    return b.build();
  }

  private static byte[] state(Object assembler) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (assembler instanceof StepAssembler a) {
        a.writeTo(out);
      } else {
        ((ReferenceStepAssembler) assembler).writeTo(out);
      }
    }
    return bytes.toByteArray();
  }

  private static DataInputStream in(byte[] state) {
    return new DataInputStream(new ByteArrayInputStream(state));
  }
}
