package dev.fpk.app.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;

/**
 * Seed nodes from {@code fpk.seed-nodes} ({@code FPK_SEED_NODES}): comma-separated {@code
 * host:port} (or full {@code pekko://fpk@host:port} addresses), turned into {@code
 * pekko.cluster.seed-nodes}. An environment variable cannot hold a HOCON list, hence the string.
 * Empty: the config's own list.
 */
final class ClusterSeeds {
  static final String SYSTEM_NAME = "fpk";

  private ClusterSeeds() {}

  static Config apply(Config config) {
    String seeds = config.getString("fpk.seed-nodes").trim();
    if (seeds.isEmpty()) {
      return config;
    }
    List<String> addresses =
        Arrays.stream(seeds.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(ClusterSeeds::address)
            .toList();
    return config.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(addresses));
  }

  static String address(String seed) {
    if (seed.startsWith("pekko://")) {
      return seed;
    }
    if (!seed.matches("[^:/@\\s]+:\\d{1,5}")) {
      throw new IllegalArgumentException(
          "fpk.seed-nodes: '"
              + seed
              + "' is neither host:port nor pekko://"
              + SYSTEM_NAME
              + "@host:port");
    }
    return "pekko://" + SYSTEM_NAME + "@" + seed;
  }
}
