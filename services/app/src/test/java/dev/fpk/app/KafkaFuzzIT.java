package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fpk.analysis.sharding.Passivation;
import dev.fpk.app.node.Pipeline;
import dev.fpk.protocol.FuzzRecords;
import dev.fpk.protocol.RejectReason;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.DeadLetter;
import dev.fpk.protocol.v1.WeightSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Hostile input through the real broker and the real pipeline: thousands of seeded fuzz records
 * (protocol's {@link FuzzRecords}: random bytes, truncated and bit-flipped protobuf, absurd fields,
 * unknown fields) plus future schema headers, tombstones, records without a key, and earlier
 * snapshots sent again, interleaved on one partition with a valid Ornstein-Uhlenbeck ensemble.
 * Every rejected record reaches the dead-letter topic with its reason (the one construction
 * determines, where it does), no stream fails and no entity crashes, and the ensemble's report
 * equals that of a clean run of the same snapshots.
 */
@Timeout(240)
class KafkaFuzzIT {
  static final int REPLICAS = 16;
  static final int STEPS = 100;
  static final int FUZZ = 3_000;
  static final int FUTURE_HEADERS = 20;
  static final int TOMBSTONES = 10;
  static final int SENT_AGAIN = 30;
  static final long SEED = 20261128L;

  /** A record sent and what the generator knows of its outcome. */
  private record Sent(
      String kind,
      byte[] value,
      Optional<RejectReason> expected,
      Future<RecordMetadata> metadata) {}

  @Test
  void shouldDeadLetterEveryBadRecordWithItsReasonAndAnalyseTheValidEnsembleAsACleanRun()
      throws Exception {
    String bootstrap = TestKafka.bootstrap();
    String id = UUID.randomUUID().toString();
    String run = "fuzzed-" + id;
    String clean = "clean-" + id;
    List<String> layers = List.of("w");
    String key = SnapshotKey.of(run, "w");
    ListAppender<ILoggingEvent> log = captureLog();

    try (Pipeline pipeline =
            Pipeline.start(Streaming.nodeConfig("it-fuzz-" + id, Map.of()), bootstrap);
        KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      Streaming.publish(bootstrap, Streaming.ouRun(clean, layers, REPLICAS, STEPS));

      List<WeightSnapshot> valid = Streaming.ouRun(run, layers, REPLICAS, STEPS);
      List<ProducerRecord<String, byte[]>> hostile = hostile(key, valid);
      List<Sent> sent = new ArrayList<>();
      // the hostile records spread evenly between the valid ones, on the valid run's partition
      int h = 0;
      for (int v = 0; v < valid.size(); v++) {
        producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, key, valid.get(v).toByteArray()));
        for (; h < (long) hostile.size() * (v + 1) / valid.size(); h++) {
          ProducerRecord<String, byte[]> r = hostile.get(h);
          sent.add(new Sent(kindOf(r), r.value(), expectedOf(r), producer.send(r)));
        }
      }
      producer.flush();
      pipeline.awaitCaughtUp(Duration.ofSeconds(180));

      Map<String, DeadLetter> deadLetters = deadLetters(bootstrap);
      Map<String, Integer> expectedByReason = new TreeMap<>();
      Map<String, Integer> gotByReason = new TreeMap<>();
      Map<String, int[]> outcomeByKind = new TreeMap<>(); // kind -> {rejected, accepted}
      for (Sent s : sent) {
        RecordMetadata m = s.metadata().get();
        DeadLetter d = deadLetters.remove(m.partition() + "@" + m.offset());
        outcomeByKind.computeIfAbsent(s.kind(), k -> new int[2])[d == null ? 1 : 0]++;
        if (s.expected().isPresent()) {
          String reason = s.expected().get().wireName();
          expectedByReason.merge(reason, 1, Integer::sum);
          assertNotNull(
              d,
              s.kind() + " at " + m.offset() + " reached no dead letter (expected " + reason + ")");
          gotByReason.merge(d.getReason(), 1, Integer::sum);
        }
        if (d != null) {
          assertFalse(d.getDetail().isBlank(), s.kind() + ": a dead letter says what is wrong");
          assertTrue(
              Arrays.equals(
                  s.value() == null ? new byte[0] : s.value(), d.getPayload().toByteArray()),
              s.kind() + ": the dead letter carries the record unchanged");
        }
      }
      System.out.printf(
          "kafka fuzz: %d valid snapshots, %d hostile records; by kind {rejected, accepted}: %s;"
              + " determined reasons %s%n",
          valid.size(), sent.size(), describe(outcomeByKind), expectedByReason);
      assertEquals(
          expectedByReason,
          gotByReason,
          "dead letters by reason, for the records whose reason is determined");
      Map<String, String> others = new TreeMap<>();
      deadLetters.forEach((at, d) -> others.put(at, d.getReason() + ": " + d.getDetail()));
      assertEquals(Map.of(), others, "no valid snapshot was dead-lettered");

      MeterRegistry registry = pipeline.node().registry();
      double dropped =
          count(registry, "fpk.snapshots.duplicate", run)
              + count(registry, "fpk.snapshots.late", run);
      assertEquals(
          SENT_AGAIN, dropped, "every snapshot sent again is dropped as a duplicate or late one");

