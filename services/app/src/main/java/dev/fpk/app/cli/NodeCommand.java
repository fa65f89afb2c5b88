package dev.fpk.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.node.AnalysisNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.pekko.cluster.typed.Cluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One analysis node of a cluster against an external Kafka: the estimator and solver entities and
 * the stream that feeds them. The two roles run together: the stream asks the estimator and then
 * the solver of each record's (run, layer) and checkpoints both at the same barriers, and the
 * shards of both follow the partitions this node consumes. More nodes = more partitions consumed in
 * parallel; each node runs both.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description =
        "Run an analysis node (estimators and solvers) of a Pekko cluster against an external Kafka until Ctrl-C.")
public final class NodeCommand implements Callable<Integer> {
  static final Set<String> ANALYSIS = Set.of("estimator", "solver");

  @Spec CommandSpec spec;

  @Option(
      names = "--roles",
      split = ",",
      defaultValue = "estimator,solver",
      description =
          "Roles of this process (default ${DEFAULT-VALUE}); estimator and solver go together")
  List<String> roles;

  @Mixin BootstrapOptions.Required kafka;

  @Mixin EntriesOptions entries;

  @Option(
      names = "--seed-nodes",
      description = "Pekko seed nodes host:port,... (default: fpk.seed-nodes, $FPK_SEED_NODES)")
  String seedNodes;

  @Option(
      names = "--cluster-port",
      description = "Pekko remoting port (default: fpk config, $FPK_CLUSTER_PORT)")
  Integer clusterPort;

  @Option(
      names = "--http-port",
      description = "Metrics and health port (default: fpk.http.port, $FPK_HTTP_PORT)")
  Integer httpPort;

  @Override
  public Integer call() throws Exception {
    Set<String> asked = new TreeSet<>(roles);
    if (!asked.equals(ANALYSIS)) {
      throw new IllegalArgumentException(
          "--roles "
              + String.join(",", roles)
              + ": a node runs estimator,solver together"
              + " (the stream asks both for each record and checkpoints both at once); train and dashboard are their own"
              + " commands");
    }
    Config config = entries.applyTo(FpkConfig.load());
    if (seedNodes != null) {
      config = config.withValue("fpk.seed-nodes", ConfigValueFactory.fromAnyRef(seedNodes));
    }
    if (clusterPort != null) {
      config =
          config.withValue(
              "pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(clusterPort));
    }
    if (httpPort != null) {
      config = config.withValue("fpk.http.port", ConfigValueFactory.fromAnyRef(httpPort));
    }
    try (AnalysisNode node = AnalysisNode.start(config, kafka.bootstrap)) {
      spec.commandLine()
          .getOut()
          .printf(
              "node %s up: roles %s, Kafka %s, metrics http://%s/metrics%n",
              Cluster.get(node.system()).selfMember().address(),
              asked,
              kafka.bootstrap,
              node.httpAddress());
      spec.commandLine().getOut().flush();
      // a node the others have downed (frozen for longer than the failure detector allows, or cut
      // off from them) has its actor system terminated by Pekko, its Kafka consumer closed and its
      // partitions given to the others: it ends, so that whatever supervises it starts it afresh
      Thread command = Thread.currentThread();
      node.system()
          .getWhenTerminated()
          .thenRun(
              () -> {
                if (!SignalStop.stopping()) {
                  command.interrupt();
                }
              });
      SignalStop.awaitSignal(); // then the node drains, checkpoints and leaves its cluster
      if (!SignalStop.stopping()) {
        spec.commandLine()
            .getErr()
            .println(
                "fpk node: removed from its cluster (downed by the other members), exiting;"
                    + " its partitions went to the others");
        return 1;
      }
    }
    return 0;
  }
}
