package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fpk.app.node.Pipeline;
import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.v1.WeightSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A stream that fails in the middle of a run loses no output. The fault: one layer's estimator is
 * restarted from its checkpoint under the running stream (as a passivation or a hand-off would), so
 * the stream's next ask finds records missing and fails the stream; the node starts a new stream
 * from the committed offsets. The other layer of the run, on the same partition, was fed past its
 * checkpoint by the failed stream, whose outputs of the last records were never written: the new
 * stream must produce them again. Both layers' reports must equal those of the same data analysed
 * without a fault, every step present once.
 */
@Timeout(300)
class StreamFailureIT {
  static final int REPLICAS = 32;
  static final int STEPS = 120;
  static final Duration WAIT = Duration.ofSeconds(120);
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  @Test
  void shouldLoseNoOutputWhenTheStreamFailsMidRun() throws Exception {
    String bootstrap = TestKafka.bootstrap();
    String id = UUID.randomUUID().toString();
    String run = "failing-" + id;
    String reference = "unfailing-" + id;
    String group = "it-stream-failure-" + id;
    // both layers on one partition: the failing batch carries records of the other layer too
    List<String> layers = Streaming.layersOnOnePartition(run, 2, 4);
    String victim = SnapshotKey.of(run, layers.get(0));
    Streaming.startGroupAtEnd(bootstrap, group);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(log);

    try (Pipeline pipeline =
        Pipeline.start(
            Streaming.nodeConfig(
                group,
                Map.of("fpk.partitions", 4, "fpk.ask-timeout", ASK_TIMEOUT.toMillis() + "ms")),
            bootstrap)) {
      Streaming.publish(bootstrap, Streaming.ouRun(reference, layers, REPLICAS, STEPS));
      pipeline.awaitCaughtUp(WAIT);
      assertEquals(0, failures(log), "no stream failed on the reference run");

      List<WeightSnapshot> data = Streaming.ouRun(run, layers, REPLICAS, STEPS);
      Streaming.publish(bootstrap, data);
      MeterRegistry registry = pipeline.node().registry();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (count(registry, "fpk.snapshots.in", run) < 0.2 * data.size()) {
        assertTrue(System.nanoTime() < deadline, "the run's analysis did not get going");
        Thread.sleep(20);
      }
      double injectedAt = count(registry, "fpk.snapshots.in", run) / data.size();
      // restarted at its checkpoint, the entity fails the stream: the next ask finds records
      // missing, or an ask
      // that reached it while it stopped times out; unless it held nothing since its checkpoint
      // (then again)
      ClusterSharding sharding = ClusterSharding.get(pipeline.node().system());
      for (int attempt = 0; failures(log) == 0; attempt++) {
        assertTrue(attempt < 5, "the stream did not fail after 5 restarts of " + victim);
        sharding
            .entityRefFor(EstimatorEntity.TYPE_KEY, victim)
            .tell(EstimatorEntity.Reload.INSTANCE);
        for (long until = System.nanoTime() + 2 * ASK_TIMEOUT.toNanos();
            failures(log) == 0 && System.nanoTime() < until; ) {
          Thread.sleep(50);
        }
      }
      pipeline.awaitCaughtUp(WAIT);

      JsonNode expected = Streaming.layers(bootstrap, reference);
      JsonNode actual = Streaming.layers(bootstrap, run);
      assertEquals(layers.size(), actual.size(), "layers in the report");
      for (JsonNode layer : actual) {
        for (JsonNode entry : layer.get("entries")) {
          assertEquals(
              STEPS + 1,
              entry.get("alignment").size(),
              layer.get("layer") + ": one alignment figure per step");
        }
        assertEquals(
            STEPS + 1,
            layer.get("outputs").size(),
            layer.get("layer") + ": one output comparison per step");
      }
      double duplicates =
          count(registry, "fpk.snapshots.duplicate", run)
              + count(registry, "fpk.snapshots.late", run);
      double diff = Streaming.maxDifference(expected, actual, "layers");
      System.out.printf(
          "stream failure: injected at %.0f%% of the run's snapshots, %d stream failure(s);"
              + " duplicates and late %.0f; max relative difference to the run without a fault %.3g%n",
          100 * injectedAt, failures(log), duplicates, diff);
      assertEquals(0, duplicates, "no snapshot counted as a duplicate or late one");
      assertTrue(diff <= 1e-9, "reports differ by " + diff);
    } finally {
      root.detachAppender(log);
      log.stop();
    }
  }

  private static long failures(ListAppender<ILoggingEvent> log) {
    synchronized (log) { // the appender appends under its own lock
      return log.list.stream()
          .filter(e -> e.getFormattedMessage().contains("analysis stream failed"))
          .count();
    }
  }

  private static double count(MeterRegistry registry, String name, String run) {
    return registry.find(name).tag("run", run).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }
}
