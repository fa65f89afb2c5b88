package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fpk.analysis.sharding.Passivation;
import dev.fpk.app.node.AnalysisNode;
import dev.fpk.protocol.SnapshotKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The limit on (run, layer) entities a node keeps: with {@code active-entity-limit} 2, three layers
 * of a run (on one partition, so one shard holds them) analysed one after the other, the third
 * one's start passivates the least recently used, the first, for the estimator and the solver
 * alike, and each passivation is counted in {@code fpk.entities.passivated}; nothing analysed is
 * lost.
 */
@Timeout(120)
class PassivationIT {
  static final int LIMIT = 2;
  static final int REPLICAS = 8;
  static final int STEPS = 20;
  static final Duration WAIT = Duration.ofSeconds(60);
  // the stream asks an entity at its checkpoint barriers for two replica timeouts after its last
  // record
  static final Duration REPLICA_TIMEOUT = Duration.ofSeconds(1);
  static final Duration IDLE = REPLICA_TIMEOUT.multipliedBy(3);

  @Test
  void shouldPassivateTheLeastRecentlyUsedEntityBeyondTheLimitAndCountIt() throws Exception {
    String bootstrap = TestKafka.bootstrap();
    String id = UUID.randomUUID().toString();
    String run = "limited-" + id;
    String group = "it-passivation-" + id;
    List<String> layers = Streaming.layersOnOnePartition(run, 3, 4);
    Streaming.startGroupAtEnd(bootstrap, group);
    try (AnalysisNode node =
        Streaming.start(
            bootstrap,
            Streaming.nodeConfig(
                group,
                Map.of(
                    "pekko.cluster.sharding.passivation.fpk-least-recently-used.active-entity-limit",
                    LIMIT,
                    "fpk.estimator.replica-timeout",
                    REPLICA_TIMEOUT.toMillis() + "ms")))) {
      MeterRegistry registry = node.registry();
      for (int i = 0; i < layers.size(); i++) {
        Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
        Map<TopicPartition, Long> end =
            Streaming.publish(
                bootstrap, Streaming.ouRun(run, List.of(layers.get(i)), REPLICAS, STEPS));
        Streaming.awaitCommitted(bootstrap, group, start, end, 1.0, WAIT);
        assertEquals(
            Math.max(0, i + 1 - LIMIT),
            passivated(registry, "estimator"),
            (i + 1) + " layers analysed, at most " + LIMIT + " estimators kept");
        Thread.sleep(IDLE.toMillis()); // no longer asked at barriers: idle
      }
      Clusters.await("the solver passivated too", () -> passivated(registry, "solver") == 1, WAIT);
      List<String> kept = Clusters.entityIds(node.system());
      System.out.printf(
          "passivation: limit %d, layers analysed in turn %s, estimators kept %s, passivated: %.0f"
              + " estimator(s), %.0f solver(s)%n",
          LIMIT, layers, kept, passivated(registry, "estimator"), passivated(registry, "solver"));
      assertEquals(
          List.of(SnapshotKey.of(run, layers.get(1)), SnapshotKey.of(run, layers.get(2))).stream()
              .sorted()
              .toList(),
          kept,
          "the least recently used, the first layer's, went");
      assertEquals(1, passivated(registry, "estimator"));

      JsonNode report = Streaming.layers(bootstrap, run);
      assertEquals(layers.size(), report.size(), "every layer in the report");
      for (JsonNode layer : report) {
        for (JsonNode entry : layer.get("entries")) {
          assertEquals(
              STEPS + 1,
              entry.get("alignment").size(),
              layer.get("layer") + ": one alignment figure per step");
        }
      }
    }
  }

  private static double passivated(MeterRegistry registry, String type) {
    var c = registry.find(Passivation.METER).tag("type", type).counter();
    return c == null ? 0 : c.count();
  }
}
