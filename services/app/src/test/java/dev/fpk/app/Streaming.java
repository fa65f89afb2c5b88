package dev.fpk.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fpk.analysis.sharding.KafkaPartitionExtractor;
import dev.fpk.app.broker.EmbeddedKafka;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.app.node.AnalysisNode;
import dev.fpk.app.node.KafkaAdmin;
import dev.fpk.app.report.ReportDifference;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the streaming tests share: OU runs, publishing, nodes, progress and report comparison. */
final class Streaming {
  static final double[] RATES = {0.02, 0.05};
  static final double[] MEANS = {0.1, -0.1};

  private Streaming() {}

  /**
   * The snapshots of one run, step by step, every layer's replicas in turn; each layer its own
   * seed.
   */
  static List<WeightSnapshot> ouRun(String runId, List<String> layers, int replicas, int steps) {
    List<OuEnsemble> ensembles = new ArrayList<>();
    for (String layer : layers) {
      ensembles.add(
          new OuEnsemble(
              runId,
              layer,
              new int[] {1, 2},
              RATES,
              MEANS,
              1e-4,
              replicas,
              0.3,
              0.05,
              layer.hashCode()));
    }
    List<WeightSnapshot> out = new ArrayList<>();
    for (int step = 0; step <= steps; step++) {
      for (OuEnsemble ou : ensembles) {
        ou.snapshots().forEach(s -> out.add(withProbeInputs(s)));
        ou.advance();
      }
    }
    return out;
  }

  /**
   * The snapshot with 4 probe inputs h (2 features each, in [0, 1], per replica), so outputs y = W
   * h are compared.
   */
  private static WeightSnapshot withProbeInputs(WeightSnapshot s) {
    WeightSnapshot.Builder b = s.toBuilder();
    for (int i = 0; i < 8; i++) {
      b.addProbeInputs(((s.getReplica() * 8 + i) * 0.618034f) % 1f);
    }
    return b.build();
  }

  /** {@code n} layer names whose keys in this run land on one partition (of {@code partitions}). */
  static List<String> layersOnOnePartition(String runId, int n, int partitions) {
    List<String> out = new ArrayList<>();
    int target = KafkaPartitionExtractor.partitionOf(SnapshotKey.of(runId, "w0"), partitions);
    for (int i = 0; out.size() < n; i++) {
      if (KafkaPartitionExtractor.partitionOf(SnapshotKey.of(runId, "w" + i), partitions)
          == target) {
        out.add("w" + i);
      }
    }
    return out;
  }

  /**
   * Publishes in order; returns, per partition written, the offset one past the run's last record.
   */
  static Map<TopicPartition, Long> publish(String bootstrap, List<WeightSnapshot> snapshots)
      throws Exception {
    return publishPaced(bootstrap, snapshots, 1, Duration.ZERO);
  }

