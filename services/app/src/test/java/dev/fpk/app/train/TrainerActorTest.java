package dev.fpk.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.trainer.TrainerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The trainer actor's protocol (Start, Stop, Resume) and its supervision, on real actors and real
 * streams into an in-memory sink (the snapshot topic's stand-in, read back by the same resume rule
 * the Kafka topic is read by).
 */
@Timeout(120)
class TrainerActorTest {
  private static final ActorTestKit KIT =
      ActorTestKit.create(
          "trainer-actor-test",
          ConfigFactory.parseString("pekko.actor.provider = local")
              .withFallback(ConfigFactory.load()));
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int REPLICAS = 3;
  private static final int EVERY = 5;
  private static final List<String> LAYERS = List.of("bottleneck", "enc2");
  private static final TrainerActor.Supervision TWO_RESTARTS =
      new TrainerActor.Supervision(2, Duration.ofMinutes(1));

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  /** The snapshot topic's stand-in: what reached it, and a sink that fails where told to. */
  private static final class Topic {
    final List<WeightSnapshot> received = new ArrayList<>();
    final AtomicInteger materialised = new AtomicInteger();
    final Predicate<WeightSnapshot> failAt;

    Topic(Predicate<WeightSnapshot> failAt) {
      this.failAt = failAt;
    }

    Topic() {
      this(s -> false);
    }

    Sink<WeightSnapshot, CompletionStage<Done>> sink() {
      return Flow.of(WeightSnapshot.class)
          .map(
              s -> {
                if (failAt.test(s)) {
                  throw new IllegalStateException("broker gone at step " + s.getStep());
                }
                return s;
              })
          .toMat(Sink.foreach(this::add), Keep.right())
          .mapMaterializedValue(
              done -> {
                materialised.incrementAndGet();
                return done;
              });
    }

    synchronized void add(WeightSnapshot s) {
      received.add(s);
    }

    synchronized List<WeightSnapshot> of(String runId) {
      return received.stream().filter(s -> s.getRunId().equals(runId)).toList();
    }

    /** The resume rule on what this topic holds. */
    TrainerActor.ResumeLookup lookup() {
      return run ->
          ResumePoint.of(
              run,
              layer ->
                  of(run.runId()).stream()
                      .filter(s -> s.getLayer().equals(layer))
                      .max(Comparator.comparingLong(WeightSnapshot::getStep)));
    }
  }

  private static RunSpec run(String id, long steps, long seed) {
    TrainerSettings settings =
        TrainerSettings.defaults().withReplicas(REPLICAS).withSeed(seed).withThreads(1);
    return new RunSpec(id, settings, LAYERS, EVERY, steps);
  }

  private static ActorRef<TrainerActor.Command> spawn(
      RunSpec run, TrainingProgress progress, Topic topic, TrainerActor.Supervision supervision) {
    return KIT.spawn(TrainerActor.create(run, progress, topic.sink(), topic.lookup(), supervision));
  }

  private static TrainerActor.Outcome success(TestProbe<StatusReply<TrainerActor.Outcome>> p) {
    StatusReply<TrainerActor.Outcome> r = p.expectMessageClass(StatusReply.class, WAIT);
    assertTrue(r.isSuccess(), () -> "expected an outcome, got " + r);
    return r.getValue();
  }

  /** Weights per (step, replica, layer): what must agree with an uninterrupted run. */
  private static Map<String, List<Float>> weights(List<WeightSnapshot> snapshots) {
    Map<String, List<Float>> out = new TreeMap<>();
    for (WeightSnapshot s : snapshots) {
      out.put(s.getStep() + "/" + s.getReplica() + "/" + s.getLayer(), s.getValuesList());
    }
    return out;
  }

