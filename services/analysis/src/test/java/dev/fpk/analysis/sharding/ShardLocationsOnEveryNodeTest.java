package dev.fpk.analysis.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy$;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node that is assigned partitions must put its shard locations on the coordinator's node before
 * the first records allocate their shards there. Two cluster nodes in this JVM whose replicas
 * exchange nothing by themselves (no gossip, no delta propagation), so that only a write to every
 * node can put a location on the other one.
 */
class ShardLocationsOnEveryNodeTest {
  private static final Config CONFIG =
      ConfigFactory.parseString(
              """
              pekko.actor.provider = cluster
              pekko.remote.artery.canonical.hostname = "127.0.0.1"
              pekko.remote.artery.canonical.port = 0
              pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
              pekko.cluster.distributed-data.gossip-interval = 1h
              pekko.cluster.distributed-data.delta-crdt.enabled = off
              """)
          .withFallback(ConfigFactory.load());

  private static final EntityTypeKey<String> TYPE = EntityTypeKey.create(String.class, "located");
  private static final LWWMapKey<String, String> KEY =
      ExternalShardAllocationStrategy$.MODULE$.ddataKey(TYPE.name());
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static ActorTestKit coordinators;
  private static ActorTestKit assigned;

  @BeforeAll
  static void twoNodes() throws Exception {
    coordinators = ActorTestKit.create("fpk", CONFIG);
    assigned = ActorTestKit.create("fpk", CONFIG);
    Address seed = address(coordinators.system());
    Cluster.get(coordinators.system()).manager().tell(Join.create(seed));
    Cluster.get(assigned.system()).manager().tell(Join.create(seed));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (upMembers(coordinators.system()) < 2 || upMembers(assigned.system()) < 2) {
      assertTrue(System.nanoTime() < deadline, "two nodes up within " + WAIT);
      Thread.sleep(50);
    }
  }

  @AfterAll
  static void stop() {
    assigned.shutdownTestKit();
    coordinators.shutdownTestKit();
  }

  @Test
  void shouldPutThisNodesLocationsOnTheOtherNode() throws Exception {
    Address self = address(assigned.system());
    ExternalShardAllocation.get(assigned.system())
        .getClient(TYPE.name())
        .setShardLocation("2", self)
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertTrue(
        KafkaShardAlignment.writtenToEveryNode(assigned.system(), TYPE, Duration.ofSeconds(3)),
        "every node acknowledged");
    assertEquals(self.toString(), localLocations(coordinators.system()).get("2"));
  }

  @Test
  void shouldFindThatPekkosClientAloneWritesThisNodeOnly() throws Exception {
    ExternalShardAllocation.get(assigned.system())
        .getClient(TYPE.name())
        .setShardLocation("3", address(assigned.system()))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertEquals(address(assigned.system()).toString(), localLocations(assigned.system()).get("3"));
    assertFalse(
        localLocations(coordinators.system()).containsKey("3"),
        "Pekko's client writes the other nodes too now: writtenToEveryNode may go");
  }

  private static Address address(ActorSystem<?> system) {
    return Cluster.get(system).selfMember().address();
  }

  private static long upMembers(ActorSystem<?> system) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  /** The locations this node's own replica holds. */
  private static Map<String, String> localLocations(ActorSystem<?> system) throws Exception {
    Replicator.GetResponse<LWWMap<String, String>> reply =
        AskPattern.<Replicator.Command, Replicator.GetResponse<LWWMap<String, String>>>ask(
                DistributedData.get(system).replicator(),
                replyTo -> new Replicator.Get<>(KEY, Replicator.readLocal(), replyTo),
                Duration.ofSeconds(3),
                system.scheduler())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    return reply instanceof Replicator.GetSuccess<LWWMap<String, String>> found
        ? found.get(KEY).getEntries()
        : Map.of();
  }
}
