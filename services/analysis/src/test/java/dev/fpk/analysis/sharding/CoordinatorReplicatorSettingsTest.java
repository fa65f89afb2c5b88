package dev.fpk.analysis.sharding;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.cluster.ddata.ReplicatorSettings;
import org.junit.jupiter.api.Test;

/**
 * The replicator the shard coordinators write their state through, as Pekko builds it from the
 * merged reference configuration: it must not prefer the oldest nodes (the analysis module's
 * reference.conf says why: Pekko 1.2's by-age list can keep a removed member, and every coordinator
 * write then waits for it). Pekko's own reference.conf turns it on, so this holds only while the
 * module's reference.conf takes precedence.
 */
class CoordinatorReplicatorSettingsTest {
  @Test
  void shouldNotPreferTheOldestNodes() {
    Config config = ConfigFactory.load();
    ReplicatorSettings settings =
        ReplicatorSettings.apply(config.getConfig("pekko.cluster.sharding.distributed-data"));
    assertFalse(settings.preferOldest(), "pekko.cluster.sharding.distributed-data.prefer-oldest");
  }
}
