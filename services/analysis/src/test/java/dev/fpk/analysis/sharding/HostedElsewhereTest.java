package dev.fpk.analysis.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.sharding.ShardRegion.ClusterShardingStats;
import org.apache.pekko.cluster.sharding.ShardRegion.ShardRegionStats;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Whether the shards of newly assigned partitions have left the other nodes, read from Pekko's
 * cluster sharding stats: the wait before a new partition's first fetch relies on it, and a wrong
 * "nowhere else" lets the first records reach a shard in hand-off, whose region drops them.
 */
class HostedElsewhereTest {
  private static final Address SELF = new Address("pekko", "fpk", "127.0.0.1", 2551);
  private static final Address OTHER = new Address("pekko", "fpk", "127.0.0.1", 2552);
  private static final Set<String> WANTED = Set.of("2", "3");

  @Test
  void shouldTakeAnAnswerWithoutAnyRegionForNoAnswer() {
    // what a node that just joined gets while its region does not know the coordinator yet
    assertEquals(WANTED, KafkaShardAlignment.hostedElsewhere(stats(Map.of()), WANTED, SELF));
  }

  @Test
  void shouldTakeAnAnswerWithoutThisNodesRegionForNoAnswer() {
    var stats = stats(Map.of(OTHER, region(Map.of("0", 1), Set.of())));
    assertEquals(WANTED, KafkaShardAlignment.hostedElsewhere(stats, WANTED, SELF));
  }

  @Test
  void shouldNameTheWantedShardsAnotherRegionHostsOrFailedToReport() {
    var stats =
        stats(
            Map.of(
                SELF, region(Map.of("0", 4), Set.of()),
                OTHER, region(Map.of("1", 2, "2", 3), Set.of("3"))));
    assertEquals(Set.of("2", "3"), KafkaShardAlignment.hostedElsewhere(stats, WANTED, SELF));
  }

  @Test
  void shouldFindNothingElsewhereOnceTheOtherRegionsHostOtherShards() {
    var stats =
        stats(
            Map.of(
                SELF, region(Map.of("2", 4, "3", 1), Set.of()),
                OTHER, region(Map.of("0", 2, "1", 3), Set.of())));
    assertEquals(Set.of(), KafkaShardAlignment.hostedElsewhere(stats, WANTED, SELF));
  }

  private static ClusterShardingStats stats(Map<Address, ShardRegionStats> regions) {
    return new ClusterShardingStats(
        scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(regions)));
  }

  @SuppressWarnings("unchecked")
  private static ShardRegionStats region(Map<String, Integer> entities, Set<String> failed) {
    Map<String, Object> counts = (Map<String, Object>) (Map<String, ?>) entities;
    return new ShardRegionStats(
        scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(counts)),
        scala.collection.immutable.Set$.MODULE$.from(CollectionConverters.asScala(failed)));
  }
}