      JsonNode expected = Streaming.layers(bootstrap, clean);
      JsonNode actual = Streaming.layers(bootstrap, run);
      System.out.printf(
          "kafka fuzz: entities passivated %.0f; ensemble alignment steps %s%n",
          registry.find(Passivation.METER).counters().stream().mapToDouble(Counter::count).sum(),
          actual.at("/0/entries/0/alignment").findValuesAsText("step"));
      for (JsonNode entry : actual.at("/0/entries")) {
        assertEquals(STEPS + 1, entry.get("alignment").size(), "one alignment figure per step");
      }
      double diff = Streaming.maxDifference(expected, actual, "layers");
      assertTrue(diff <= 1e-9, "the fuzzed run's report differs from the clean run's by " + diff);
    } finally {
      detach(log);
    }
    List<String> failures =
        log.list.stream()
            .filter(
                e ->
                    e.getLevel().isGreaterOrEqual(Level.ERROR)
                        || e.getFormattedMessage().contains("stream failed"))
            .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
            .toList();
    assertEquals(List.of(), failures, "no stream failure, no entity crash");
  }

  /**
   * The hostile records: fuzz cases (keyed like the valid run, some without a key) and the extra
   * kinds of this level.
   */
  private static List<ProducerRecord<String, byte[]>> hostile(
      String key, List<WeightSnapshot> valid) {
    SplittableRandom random = new SplittableRandom(SEED);
    // a run of its own for what the generator derives from valid messages: flips cannot reach the
    // ensemble's id
    FuzzRecords records = new FuzzRecords("junk-" + UUID.randomUUID(), "w");
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    for (int i = 0; i < FUZZ; i++) {
      FuzzRecords.Case c = records.next(random, i % FuzzRecords.KINDS);
      out.add(labelled(random.nextInt(10) == 0 ? null : key, c.bytes(), c.kind(), c.expected()));
    }
    for (int i = 0; i < FUTURE_HEADERS; i++) {
      ProducerRecord<String, byte[]> r =
          labelled(
              key,
              records.valid(random).toByteArray(),
              "future_schema",
              Optional.of(RejectReason.UNKNOWN_VERSION));
      r.headers()
          .add(
              Topics.SCHEMA_HEADER,
              ("fpk.v" + (2 + i % 3) + ".WeightSnapshot").getBytes(StandardCharsets.UTF_8));
      out.add(r);
    }
    for (int i = 0; i < TOMBSTONES; i++) {
      out.add(labelled(key, null, "tombstone", Optional.of(RejectReason.UNPARSEABLE)));
    }
    // snapshots of the ensemble sent again later (a producer retrying, a trainer going back):
    // dropped, counted
    for (int i = 0; i < SENT_AGAIN; i++) {
      out.add(
          labelled(
              key,
              valid.get(random.nextInt(valid.size() / 2)).toByteArray(),
              "sent_again",
              Optional.empty()));
    }
    // shuffled with the seed, so that the kinds are interleaved
    for (int i = out.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      ProducerRecord<String, byte[]> t = out.get(i);
      out.set(i, out.get(j));
      out.set(j, t);
    }
    return out;
  }

  // the generator's label travels in headers the pipeline ignores
  private static final String KIND = "fuzz-kind";
  private static final String EXPECTED = "fuzz-expected";

  private static ProducerRecord<String, byte[]> labelled(
      String key, byte[] value, String kind, Optional<RejectReason> expected) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.SNAPSHOTS, key, value);
    r.headers().add(KIND, kind.getBytes(StandardCharsets.UTF_8));
    expected.ifPresent(
        e -> r.headers().add(EXPECTED, e.wireName().getBytes(StandardCharsets.UTF_8)));
    return r;
  }

  private static String kindOf(ProducerRecord<String, byte[]> r) {
    return new String(r.headers().lastHeader(KIND).value(), StandardCharsets.UTF_8);
  }

  private static Optional<RejectReason> expectedOf(ProducerRecord<String, byte[]> r) {
    var h = r.headers().lastHeader(EXPECTED);
    return h == null
        ? Optional.empty()
        : RejectReason.fromWireName(new String(h.value(), StandardCharsets.UTF_8));
  }

  /** Every dead letter on the topic, by "sourcePartition@sourceOffset". */
  private static Map<String, DeadLetter> deadLetters(String bootstrap) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-fuzz-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
    Map<String, DeadLetter> out = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.DEAD_LETTER));
      Map<TopicPartition, Long> ends = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          DeadLetter d = DeadLetter.parseFrom(r.value());
          assertEquals(Topics.SNAPSHOTS, d.getSourceTopic());
          assertTrue(
              RejectReason.fromWireName(d.getReason()).isPresent(),
              "a known reason: " + d.getReason());
          DeadLetter before = out.put(d.getSourcePartition() + "@" + d.getSourceOffset(), d);
          assertTrue(
              before == null || before.getReason().equals(d.getReason()),
              "a record dead-lettered twice gets the same reason");
        }
        if (!consumer.assignment().isEmpty()) {
          ends = ends != null ? ends : consumer.endOffsets(consumer.assignment());
          Map<TopicPartition, Long> target = ends;
          if (target.entrySet().stream()
              .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
            return out;
          }
        }
      }
    }
    throw new AssertionError("could not read the dead-letter topic to its end in 60 s");
  }

  private static double count(MeterRegistry registry, String name, String run) {
    return registry.find(name).tag("run", run).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static String describe(Map<String, int[]> byKind) {
    StringBuilder s = new StringBuilder();
    byKind.forEach((k, v) -> s.append(k).append(' ').append(Arrays.toString(v)).append(", "));
    return s.toString();
  }

  private static ListAppender<ILoggingEvent> captureLog() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
    return appender;
  }

  private static void detach(ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    appender.stop();
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }
}
