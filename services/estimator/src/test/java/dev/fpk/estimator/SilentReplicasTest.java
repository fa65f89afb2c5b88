package dev.fpk.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One line per (run, layer) for the replicas a timeout declares gone, calm when the run simply
 * ended.
 */
class SilentReplicasTest {
  private static final long TIMEOUT = 1_000;
  private static final int R = 256;

  private static WeightSnapshot snap(int replica, long step) {
    return WeightSnapshot.newBuilder()
        .setRunId("run")
        .setLayer("layer")
        .setReplica(replica)
        .setStep(step)
        .addShape(1)
        .addShape(1)
        .setEnsembleSize(R)
        .addValues(replica)
        .build();
  }

  /**
   * Every replica gives steps 0..{@code last}; replicas from {@code stopAt} on stop one step early.
   */
  private static StepAssembler trained(long last, int stopAt) {
    StepAssembler a = new StepAssembler(TIMEOUT, 16);
    for (long step = 0; step <= last; step++) {
      for (int r = 0; r < R; r++) {
        if (r < stopAt || step < last) {
          a.offer(snap(r, step), 0);
        }
      }
    }
    return a;
  }

  @Test
  void shouldSayCalmlyInOneLineThatARunEndedWhenAllReplicasStoppedAtItsLastStep() {
    StepAssembler a = trained(300, R);
    List<Integer> gone = a.tick(TIMEOUT + 1).gone();
    assertEquals(R, gone.size());
    SilentReplicas.Line line = SilentReplicas.describe("run/layer", gone, a, TIMEOUT);
    assertFalse(line.warning(), line.text());
    assertEquals(
        "run/layer: all 256 replicas silent since step 300 for 1000 ms: the run ended (or paused) there",
        line.text());
  }

  @Test
  void shouldWarnInOneLineWhenSomeReplicasStoppedBeforeTheOthers() {
    StepAssembler a = trained(300, 250);
    // the six that stopped at step 299 time out while the others are still heard
    for (int r = 0; r < 250; r++) {
      a.offer(snap(r, 301), TIMEOUT);
    }
    List<Integer> gone = a.tick(TIMEOUT + 1).gone();
    assertEquals(List.of(250, 251, 252, 253, 254, 255), gone.stream().sorted().toList());
    SilentReplicas.Line line = SilentReplicas.describe("run/layer", gone, a, TIMEOUT);
    assertTrue(line.warning(), line.text());
    assertEquals(
        "run/layer: 6 replicas silent since step 299 for more than 1000 ms, declared gone"
            + " (replicas 250, 251, 252, 253, 254, 255); 250 live; the watermark moves on without them, now at step 301",
        line.text());
  }

  @Test
  void shouldWarnWhenReplicasFellSilentAtDifferentSteps() {
    StepAssembler a = trained(300, 100);
    List<Integer> gone = a.tick(TIMEOUT + 1).gone();
    SilentReplicas.Line line = SilentReplicas.describe("run/layer", gone, a, TIMEOUT);
    assertTrue(line.warning(), line.text());
    assertTrue(
        line.text()
            .startsWith(
                "run/layer: 256 replicas silent since steps 299-300 for more than 1000 ms,"
                    + " declared gone (replicas 0, 1, 2, 3, 4, 5, 6, 7, ...); 0 live"),
        line.text());
    // with none live the feed counts as paused: the incomplete step waits (StepAssembler), the line
    // says so
    assertTrue(
        line.text().endsWith("0 live; the feed paused: steps wait for them, watermark at step 299"),
        line.text());
  }
}
