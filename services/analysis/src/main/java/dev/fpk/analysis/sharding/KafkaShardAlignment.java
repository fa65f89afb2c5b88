package dev.fpk.analysis.sharding;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy$;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.kafka.ConsumerRebalanceEvent;
import org.apache.pekko.kafka.TopicPartitionsAssigned;
import org.apache.pekko.kafka.TopicPartitionsRevoked;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The kafka-to-sharding glue (what {@code pekko-connectors-kafka-cluster-sharding} provides, not
 * served here): shard id = Kafka partition of the entity key ({@link KafkaPartitionExtractor}),
 * shards placed by an {@link ExternalShardAllocationStrategy}, and, in the consumer's synchronous
 * assignment callback, {@link #awaitLocations}: it records this node as the location of the shards
 * with the assigned partitions' numbers for every entity type given, and holds the first fetch of
 * those partitions until their shards are placed here and have left the old node. So an entity
 * lives where its snapshots are consumed, and asks from the stream stay on the node.
 */
public final class KafkaShardAlignment {
  /** How long the strategy waits for the shard-location store when allocating. */
  private static final Duration ALLOCATION_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How long every node's replica has to acknowledge this node's shard locations: milliseconds when
   * all answer; short, as a leaving node never does and the assignment's wait has 10 s in all.
   */
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(1);

  private KafkaShardAlignment() {}

  /** The allocation strategy of one entity type, reading the locations the listener writes. */
  public static ShardCoordinator.ShardAllocationStrategy strategy(
      ActorSystem<?> system, EntityTypeKey<?> type) {
    return ExternalShardAllocationStrategy.create(system, type.name(), ALLOCATION_TIMEOUT);
  }

  /**
   * The listener to hand the consumer's subscription ({@code withRebalanceListener}, adapted to a
   * classic ref): it logs each assignment and revocation. It hears of an assignment only after the
   * consumer's synchronous callback, which has placed the shards already ({@link #awaitLocations}).
   */
  public static Behavior<ConsumerRebalanceEvent> rebalanceListener(List<EntityTypeKey<?>> types) {
    return Behaviors.setup(
        ctx -> {
          Address self = Cluster.get(ctx.getSystem()).selfMember().address();
          return Behaviors.receive(ConsumerRebalanceEvent.class)
              .onMessage(
                  TopicPartitionsAssigned.class,
                  a -> {
                    Set<Integer> partitions =
                        partitions(CollectionConverters.asJava(a.topicPartitions()));
                    ctx.getLog()
                        .info(
                            "partitions {} assigned to {}: shards {} of {} placed here",
                            partitions,
                            self,
                            partitions,
                            types.stream().map(EntityTypeKey::name).toList());
                    return Behaviors.same();
                  })
              .onMessage(
                  TopicPartitionsRevoked.class,
                  r -> {
                    Set<Integer> partitions =
                        partitions(CollectionConverters.asJava(r.topicPartitions()));
                    ctx.getLog().info("partitions {} revoked from {}", partitions, self);
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /**
   * Places the shards of these partitions here for every type and blocks (up to {@code timeout})
   * until every node's replica has it ({@link #writtenToEveryNode}), the strategy's subscription
   * has heard of it and no other node hosts them any more: so that the first records of newly
   * assigned partitions neither allocate their shards at the old place (from where they would move,
   * entities restarting under the stream) nor reach a shard in hand-off (whose region drops them).
   * For a consumer's synchronous assignment callback (the listener hears of an assignment only
   * after it); returns false on timeout (the stream then copes with moves).
   */
  public static boolean awaitLocations(
      ActorSystem<?> system,
      List<EntityTypeKey<?>> types,
      Set<Integer> partitions,
      Duration timeout) {
    Address self = Cluster.get(system).selfMember().address();
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Address> wanted = new HashMap<>();
    partitions.forEach(p -> wanted.put(Integer.toString(p), self));
    try {
      for (EntityTypeKey<?> type : types) {
        var client = ExternalShardAllocation.get(system).getClient(type.name());
        client
            .setShardLocations(wanted)
            .toCompletableFuture()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        // best effort: a node that does not answer (one leaving) leaves the checks below to do
        writtenToEveryNode(system, type, WRITE_TIMEOUT);
        while (!placedHere(client, partitions, self)) {
          if (System.nanoTime() > deadline) {
            return false;
          }
          Thread.sleep(50);
        }
      }
      // the strategy reads the locations through a ddata subscription, notified every 500 ms: wait
      // two notifications, as the coordinator's node may run its schedule late under load
      Thread.sleep(2 * SUBSCRIBER_NOTIFY.toMillis());
      // shards still on another node are handed off at the coordinator's next rebalance; messages
      // sent to them meanwhile would be dropped, so wait for the move
      for (EntityTypeKey<?> type : types) {
        while (!hostedElsewhere(system, type, partitions, self).isEmpty()) {
          if (System.nanoTime() > deadline) {
            return false;
          }
          Thread.sleep(200);
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  /**
   * The shards of these partitions some other node's region hosts now (all of them if the query
   * fails).
   */
  private static Set<String> hostedElsewhere(
      ActorSystem<?> system, EntityTypeKey<?> type, Set<Integer> partitions, Address self)
      throws InterruptedException {
    Set<String> wanted = new TreeSet<>();
    partitions.forEach(p -> wanted.add(Integer.toString(p)));
    try {
      ShardRegion.ClusterShardingStats stats =
          AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
                  ClusterSharding.get(system).shardState(),
                  replyTo -> new GetClusterShardingStats(type, Duration.ofSeconds(2), replyTo),
                  Duration.ofSeconds(3),
                  system.scheduler())
              .toCompletableFuture()
              .get(4, TimeUnit.SECONDS);
      return hostedElsewhere(stats, wanted, self);
    } catch (ExecutionException | TimeoutException e) {
      return wanted;
    }
  }

  /**
   * The wanted shards that regions other than {@code self} host or did not report on. Pekko answers
   * the stats query with no regions at all when this node's region does not know the coordinator
   * yet (a node that just joined) or any region's answer timed out; a reply without this node's own
   * region is therefore no answer, and every wanted shard may still be elsewhere.
   */
  static Set<String> hostedElsewhere(
      ShardRegion.ClusterShardingStats stats, Set<String> wanted, Address self) {
    if (!stats.getRegions().containsKey(self)) {
      return wanted;
    }
    Set<String> elsewhere = new TreeSet<>();
    stats
        .getRegions()
        .forEach(
            (address, region) -> {
              if (!address.equals(self)) {
                region.getStats().keySet().stream()
                    .filter(wanted::contains)
                    .forEach(elsewhere::add);
                region.getFailed().stream().filter(wanted::contains).forEach(elsewhere::add);
              }
            });
    return elsewhere;
  }

  /**
   * Writes the type's shard locations, as this node's replica holds them, to every node's replica
   * and waits for their acknowledgements; false if one did not acknowledge in time. Pekko's client
   * writes them to this node's replica only (WriteLocal), and a majority read back merges this
   * node's replica in, so it cannot tell whether the coordinator's node has them. That node hears
   * of them by delta propagation or gossip, under load a second or more later, and meanwhile
   * allocates a newly used shard to its old location, from where the next rebalance moves it
   * (entities restart under the stream, records in flight are dropped).
   */
  static boolean writtenToEveryNode(ActorSystem<?> system, EntityTypeKey<?> type, Duration timeout)
      throws InterruptedException {
    LWWMapKey<String, String> key = ExternalShardAllocationStrategy$.MODULE$.ddataKey(type.name());
    try {
      Replicator.UpdateResponse<LWWMap<String, String>> reply =
          AskPattern.<Replicator.Command, Replicator.UpdateResponse<LWWMap<String, String>>>ask(
                  DistributedData.get(system).replicator(),
                  replyTo ->
                      new Replicator.Update<>(
                          key,
                          LWWMap.create(),
                          new Replicator.WriteAll(timeout),
                          replyTo,
                          locations -> locations),
                  timeout.multipliedBy(2),
                  system.scheduler())
              .toCompletableFuture()
              .get(timeout.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
      return reply instanceof Replicator.UpdateSuccess;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  /**
   * Whether a majority read places every shard here (false also when the read fails: a member
   * joining or leaving).
   */
  private static boolean placedHere(
      ExternalShardAllocationClient client, Set<Integer> partitions, Address self)
      throws InterruptedException {
    try {
      Map<String, ExternalShardAllocationStrategy.ShardLocation> locations =
          client
              .getShardLocations()
              .toCompletableFuture()
              .get(2, TimeUnit.SECONDS)
              .getShardLocations();
      return partitions.stream()
          .allMatch(
              p ->
                  locations.containsKey(Integer.toString(p))
                      && self.equals(locations.get(Integer.toString(p)).address()));
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  /** pekko.cluster.distributed-data.notify-subscribers-interval, default. */
  private static final Duration SUBSCRIBER_NOTIFY = Duration.ofMillis(500);

  /** The partition numbers of these topic partitions, in order. */
  public static Set<Integer> partitions(Set<TopicPartition> tps) {
    Set<Integer> out = new TreeSet<>();
    tps.forEach(tp -> out.add(tp.partition()));
    return out;
  }
}
