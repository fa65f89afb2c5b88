package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fpk.app.broker.EmbeddedKafka;
import dev.fpk.app.node.AnalysisNode;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker stops in the middle of a run, while the trainer side is still publishing and the
 * analysis is half-way, and starts again on the same log directory and port a few seconds later:
 * the producer and the analysis node reconnect, the run completes, and its report equals that of
 * the same snapshots analysed without the outage. A broker of its own, as it is stopped.
 */
@Timeout(180)
class BrokerRestartIT {
  static final int REPLICAS = 16;
  static final int STEPS = 300;
  static final Duration OUTAGE = Duration.ofSeconds(3);
  static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void shouldCompleteTheRunAndReportTheSameWhenTheBrokerRestartsMidRun() throws Exception {
    try (EmbeddedKafka broker = Streaming.brokerWithTopics(4)) {
      String bootstrap = broker.bootstrapServers();
      String id = UUID.randomUUID().toString();
      String reference = "steady-" + id;
      String cut = "outage-" + id;
      List<String> layers = List.of("w0", "w1");
      String group = "it-broker-restart-" + id;
      Streaming.startGroupAtEnd(bootstrap, group);

      try (AnalysisNode node = Streaming.start(bootstrap, Streaming.nodeConfig(group, Map.of()))) {
        Map<TopicPartition, Long> startRef = Streaming.snapshotEnds(bootstrap);
        Map<TopicPartition, Long> endRef =
            Streaming.publish(bootstrap, Streaming.ouRun(reference, layers, REPLICAS, STEPS));
        Streaming.awaitCommitted(bootstrap, group, startRef, endRef, 1.0, WAIT);

        List<WeightSnapshot> data = Streaming.ouRun(cut, layers, REPLICAS, STEPS);
        List<WeightSnapshot> firstHalf = data.subList(0, data.size() / 2);
        List<WeightSnapshot> secondHalf = data.subList(data.size() / 2, data.size());
        Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
        Map<TopicPartition, Long> half = Streaming.publish(bootstrap, firstHalf);
        Streaming.awaitCommitted(bootstrap, group, start, half, 0.3, WAIT);

        // the second half is sent, step by step over several seconds, while the broker goes away:
        // the
        // producer buffers and retries (paced, so the outage falls inside the run however fast the
        // analysis is)
        CompletableFuture<Map<TopicPartition, Long>> rest =
            Streaming.publishingPaced(bootstrap, secondHalf, STEPS / 2, Duration.ofMillis(20));
        double committedAtStop = Streaming.committed(bootstrap, group, start, half) / 2;
        boolean publishingAtStop = !rest.isDone();
        long t0 = System.nanoTime();
        broker.stop();
        double stopSeconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(OUTAGE.toMillis());
        long t1 = System.nanoTime();
        broker.restart();
        double restartSeconds = (System.nanoTime() - t1) / 1e9;
        Map<TopicPartition, Long> end = new HashMap<>(half);
        rest.get().forEach((tp, offset) -> end.merge(tp, offset, Math::max));
        Streaming.awaitCommitted(bootstrap, group, start, end, 1.0, WAIT);
        double doneSeconds = (System.nanoTime() - t1) / 1e9;

        JsonNode expected = Streaming.layers(bootstrap, reference);
        JsonNode actual = Streaming.layers(bootstrap, cut);
        assertEquals(layers.size(), actual.size(), "layers in the report after the outage");
        for (JsonNode layer : actual) {
          for (JsonNode entry : layer.get("entries")) {
            assertEquals(
                STEPS + 1,
                entry.get("alignment").size(),
                "one alignment figure per step, none twice");
          }
        }
        double diff = Streaming.maxDifference(expected, actual, "layers");
        System.out.printf(
            "broker restart: stopped at %.0f%% of the run committed (stop took %.1f s), down %d s,"
                + " up again in %.1f s, run complete %.1f s after the restart; max relative difference to the steady run %.3g%n",
            100 * committedAtStop,
            stopSeconds,
            OUTAGE.toSeconds(),
            restartSeconds,
            doneSeconds,
            diff);
        assertTrue(publishingAtStop, "the broker stopped while the run was still being published");
        assertTrue(diff <= 1e-9, "reports differ by " + diff);
      }
    }
  }
}
