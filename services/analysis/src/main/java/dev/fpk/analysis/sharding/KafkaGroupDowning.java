package dev.fpk.analysis.sharding;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.pekko.actor.AbstractActorWithTimers;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.DowningProvider;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.pattern.Patterns;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * fpk's downing: the Kafka consumer group, not the Pekko cluster, decides when a member is gone. A
 * member is downed when it has been unreachable for {@code fpk.downing.stable-after} and its
 * consumer (client id {@link #clientId}) is no longer a member of the analysis group {@code
 * fpk.group}: its session has expired, so Kafka has already given its partitions to the others, and
 * the shards of those partitions may follow them (cluster sharding reallocates a downed member's
 * shards). A member that is unreachable but still in the group keeps its partitions and its shards
 * (they are only asked by its own stream): a node frozen by a long GC pause, or cut off from the
 * other nodes but not from Kafka, is left alone until the group says otherwise.
 *
 * <p>Why not Pekko's split-brain resolver: with two nodes none of its strategies keeps the survivor
 * of every crash (keep-majority keeps the side of the lowest address, keep-oldest that of the
 * oldest member, static-quorum of 1 downs all once the cluster has two members), so a crash of the
 * wrong node stopped the whole analysis; and its verdict (reachability) can differ from Kafka's
 * (group membership), which is what places the work.
 */
public final class KafkaGroupDowning extends DowningProvider {
  private final Config config;

  public KafkaGroupDowning(ActorSystem system) {
    this.config = system.settings().config();
  }

  /**
   * The client id of the Kafka consumer of the node at this cluster address: how the downing tells
   * a member's consumer in the group.
   */
  public static String clientId(Address address) {
    String host = address.host().isDefined() ? address.host().get() : "local";
    String port = address.port().isDefined() ? address.port().get().toString() : "0";
    return "fpk-node-" + host + "-" + port;
  }

  /**
   * No margin: a member is downed only once its consumer has left the group, so it holds no
   * partitions, and its shards may start elsewhere at once.
   */
  @Override
  public FiniteDuration downRemovalMargin() {
    return FiniteDuration.Zero();
  }

  @Override
  public Option<Props> downingActorProps() {
    return Option.apply(Props.create(Downer.class, () -> new Downer(config)));
  }

  /**
   * Watches reachability; while some member has been unreachable for stable-after, asks the group
   * every check-interval who is still in it, and downs the unreachable members whose consumer is
   * not.
   */
  static final class Downer extends AbstractActorWithTimers {
    private static final Object TICK = "tick";
    private final LoggingAdapter log = Logging.getLogger(getContext().getSystem(), this);
    private final Cluster cluster = Cluster.get(getContext().getSystem());
    private final Map<Address, Long> unreachableSince = new HashMap<>();
    private final String group;
    private final Duration stableAfter;
    private final Properties adminProperties;
    private Admin admin;
    private boolean asking;

    /** The group's consumers' client ids at one moment. */
    private record GroupMembers(Set<String> clientIds) {}

    Downer(Config config) {
      this.group = config.getString("fpk.group");
      this.stableAfter = config.getDuration("fpk.downing.stable-after");
      this.adminProperties = adminProperties(config);
      getTimers()
          .startTimerWithFixedDelay(TICK, TICK, config.getDuration("fpk.downing.check-interval"));
    }

    private static Properties adminProperties(Config config) {
      Properties p = new Properties();
      // security settings as the consumer has them (fpk.kafka.client is merged into these)
      config
          .getConfig("pekko.kafka.consumer.kafka-clients")
          .entrySet()
          .forEach(
              e -> {
                String k = e.getKey().replace("\"", "");
                if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                  p.put(k, e.getValue().unwrapped().toString());
                }
              });
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString("fpk.downing.bootstrap"));
      return p;
    }

    @Override
    public void preStart() {
      cluster.subscribe(
          getSelf(),
          ClusterEvent.initialStateAsEvents(),
          ClusterEvent.UnreachableMember.class,
          ClusterEvent.ReachableMember.class,
          ClusterEvent.MemberRemoved.class);
    }

    @Override
    public void postStop() {
      cluster.unsubscribe(getSelf());
      if (admin != null) {
        admin.close(Duration.ofSeconds(1));
      }
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(
              ClusterEvent.UnreachableMember.class,
              u -> unreachableSince.putIfAbsent(u.member().address(), System.nanoTime()))
          .match(
              ClusterEvent.ReachableMember.class,
              r -> unreachableSince.remove(r.member().address()))
          .match(
              ClusterEvent.MemberRemoved.class, r -> unreachableSince.remove(r.member().address()))
          .matchEquals(TICK, t -> askGroupIfNeeded())
          .match(GroupMembers.class, this::downThoseGone)
          .match(
              org.apache.pekko.actor.Status.Failure.class,
              f -> {
                asking = false;
                log.warning("could not describe group {}: {}", group, f.cause().toString());
              })
          .build();
    }

    private List<Address> stablyUnreachable() {
      long now = System.nanoTime();
      return unreachableSince.entrySet().stream()
          .filter(e -> now - e.getValue() >= stableAfter.toNanos())
          .map(Map.Entry::getKey)
          .toList();
    }

    private void askGroupIfNeeded() {
      if (asking || stablyUnreachable().isEmpty()) {
        return;
      }
      if (adminProperties.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG).isEmpty()) {
        log.warning(
            "members {} unreachable, and no Kafka to ask (fpk.downing.bootstrap)",
            stablyUnreachable());
        return;
      }
      if (admin == null) {
        admin = Admin.create(adminProperties);
      }
      asking = true;
      var members =
          admin
              .describeConsumerGroups(List.of(group))
              .all()
              .toCompletionStage()
              .thenApply(
                  d ->
                      new GroupMembers(
                          d.get(group).members().stream()
                              .map(MemberDescription::clientId)
                              .collect(Collectors.toSet())));
      Patterns.pipe(
              members.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS),
              getContext().getDispatcher())
          .to(getSelf());
    }

    private void downThoseGone(GroupMembers members) {
      asking = false;
      for (Address a : stablyUnreachable()) {
        if (!members.clientIds().contains(clientId(a))) {
          log.warning(
              "downing {}: unreachable for {} ms and its consumer {} has left group {} (its"
                  + " partitions are with the others)",
              a,
              (System.nanoTime() - unreachableSince.get(a)) / 1_000_000,
              clientId(a),
              group);
          cluster.down(a);
          unreachableSince.remove(a);
        }
      }
    }
  }
}
