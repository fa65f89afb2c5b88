package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.app.node.AnalysisNode;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.JointAlignment;
import dev.fpk.protocol.v1.OutputComparison;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The joint 4-D model of a 2x2 layer through the real pipeline (embedded broker, analysis node):
 * every step's alignment carries {@code joint} and an output comparison with model "joint", and a
 * run whose node is stopped mid-stream and replaced (restoring the solver entity, joint state
 * included, from its checkpoint) publishes the same joint figures as an uninterrupted run.
 */
@Timeout(240)
class JointModelIT {
  static final int REPLICAS = 64;
  static final int STEPS = 120;
  static final int PROBES = 2;

  /**
   * A 2x2 OU ensemble with probe inputs h (2 per replica, 2 features), the same data for any run
   * id.
   */
  private static List<WeightSnapshot> run(String runId) {
    OuEnsemble ou =
        new OuEnsemble(
            runId,
            "bottleneck",
            new int[] {2, 2},
            new double[] {0.02, 0.04, 0.03, 0.05},
            new double[] {0.1, -0.1, 0.2, 0.0},
            1e-4,
            REPLICAS,
            0.3,
            0.05,
            17);
    List<WeightSnapshot> out = new ArrayList<>();
    for (int step = 0; step <= STEPS; step++) {
      for (WeightSnapshot s : ou.snapshots()) {
        WeightSnapshot.Builder b = s.toBuilder();
        for (int i = 0; i < PROBES * 2; i++) {
          b.addProbeInputs(0.5f + (float) (((s.getReplica() * PROBES * 2 + i) * 0.618034) % 1.0));
        }
        out.add(b.build());
      }
      ou.advance();
    }
    return out;
  }

  @Test
  void shouldPublishTheJointModelEveryStepAndTheSameFiguresAfterARestart() throws Exception {
    String bootstrap = TestKafka.bootstrap();
    String id = UUID.randomUUID().toString();
    Duration wait = Duration.ofSeconds(120);

    String reference = "joint-ref-" + id;
    String groupRef = "it-joint-ref-" + id;
    Streaming.startGroupAtEnd(bootstrap, groupRef);
    Map<TopicPartition, Long> startRef = Streaming.snapshotEnds(bootstrap);
    Map<TopicPartition, Long> endRef = Streaming.publish(bootstrap, run(reference));
    try (AnalysisNode node = Streaming.start(bootstrap, Streaming.nodeConfig(groupRef, Map.of()))) {
      Streaming.awaitCommitted(bootstrap, groupRef, startRef, endRef, 1.0, wait);
    }

    String cut = "joint-cut-" + id;
    String groupCut = "it-joint-cut-" + id;
    Streaming.startGroupAtEnd(bootstrap, groupCut);
    Map<TopicPartition, Long> startCut = Streaming.snapshotEnds(bootstrap);
    List<WeightSnapshot> data = run(cut);
    Map<TopicPartition, Long> endCut = Streaming.endsAfter(startCut, data);
    // the first node sees the first 60% arrive step by step and is stopped mid-stream; the rest is
    // published only after it stopped, so the cut falls inside the run however fast the analysis is
    List<WeightSnapshot> early = data.subList(0, data.size() * 3 / 5);
    AnalysisNode first = Streaming.start(bootstrap, Streaming.nodeConfig(groupCut, Map.of()));
    CompletableFuture<Map<TopicPartition, Long>> publishing =
        Streaming.publishingPaced(bootstrap, early, STEPS * 3 / 5, Duration.ofMillis(20));
    try {
      Streaming.awaitCommitted(bootstrap, groupCut, startCut, endCut, 0.3, wait);
    } finally {
      first.close();
    }
    double stoppedAt = Streaming.committed(bootstrap, groupCut, startCut, endCut);
    publishing.get();
    assertEquals(
        endCut,
        Streaming.publish(bootstrap, data.subList(early.size(), data.size())),
        "published where expected");
    assertTrue(
        stoppedAt < 1.0, "the first node finished before it could be stopped (" + stoppedAt + ")");
    try (AnalysisNode second =
        Streaming.start(bootstrap, Streaming.nodeConfig(groupCut, Map.of()))) {
      Streaming.awaitCommitted(bootstrap, groupCut, startCut, endCut, 1.0, wait);
    }

    Map<String, Map<Long, AlignmentUpdate>> byRun = alignments(bootstrap, List.of(reference, cut));
    Map<Long, AlignmentUpdate> expected = byRun.get(reference);
    Map<Long, AlignmentUpdate> actual = byRun.get(cut);
    assertEquals(STEPS + 1, expected.size(), "one alignment per step (uninterrupted)");
    assertEquals(STEPS + 1, actual.size(), "one alignment per step (restarted)");
    double maxDifference = 0;
    for (long step = 0; step <= STEPS; step++) {
      JointAlignment want = expected.get(step).getJoint();
      JointAlignment got = actual.get(step).getJoint();
      assertTrue(actual.get(step).hasJoint(), "joint figures at step " + step);
      assertEquals(4, got.getMarginalW1Count());
      assertEquals(4096, got.getParticles());
      maxDifference = Math.max(maxDifference, difference(want, got));
      OutputComparison joint = model(actual.get(step), "joint");
      assertNotNull(joint, "joint output comparison at step " + step);
      assertEquals(PROBES, joint.getProbes());
      assertEquals(REPLICAS, joint.getTheorySamples());
      assertNotNull(
          model(actual.get(step), "entrywise"), "entrywise output comparison at step " + step);
    }
    JointAlignment last = actual.get((long) STEPS).getJoint();
    System.out.printf(
        "joint model through the pipeline: stopped at %.0f%% committed; max difference of the joint "
            + "figures, restarted vs uninterrupted, %s; step %d: marginal W1 %s, entry-wise W1 %.2e, largest coupling %.1f se,"
            + " neglected correlation %.3f%n",
        100 * stoppedAt,
        maxDifference,
        STEPS,
        last.getMarginalW1List(),
        actual.get((long) STEPS).getEntries(0).getW1(),
        last.getLargestCouplingZ(),
        last.getLargestNeglectedCorrelation());
    assertEquals(0.0, maxDifference, "joint figures after a restart");
    assertTrue(Double.isFinite(last.getDriftMatrix(0)), "the joint fit is usable by the last step");
  }