  private static Map<String, List<Float>> uninterrupted(long steps) {
    Topic topic = new Topic();
    TestProbe<StatusReply<TrainerActor.Outcome>> probe = KIT.createTestProbe();
    spawn(run("whole", steps, 7), new TrainingProgress(), topic, TWO_RESTARTS)
        .tell(new TrainerActor.Start(0, probe.getRef()));
    success(probe);
    return weights(topic.of("whole"));
  }

  @Test
  void shouldTrainToTheLastStepPublishingEveryIntervalAndStopWhenStarted() {
    Topic topic = new Topic();
    TrainingProgress progress = new TrainingProgress();
    TestProbe<StatusReply<TrainerActor.Outcome>> probe = KIT.createTestProbe();
    ActorRef<TrainerActor.Command> actor =
        spawn(run("start", 20, 7), progress, topic, TWO_RESTARTS);
    actor.tell(new TrainerActor.Start(0, probe.getRef()));

    TrainerActor.Outcome o = success(probe);
    int expected = (20 / EVERY + 1) * REPLICAS * LAYERS.size();
    assertTrue(o.complete());
    assertEquals(20, o.step());
    assertEquals(expected, o.published());
    assertEquals(expected, topic.of("start").size());
    assertEquals(expected, weights(topic.of("start")).size(), "no (step, replica, layer) twice");
    assertTrue(topic.of("start").stream().allMatch(s -> s.getStep() % EVERY == 0));
    probe.expectTerminated(actor, WAIT); // done: the actor stops and closes its trainer
  }

  @Test
  void shouldStopAfterTheRoundInProgressWithEverythingItProducedSent() {
    Topic topic = new Topic();
    TrainingProgress progress = new TrainingProgress();
    TestProbe<StatusReply<TrainerActor.Outcome>> probe = KIT.createTestProbe();
    TestProbe<Done> stopped = KIT.createTestProbe();
    ActorRef<TrainerActor.Command> actor =
        spawn(run("stop", 1_000_000, 7), progress, topic, TWO_RESTARTS);
    actor.tell(new TrainerActor.Start(0, probe.getRef()));
    stopped.awaitAssert(
        WAIT,
        () -> {
          assertTrue(progress.step() >= 2 * EVERY);
          return null;
        });

    actor.tell(new TrainerActor.Stop(stopped.getRef()));
    stopped.expectMessage(WAIT, Done.done());
    TrainerActor.Outcome o = success(probe);
    assertFalse(o.complete());
    assertTrue(o.step() < 1_000_000, "stopped early: " + o.step());
    assertEquals(o.published(), topic.of("stop").size(), "all it produced was sent");
    assertEquals(
        o.step(), topic.of("stop").stream().mapToLong(WeightSnapshot::getStep).max().orElseThrow());
    probe.expectTerminated(actor, WAIT);
  }

  @Test
  void shouldResumeFromTheLastPublishedStepWithTheSnapshotsOfAnUninterruptedRun() {
    Topic topic = new Topic();
    TestProbe<StatusReply<TrainerActor.Outcome>> probe = KIT.createTestProbe();
    spawn(run("resumed", 10, 7), new TrainingProgress(), topic, TWO_RESTARTS)
        .tell(new TrainerActor.Start(0, probe.getRef()));
    success(probe);

    spawn(run("resumed", 20, 7), new TrainingProgress(), topic, TWO_RESTARTS)
        .tell(new TrainerActor.Resume(probe.getRef()));
    TrainerActor.Outcome o = success(probe);

    int perStep = REPLICAS * LAYERS.size();
    assertTrue(o.complete());
    assertEquals((20 - 10) / EVERY * perStep + perStep, o.published(), "from step 10 on, 10 again");
    assertEquals(
        (20 / EVERY + 2) * perStep,
        topic.of("resumed").size(),
        "step 10 published again after the resume, the rest once");
    assertEquals(uninterrupted(20), weights(topic.of("resumed")), "bit-identical weights");
  }

