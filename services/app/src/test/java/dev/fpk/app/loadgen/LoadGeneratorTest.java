package dev.fpk.app.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
  private static final LoadGenerator.Settings SMALL =
      new LoadGenerator.Settings("lg", "w", 3, 4, 2, 5, 400, 9, 11);

  private static MockProducer<byte[], byte[]> producer() {
    return new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Test
  void shouldPublishEveryReplicaOfEveryRunAtEveryStepOnce() throws Exception {
    MockProducer<byte[], byte[]> producer = producer();
    LoadGenerator.Report report = LoadGenerator.run(SMALL, producer);

    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    assertEquals(3 * 4 * 10, sent.size(), "runs x replicas x (steps + 1)");
    assertEquals(sent.size(), report.snapshots());
    assertEquals(sent.size() * 10L, report.values());
    Set<String> distinct = new HashSet<>();
    long lastStep = -1;
    for (ProducerRecord<byte[], byte[]> r : sent) {
      WeightSnapshot s = WeightSnapshot.parseFrom(r.value());
      assertEquals(Topics.SNAPSHOTS, r.topic());
      assertEquals(new SnapshotKey(s.getRunId(), "w"), SnapshotKey.parse(r.key()));
      assertEquals(List.of(2, 5), s.getShapeList());
      assertEquals(10, s.getValuesCount());
      assertEquals(4, s.getEnsembleSize());
      assertTrue(s.getStep() >= lastStep, "step by step: " + s.getStep() + " after " + lastStep);
      lastStep = s.getStep();
      assertTrue(
          distinct.add(s.getRunId() + "/" + s.getReplica() + "/" + s.getStep()), "duplicate " + s);
    }
    assertEquals(
        Set.of("lg-r0", "lg-r1", "lg-r2"),
        distinct.stream().map(k -> k.split("/")[0]).collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void shouldSendEachBurstWhenItIsDueAtTheRate() {
    ManualTicker clock = new ManualTicker();
    MockProducer<byte[], byte[]> producer = producer();
    LoadGenerator.Report report = new LoadGenerator.Load(SMALL, clock).publish(producer, 400, 10);

    // 120 snapshots at 400/s in bursts of one run's step (4 replicas): burst b is due at 4b / 400 s
    assertEquals(30, clock.waits.size(), "one wait per burst");
    for (int b = 0; b < clock.waits.size(); b++) {
      assertEquals(
          4 * b * 2_500_000L, clock.waits.get(b), "burst " + b + " due at " + 4 * b + " / 400 s");
    }
    assertEquals(120, producer.history().size());
    assertEquals(
        (120 - 4) / 400.0,
        report.seconds(),
        1e-9,
        "the last burst's due time: no send waits beyond it");
  }

  /**
   * A clock that stands still until the pacing waits, then jumps to the due time; records each
   * wait.
   */
  private static final class ManualTicker implements LoadGenerator.Ticker {
    final List<Long> waits = new java.util.ArrayList<>();
    private long now;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void waitUntil(long dueNanos) {
      waits.add(dueNanos);
      now = Math.max(now, dueNanos);
    }
  }

  @Test
  void shouldSpreadTheMeanReversionRatesOverTheEntries() {
    assertEquals(LoadGenerator.MIN_RATE, LoadGenerator.rate(0, 10), 1e-15);
    assertEquals(LoadGenerator.MAX_RATE, LoadGenerator.rate(9, 10), 1e-15);
    assertEquals(LoadGenerator.MIN_RATE, LoadGenerator.rate(0, 1), 1e-15);
  }

  @Test
  void shouldRejectANonPositiveRate() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new LoadGenerator.Settings("lg", "w", 1, 1, 1, 1, 0, 1, 1));
  }

  @Test
  void shouldBeDeterministicForASeed() throws Exception {
    MockProducer<byte[], byte[]> a = producer();
    MockProducer<byte[], byte[]> b = producer();
    LoadGenerator.run(SMALL, a);
    LoadGenerator.run(SMALL, b);
    for (int i = 0; i < a.history().size(); i++) {
      assertEquals(
          WeightSnapshot.parseFrom(a.history().get(i).value()).getValuesList(),
          WeightSnapshot.parseFrom(b.history().get(i).value()).getValuesList());
    }
  }
}