  /**
   * Publishes in order, as a trainer would, in {@code slices} equal slices {@code pause} apart, so
   * that a node can be stopped while the data still arrive; returns what {@link #publish} does.
   */
  static Map<TopicPartition, Long> publishPaced(
      String bootstrap, List<WeightSnapshot> snapshots, int slices, Duration pause)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    Map<TopicPartition, Long> ends = new HashMap<>();
    int size = Math.max(1, (snapshots.size() + slices - 1) / slices);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (int from = 0; from < snapshots.size(); from += size) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (WeightSnapshot s : snapshots.subList(from, Math.min(snapshots.size(), from + size))) {
          sent.add(
              producer.send(
                  new ProducerRecord<>(
                      Topics.SNAPSHOTS,
                      SnapshotKey.of(s.getRunId(), s.getLayer()),
                      s.toByteArray())));
        }
        for (Future<RecordMetadata> f : sent) {
          RecordMetadata m = f.get();
          ends.merge(new TopicPartition(m.topic(), m.partition()), m.offset() + 1, Math::max);
        }
        Thread.sleep(pause.toMillis());
      }
    }
    return ends;
  }

  /**
   * {@link #publishPaced} on another thread, so that nodes start, stop, join or leave while the
   * data arrive; completes with the ends {@link #publish} returns.
   */
  static CompletableFuture<Map<TopicPartition, Long>> publishingPaced(
      String bootstrap, List<WeightSnapshot> snapshots, int slices, Duration pause) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return publishPaced(bootstrap, snapshots, slices, pause);
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        });
  }

  /**
   * Where {@link #publish} of these snapshots will end, per partition, with the topic's ends now at
   * {@code starts}.
   */
  static Map<TopicPartition, Long> endsAfter(
      Map<TopicPartition, Long> starts, List<WeightSnapshot> snapshots) {
    Map<TopicPartition, Long> ends = new HashMap<>();
    for (WeightSnapshot s : snapshots) {
      TopicPartition tp =
          new TopicPartition(
              Topics.SNAPSHOTS,
              KafkaPartitionExtractor.partitionOf(
                  SnapshotKey.of(s.getRunId(), s.getLayer()), starts.size()));
      ends.merge(tp, starts.get(tp) + 1, (a, b) -> a + 1);
    }
    return ends;
  }

  /**
   * A broker of its own (for tests that stop it or form a cluster on it) with fpk's topics in
   * {@code partitions} partitions.
   */
  static EmbeddedKafka brokerWithTopics(int partitions) throws Exception {
    EmbeddedKafka broker = EmbeddedKafka.start();
    try (KafkaAdmin admin = new KafkaAdmin(broker.bootstrapServers())) {
      admin.ensureTopics(partitions, (short) 1);
    } catch (Exception e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  /** Config of an analysis node in its own consumer group, with extra keys. */
  static Config nodeConfig(String group, Map<String, Object> extra) {
    Map<String, Object> keys = new HashMap<>(extra);
    keys.put("fpk.group", group);
    keys.putIfAbsent("fpk.checkpoint.interval", "300ms");
    return ConfigFactory.parseMap(keys).withFallback(ConfigFactory.load());
  }

  /**
   * Makes a new group start at the current end of the snapshot topic (what earlier tests left there
   * is not its business).
   */
  static void startGroupAtEnd(String bootstrap, String group) throws Exception {
    try (KafkaAdmin fpk = new KafkaAdmin(bootstrap)) {
      fpk.ensureTopics(ConfigFactory.load().getInt("fpk.partitions"), (short) 1);
    }
    try (Admin admin = admin(bootstrap)) {
      int partitions =
          admin
              .describeTopics(List.of(Topics.SNAPSHOTS))
              .allTopicNames()
              .get()
              .get(Topics.SNAPSHOTS)
              .partitions()
              .size();
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int i = 0; i < partitions; i++) {
        request.put(new TopicPartition(Topics.SNAPSHOTS, i), OffsetSpec.latest());
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      admin
          .listOffsets(request)
          .all()
          .get()
          .forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
      admin.alterConsumerGroupOffsets(group, offsets).all().get();
    }
  }

  /** Fraction of the records up to {@code ends} (from {@code starts}) the group has committed. */
  static double committed(
      String bootstrap,
      String group,
      Map<TopicPartition, Long> starts,
      Map<TopicPartition, Long> ends)
      throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetAndMetadata> c =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      long done = 0;
      long all = 0;
      for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
        long start = starts.getOrDefault(e.getKey(), 0L);
        OffsetAndMetadata o = c.get(e.getKey());
        done += Math.max(0, Math.min(e.getValue(), o == null ? 0 : o.offset()) - start);
        all += e.getValue() - start;
      }
      return all == 0 ? 1 : (double) done / all;
    }
  }

  static void awaitCommitted(
      String bootstrap,
      String group,
      Map<TopicPartition, Long> starts,
      Map<TopicPartition, Long> ends,
      double fraction,
      Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (committed(bootstrap, group, starts, ends) < fraction) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            group
                + " committed "
                + committed(bootstrap, group, starts, ends)
                + " < "
                + fraction
                + " after "
                + timeout);
      }
      Thread.sleep(50);
    }
  }

  /** End offsets of every partition of the snapshot topic now. */
  static Map<TopicPartition, Long> snapshotEnds(String bootstrap) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      int partitions =
          admin
              .describeTopics(List.of(Topics.SNAPSHOTS))
              .allTopicNames()
              .get()
              .get(Topics.SNAPSHOTS)
              .partitions()
              .size();
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int i = 0; i < partitions; i++) {
        request.put(new TopicPartition(Topics.SNAPSHOTS, i), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> out = new HashMap<>();
      admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
      return out;
    }
  }

  /** See {@link ReportDifference#densityLayers}. */
  static JsonNode layers(String bootstrap, String runId) {
    return ReportDifference.densityLayers(bootstrap, runId);
  }

  /** See {@link ReportDifference#max}. */
  static double maxDifference(JsonNode a, JsonNode b, String path) {
    return ReportDifference.max(a, b, path);
  }

  static AnalysisNode start(String bootstrap, Config config) {
    return AnalysisNode.start(config, bootstrap);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return Admin.create(p);
  }
}
