package dev.fpk.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.estimator.checkpoint.CheckpointLoader;
import dev.fpk.estimator.checkpoint.EntityCheckpoint;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class EstimatorEntityTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final EstimatorSettings SETTINGS = new EstimatorSettings(8, Double.POSITIVE_INFINITY, 5, 2000, 16);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  static WeightSnapshot snapshot(int replica, long step, float value) {
    return WeightSnapshot.newBuilder().setRunId("r").setLayer("w").setReplica(replica).setStep(step).setEnsembleSize(2)
        .addShape(1).addValues(value).build();
  }

  static EstimatorEntity.Observed observe(ActorRef<EstimatorEntity.Command> e, WeightSnapshot s, long offset, long previous) {
    TestProbe<EstimatorEntity.Observed> probe = KIT.createTestProbe();
    e.tell(new EstimatorEntity.Observe(s, offset, previous, probe.getRef()));
    return probe.receiveMessage();
  }

  static EstimatorEntity.Checkpoint checkpoint(ActorRef<EstimatorEntity.Command> e, long previous) {
    TestProbe<EstimatorEntity.Checkpoint> probe = KIT.createTestProbe();
    e.tell(new EstimatorEntity.TakeCheckpoint(1 << 20, previous, probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void shouldCompleteAStepOnTheTimerWhenAReplicaFallsSilentWithoutAnotherSnapshot() throws Exception {
    ActorRef<EstimatorEntity.Command> e = KIT.spawn(EstimatorEntity.create(SETTINGS, "r/w", CheckpointLoader.NONE));
    observe(e, snapshot(0, 0, 0.1f), 0, -1);
    assertEquals(1, observe(e, snapshot(1, 0, 0.2f), 1, 0).completed().size(), "step 0: both replicas");
    Thread.sleep(1200);
    EstimatorEntity.Observed waiting = observe(e, snapshot(0, 1, 0.15f), 2, 1);
    assertTrue(waiting.completed().isEmpty(), "step 1 waits for replica 1");
    // replica 1 silent 2.6 s (> 2 s timeout + a 0.5 s tick), replica 0 only 1.4 s
    Thread.sleep(1400);
    EstimatorEntity.Checkpoint c = checkpoint(e, 2);
    assertEquals(List.of(1), c.gone(), "replica 1 declared gone by the timer");
    assertEquals(1, c.completed().size());
    assertEquals(1, c.completed().get(0).step().step());
    assertArrayEquals(new int[] {0}, c.completed().get(0).step().replicas());
  }

  @Test
  void shouldSkipWhatItsCheckpointHoldsAndSayLostWhenItMissedARecord() {
    ActorRef<EstimatorEntity.Command> first = KIT.spawn(EstimatorEntity.create(SETTINGS, "r/w", CheckpointLoader.NONE));
    observe(first, snapshot(0, 0, 0.1f), 10, -1);
    observe(first, snapshot(1, 0, 0.2f), 11, 10);
    byte[] state = checkpoint(first, 11).state();
    CheckpointLoader loader = key -> CompletableFuture.completedFuture(Optional.of(new EntityCheckpoint(state, new byte[0])));

    ActorRef<EstimatorEntity.Command> restored = KIT.spawn(EstimatorEntity.create(SETTINGS, "r/w", loader));
    assertEquals(EstimatorEntity.Outcome.SKIPPED, observe(restored, snapshot(1, 0, 0.2f), 11, -1).outcome());
    assertEquals(EstimatorEntity.Outcome.LOST, observe(restored, snapshot(0, 2, 0.3f), 14, 13).outcome(),
        "the sender gave it offset 13, which it does not hold");
    assertEquals(EstimatorEntity.Outcome.ACCEPTED, observe(restored, snapshot(0, 1, 0.3f), 12, 11).outcome());
    assertTrue(checkpoint(restored, 13).lost());
  }

  @Test
  void shouldSerializeEveryMessageBetweenNodes() {
    SerializationTestKit serialization = new SerializationTestKit(KIT.system());
    TestProbe<EstimatorEntity.Observed> probe = KIT.createTestProbe();
    ActorRef<EstimatorEntity.Command> e = KIT.spawn(EstimatorEntity.create(SETTINGS, "r/w", CheckpointLoader.NONE));
    observe(e, snapshot(0, 0, 0.1f), 0, -1);
    EstimatorEntity.Observed observed = observe(e, snapshot(1, 0, 0.2f), 1, 0);
    EstimatorEntity.Observed back = (EstimatorEntity.Observed) serialization.verifySerialization(observed, false);
    assertEquals(observed.completed().get(0).estimate(), back.completed().get(0).estimate(), "protobuf field as bytes");
    assertArrayEquals(observed.completed().get(0).step().values(), back.completed().get(0).step().values());
    serialization.verifySerialization(new EstimatorEntity.Observe(snapshot(0, 1, 0.5f), 3, 2, probe.getRef()), true);
    EstimatorEntity.Checkpoint c = checkpoint(e, 1);
    EstimatorEntity.Checkpoint cBack = (EstimatorEntity.Checkpoint) serialization.verifySerialization(c, false);
    assertArrayEquals(c.state(), cBack.state());
    serialization.verifySerialization(EstimatorEntity.Reload.INSTANCE, true);
    assertTrue(Duration.ofMillis(SETTINGS.replicaTimeoutMillis()).compareTo(EstimatorEntity.tickInterval(SETTINGS)) > 0);
  }
}
