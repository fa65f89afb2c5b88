package dev.fpk.app.node;

import dev.fpk.app.config.FpkConfig;
import dev.fpk.protocol.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The few admin operations fpk needs: create its topics, and tell how far a group has come. */
public final class KafkaAdmin implements AutoCloseable {
  private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(10);
  private final Admin admin;

  public KafkaAdmin(String bootstrapServers) {
    Properties p = FpkConfig.kafkaClient(bootstrapServers);
    this.admin = Admin.create(p);
  }

  /**
   * Creates every fpk topic that does not exist yet, with this many partitions, and the compacted
   * checkpoint topic with as many partitions as the snapshot topic has (checkpoints go to their
   * entity's snapshot partition).
   */
  public void ensureTopics(int partitions, short replication) {
    Set<String> existing = get(admin.listTopics().names(), "list topics");
    List<NewTopic> missing =
        Topics.all().stream()
            .filter(t -> !existing.contains(t))
            .map(t -> new NewTopic(t, partitions, replication))
            .toList();
    if (!missing.isEmpty()) {
      create(missing);
    }
    if (!existing.contains(Topics.CHECKPOINTS)) {
      create(
          List.of(
              new NewTopic(Topics.CHECKPOINTS, partitions(Topics.SNAPSHOTS), replication)
                  .configs(
                      Map.of(
                          TopicConfig.CLEANUP_POLICY_CONFIG,
                          TopicConfig.CLEANUP_POLICY_COMPACT,
                          // small segments rolled often, so that compaction keeps what a restoring
                          // entity reads short
                          TopicConfig.SEGMENT_MS_CONFIG,
                          "60000",
                          TopicConfig.SEGMENT_BYTES_CONFIG,
                          String.valueOf(16 << 20),
                          TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
                          "0.1"))));
    }
  }

  private void create(List<NewTopic> topics) {
    try {
      admin.createTopics(topics).all().get();
      awaitVisible(topics.stream().map(NewTopic::name).toList());
    } catch (ExecutionException e) {
      // another node may have created it in the meantime
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(
            "Kafka: could not create topics " + topics + ": " + e.getCause().getMessage(),
            e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics " + topics, e);
    }
  }

  /**
   * Waits until new topics can be described with a leader for every partition: a broker
   * acknowledges a creation before its metadata has reached every listener, and a request in
   * between fails with "does not host this topic-partition".
   */
  private void awaitVisible(List<String> topics) throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
    while (true) {
      try {
        if (admin.describeTopics(topics).allTopicNames().get().values().stream()
            .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null))) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Kafka: topics "
                + topics
                + " created but not visible with leaders after "
                + VISIBLE_TIMEOUT.toSeconds()
                + " s");
      }
      Thread.sleep(50);
    }
  }

  /** Number of partitions of a topic. */
  public int partitions(String topic) {
    return get(admin.describeTopics(List.of(topic)).allTopicNames(), "describe " + topic)
        .get(topic)
        .partitions()
        .size();
  }

  /** End offsets of every partition of a topic. */
  public Map<TopicPartition, Long> endOffsets(String topic) {
    int partitions = partitions(topic);
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    get(admin.listOffsets(request).all(), "read end offsets of " + topic)
        .forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  /** Records of the topic the group has not committed yet: its lag. */
  public long lag(String group, String topic) {
    Map<TopicPartition, OffsetAndMetadata> committed =
        get(
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
            "read offsets of group " + group);
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> end : endOffsets(topic).entrySet()) {
      OffsetAndMetadata c = committed.get(end.getKey());
      lag += end.getValue() - (c == null ? 0 : c.offset());
    }
    return lag;
  }

  /**
   * The partition numbers assigned to each member of the group now, one sorted list per member
   * (empty when the group has no members).
   */
  public List<List<Integer>> memberPartitions(String group) {
    ConsumerGroupDescription d =
        get(admin.describeConsumerGroups(List.of(group)).all(), "describe group " + group)
            .get(group);
    List<List<Integer>> out = new ArrayList<>();
    d.members()
        .forEach(
            m ->
                out.add(
                    m.assignment().topicPartitions().stream()
                        .map(TopicPartition::partition)
                        .sorted()
                        .toList()));
    return out;
  }

  @Override
  public void close() {
    admin.close();
  }

  private static <T> T get(KafkaFuture<T> future, String what) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Kafka: could not " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    }
  }
}