  /** The largest absolute difference over every number of two joint figures (NaN = NaN). */
  private static double difference(JointAlignment a, JointAlignment b) {
    List<Double> x = numbers(a);
    List<Double> y = numbers(b);
    assertEquals(x.size(), y.size());
    double max = 0;
    for (int i = 0; i < x.size(); i++) {
      if (!(Double.isNaN(x.get(i)) && Double.isNaN(y.get(i)))) {
        max = Math.max(max, Math.abs(x.get(i) - y.get(i)));
      }
    }
    return max;
  }

  private static List<Double> numbers(JointAlignment j) {
    List<Double> out = new ArrayList<>();
    out.add((double) j.getParticles());
    out.addAll(j.getMarginalW1List());
    out.addAll(j.getDriftMatrixList());
    out.addAll(j.getDriftMatrixStderrList());
    out.addAll(j.getDriftOffsetList());
    out.addAll(j.getDiffusionMatrixList());
    out.addAll(j.getDiffusionStderrList());
    out.add(j.getLargestNeglectedCorrelation());
    out.add(j.getLargestCouplingZ());
    out.add(j.getIncrements());
    return out;
  }

  private static OutputComparison model(AlignmentUpdate u, String model) {
    return u.getOutputsList().stream()
        .filter(o -> o.getModel().equals(model))
        .findFirst()
        .orElse(null);
  }

  /**
   * Every alignment record of these runs on the topic now, by run and step (a republished step: the
   * last).
   */
  private static Map<String, Map<Long, AlignmentUpdate>> alignments(
      String bootstrap, List<String> runs) throws Exception {
    Map<String, Map<Long, AlignmentUpdate>> out = new TreeMap<>();
    runs.forEach(r -> out.put(r, new TreeMap<>()));
    Properties p = FpkConfig.kafkaClient(bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo i : consumer.partitionsFor(Topics.ALIGNMENT)) {
        tps.add(new TopicPartition(Topics.ALIGNMENT, i.partition()));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          AlignmentUpdate u = AlignmentUpdate.parseFrom(r.value());
          if (out.containsKey(u.getRunId())) {
            out.get(u.getRunId()).put(u.getStep(), u);
          }
        }
      }
    }
    return out;
  }
}