  @Test
  void shouldRefuseToResumeARunPublishedByAnotherConfiguration() {
    Topic topic = new Topic();
    TestProbe<StatusReply<TrainerActor.Outcome>> probe = KIT.createTestProbe();
    spawn(run("other", 10, 7), new TrainingProgress(), topic, TWO_RESTARTS)
        .tell(new TrainerActor.Start(0, probe.getRef()));
    success(probe);

    ActorRef<TrainerActor.Command> actor =
        spawn(run("other", 20, 8), new TrainingProgress(), topic, TWO_RESTARTS);
    actor.tell(new TrainerActor.Resume(probe.getRef()));
    StatusReply<TrainerActor.Outcome> r = probe.expectMessageClass(StatusReply.class, WAIT);
    assertTrue(r.isError());
    assertTrue(
        r.getError().getMessage().contains("cannot be resumed")
            && r.getError().getMessage().contains("seed 7"),
        r.getError().getMessage());
    probe.expectTerminated(actor, WAIT);
  }

  @Test
  void shouldRestartAFailedStreamFromTheLastPublishedStepAndEndAsAnUninterruptedRun() {
    AtomicInteger failures = new AtomicInteger(1);
    Topic topic = new Topic(s -> s.getStep() == 10 && failures.getAndDecrement() > 0);
    TestProbe<StatusReply<TrainerActor.Outcome>> probe = KIT.createTestProbe();
    spawn(run("restarted", 20, 7), new TrainingProgress(), topic, TWO_RESTARTS)
        .tell(new TrainerActor.Start(0, probe.getRef()));

    TrainerActor.Outcome o = success(probe);
    assertTrue(o.complete());
    assertEquals(2, topic.materialised.get(), "one restart");
    assertEquals(uninterrupted(20), weights(topic.of("restarted")), "every snapshot, same weights");
    long stepFive = topic.of("restarted").stream().filter(s -> s.getStep() == 5).count();
    assertEquals(
        2L * REPLICAS * LAYERS.size(), stepFive, "resumed at step 5, the last one published");
  }

  @Test
  void shouldStopAndReportTheFailureBeyondTheRestartLimit() {
    Topic topic = new Topic(s -> s.getStep() == 10);
    TestProbe<StatusReply<TrainerActor.Outcome>> probe = KIT.createTestProbe();
    ActorRef<TrainerActor.Command> actor =
        spawn(run("failing", 20, 7), new TrainingProgress(), topic, TWO_RESTARTS);
    actor.tell(new TrainerActor.Start(0, probe.getRef()));

    StatusReply<TrainerActor.Outcome> r = probe.expectMessageClass(StatusReply.class, WAIT);
    assertTrue(r.isError(), () -> "expected the failure, got " + r);
    assertTrue(
        r.getError().getMessage().contains("broker gone at step 10"), r.getError().getMessage());
    assertEquals(3, topic.materialised.get(), "the first attempt and two restarts");
    probe.expectTerminated(actor, WAIT);
  }

  @Test
  void shouldRefuseASecondStartWhileTraining() {
    Topic topic = new Topic();
    TrainingProgress progress = new TrainingProgress();
    TestProbe<StatusReply<TrainerActor.Outcome>> probe = KIT.createTestProbe();
    TestProbe<StatusReply<TrainerActor.Outcome>> second = KIT.createTestProbe();
    ActorRef<TrainerActor.Command> actor =
        spawn(run("busy", 1_000_000, 7), progress, topic, TWO_RESTARTS);
    actor.tell(new TrainerActor.Start(0, probe.getRef()));
    actor.tell(new TrainerActor.Start(0, second.getRef()));
    StatusReply<TrainerActor.Outcome> r = second.expectMessageClass(StatusReply.class, WAIT);
    assertTrue(r.isError() && r.getError().getMessage().contains("already training"), "" + r);
    actor.tell(new TrainerActor.Stop(KIT.<Done>createTestProbe().getRef()));
    assertFalse(success(probe).complete());
  }
}
