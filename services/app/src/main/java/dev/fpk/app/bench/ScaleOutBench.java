package dev.fpk.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.analysis.sharding.KafkaPartitionExtractor;
import dev.fpk.app.broker.EmbeddedKafka;
import dev.fpk.app.loadgen.LoadGenerator;
import dev.fpk.app.node.KafkaAdmin;
import dev.fpk.app.report.ReportDifference;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * {@code fpk bench scaleout}: the same load analysed by 1, 2, 3... {@code fpk node} processes of
 * one Pekko cluster (child processes of this jar), each count against a broker of its own (embedded
 * in this JVM) with the same partitions and the same runs, spread evenly over the partitions. Per
 * count: a warm-up (the runs' entities start, the JIT compiles), then the measured steps published
 * at a fixed rate and analysed to the last commit. The figure is the analysis threads' CPU time
 * ({@code fpk.analysis.cpu}, JVM thread CPU of the nodes' fpk-* threads, read from each node's
 * /metrics before and after the measured steps) per million weight values, summed over the nodes:
 * what adding nodes costs in total work, which thread CPU measures even on cores shared with other
 * processes. Beside it the partitions and layers (one estimator and one solver entity each) each
 * consumer holds, and the largest relative difference of every run's report to that of one node.
 */
public final class ScaleOutBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration NODE_UP = Duration.ofSeconds(120);
  private static final Duration ANALYSED = Duration.ofMinutes(10);
  private static final String CPU = "fpk_analysis_cpu_seconds_total";

  /**
   * The nodes' replica timeout: far beyond any gap of the bench (the default 30 s was passed
   * between the warm-up and the measured steps at load 26, and 63 replicas of a run declared gone).
   */
  private static final String REPLICA_TIMEOUT = "10m";

  /** How long the idle nodes' CPU is read, before the warm-up. */
  private static final Duration IDLE = Duration.ofSeconds(10);

  /** The whole node process's CPU (Micrometer's ProcessorMetrics), GC and JIT included. */
  private static final String PROCESS_CPU_NANOS = "process_cpu_time_ns_total";

  /** The largest entity checkpoint (estimator and solver state of one layer) lately written. */
  private static final String CHECKPOINT_MAX = "fpk_checkpoint_size_bytes_max";

  /**
   * @param nodeCounts the node counts to run, in order (the first is the reference, usually 1)
   * @param snapshotsPerSecond the publishing rate of warm-up and measured steps
   * @param heap each node's -Xmx
   */
  public record Settings(
      List<Integer> nodeCounts,
      int partitions,
      int runs,
      int replicas,
      int rows,
      int cols,
      double snapshotsPerSecond,
      int warmUpSteps,
      int steps,
      String heap) {
    public Settings {
      if (nodeCounts.isEmpty() || nodeCounts.stream().anyMatch(n -> n < 1)) {
        throw new IllegalArgumentException("scaleout: --nodes " + nodeCounts + ": counts >= 1");
      }
      if (partitions < 1 || runs % partitions != 0) {
        throw new IllegalArgumentException(
            "scaleout: --runs "
                + runs
                + " must be a multiple of --partitions "
                + partitions
                + " (the same number of runs on every partition)");
      }
      if (replicas < 2 || rows < 1 || cols < 1 || warmUpSteps < 1 || steps < 1) {
        throw new IllegalArgumentException(
            "scaleout: need replicas >= 2, a shape, warm-up steps >= 1 and steps >= 1");
      }
      if (!(snapshotsPerSecond > 0) || Double.isInfinite(snapshotsPerSecond)) {
        throw new IllegalArgumentException(
            "scaleout: --rate " + snapshotsPerSecond + " snapshots/s: must be finite and > 0");
      }
    }
  }

  private final Settings settings;
  private final Path jar;
  private final PrintStream progress;
  private final String prefix;

  private ScaleOutBench(Settings settings, Path jar, PrintStream progress) {
    this.settings = settings;
    this.jar = jar;
    this.progress = progress;
    this.prefix = balancedPrefix(settings.runs(), settings.partitions());
  }

  /**
   * Runs every node count in turn, printing one JSON object per count to {@code out} as it ends;
   * progress and the nodes' log directory go to {@code progress}.
   */
  public static void run(Settings settings, PrintStream out, PrintStream progress)
      throws Exception {
    Path jar =
        NodeChild.ownJar()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "scaleout starts nodes of the fpk jar: run it as java -jar fpk.jar bench"
                            + " scaleout"));
    new ScaleOutBench(settings, jar, progress).run(out);
  }

  private void run(PrintStream out) throws Exception {
    Path dir = Files.createTempDirectory("fpk-scaleout");
    progress.printf(
        "fpk bench scaleout: nodes %s, %d partitions, %d runs (prefix %s) x %d replicas of %dx%d,"
            + " %.0f snapshots/s; node logs in %s%n",
        settings.nodeCounts(),
        settings.partitions(),
        settings.runs(),
        prefix,
        settings.replicas(),
        settings.rows(),
        settings.cols(),
        settings.snapshotsPerSecond(),
        dir);
    Map<String, JsonNode> reference = null;
    double referenceCpu = Double.NaN;
    double referenceProcess = Double.NaN;
    for (int n : settings.nodeCounts()) {
      ObjectNode result = JSON.createObjectNode().put("name", "scaleout").put("nodes", n);
      Map<String, JsonNode> reports = measure(n, dir, result);
      double cpu = result.get("analysisCpuSecondsPerMillionValues").asDouble();
      double process = result.get("processCpuSecondsPerMillionValues").asDouble();
      if (reference == null) {
        reference = reports;
        referenceCpu = cpu;
        referenceProcess = process;
      }
      result.put("cpuRelativeToFirst", round3(cpu / referenceCpu));
      result.put("processCpuRelativeToFirst", round3(process / referenceProcess));
      result.put("maxRelativeDifferenceToFirst", difference(reference, reports));
      out.println(result);
      out.flush();
    }
  }

  /** One node count: its figures into {@code result}; returns every run's report layers. */
  private Map<String, JsonNode> measure(int n, Path dir, ObjectNode result) throws Exception {
    result.put("loadAverageBefore", loadAverage());
    try (EmbeddedKafka broker = EmbeddedKafka.start();
        KafkaAdmin admin = new KafkaAdmin(broker.bootstrapServers());
        KafkaProducer<byte[], byte[]> producer =
            LoadGenerator.producer(broker.bootstrapServers(), "scaleout")) {
      String bootstrap = broker.bootstrapServers();
      admin.ensureTopics(settings.partitions(), (short) 1);
      String group = "scaleout-" + n;
      List<NodeChild> nodes = new ArrayList<>();
      try {
        int seedPort = freePort();
        for (int i = 0; i < n; i++) {
          int port = i == 0 ? seedPort : freePort();
          nodes.add(
              NodeChild.start(
                  jar,
                  dir,
                  bootstrap,
                  settings.heap(),
                  // a loaded machine may take long over the warm-up and the reports: the runs'
                  // replicas must not be declared gone in the gap (that changes the report)
                  Map.of("fpk.group", group, "fpk.estimator.replica-timeout", REPLICA_TIMEOUT),
                  List.of(
                      "--cluster-port",
                      Integer.toString(port),
                      "--seed-nodes",
                      "127.0.0.1:" + seedPort),
                  NODE_UP));
        }
        awaitMembers(admin, group, n);
        LoadGenerator.Load load =
            new LoadGenerator.Load(
                new LoadGenerator.Settings(
                    prefix,
                    "w",
                    settings.runs(),
                    settings.replicas(),
                    settings.rows(),
                    settings.cols(),
                    settings.snapshotsPerSecond(),
                    settings.warmUpSteps() + settings.steps() - 1,
                    1));
        // the nodes' own cost with nothing to analyse (cluster heartbeats and gossip, consumer
        // polls, barriers): a fixed cost per node, beside the cost per value; read before the
        // warm-up, not between it and the measured steps, where a pause is a silence of the runs
        double[] idleFrom = values(nodes, CPU);
        Thread.sleep(IDLE.toMillis());
        double[] idleTo = values(nodes, CPU);
        double idle = 0;
        for (int i = 0; i < n; i++) {
          idle += idleTo[i] - idleFrom[i];
        }
        load.publish(producer, settings.snapshotsPerSecond(), settings.warmUpSteps());
        awaitAnalysed(admin, group);
        double[] before = values(nodes, CPU);
        double[] processBefore = values(nodes, PROCESS_CPU_NANOS);
        long start = System.nanoTime();
        LoadGenerator.Report sent =
            load.publish(producer, settings.snapshotsPerSecond(), settings.steps());
        awaitAnalysed(admin, group);
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] after = values(nodes, CPU);
        double[] processAfter = values(nodes, PROCESS_CPU_NANOS);
        double checkpoint = 0;
        for (double bytes : values(nodes, CHECKPOINT_MAX)) {
          checkpoint = Math.max(checkpoint, bytes);
        }
        double process = 0;
        for (int i = 0; i < n; i++) {
          process += (processAfter[i] - processBefore[i]) / 1e9;
        }

        ArrayNode perNode = JSON.createArrayNode();
        double total = 0;
        for (int i = 0; i < n; i++) {
          perNode.add(round3(after[i] - before[i]));
          total += after[i] - before[i];
        }
        List<List<Integer>> members = admin.memberPartitions(group);
        ArrayNode partitions = JSON.createArrayNode();
        ArrayNode layers = JSON.createArrayNode();
        for (List<Integer> m : members) {
          partitions.add(m.size());
          layers.add(m.size() * (settings.runs() / settings.partitions()));
        }
        result
            .put("values", sent.values())
            .put("analysisCpuSeconds", round3(total))
            .put("analysisCpuSecondsPerMillionValues", round3(total / (sent.values() / 1e6)))
            .put("idleAnalysisCpuSecondsPerNodeSecond", round3(idle / n / IDLE.toNanos() * 1e9))
            .put("processCpuSeconds", round3(process))
            .put("processCpuSecondsPerMillionValues", round3(process / (sent.values() / 1e6)))
            .put("checkpointBytesPerLayer", Math.round(checkpoint))
            .put(
                "checkpointBytesPerEntry",
                Math.round(checkpoint / (settings.rows() * settings.cols())))
            .put("wallSeconds", round3(seconds))
            .put("valuesPerSecond", Math.round(sent.values() / seconds))
            .put("processors", Runtime.getRuntime().availableProcessors());
        result.set("analysisCpuSecondsPerNode", perNode);
        result.set("partitionsPerConsumer", partitions);
        result.set("layersPerConsumer", layers);
        result
            .put("partitions", settings.partitions())
            .put("runs", settings.runs())
            .put("replicas", settings.replicas())
            .put("shape", settings.rows() + "x" + settings.cols())
            .put("warmUpSteps", settings.warmUpSteps())
            .put("steps", settings.steps())
            .put("snapshotsPerSecond", settings.snapshotsPerSecond())
            .put("heap", settings.heap())
            .put("loadAverageAfter", loadAverage());
        progress.printf(
            Locale.ROOT,
            "%d node(s): %.3f s of analysis CPU per million values (%s per node), partitions per"
                + " consumer %s, %.1f s%n",
            n,
            total / (sent.values() / 1e6),
            perNode,
            partitions,
            seconds);
        Map<String, JsonNode> reports = new TreeMap<>();
        for (int r = 0; r < settings.runs(); r++) {
          String run = prefix + "-r" + r;
          reports.put(run, ReportDifference.densityLayers(bootstrap, run));
        }
        return reports;
      } finally {
        for (NodeChild node : nodes) {
          node.stop(Duration.ofSeconds(40));
        }
      }
    }
  }

  /**
   * The largest relative difference of any run's report to the reference's (Infinity where their
   * structure differs).
   */
  private static double difference(Map<String, JsonNode> reference, Map<String, JsonNode> other) {
    double max = 0;
    for (Map.Entry<String, JsonNode> e : reference.entrySet()) {
      try {
        max = Math.max(max, ReportDifference.max(e.getValue(), other.get(e.getKey()), e.getKey()));
      } catch (IllegalArgumentException | NullPointerException differs) {
        return Double.POSITIVE_INFINITY;
      }
    }
    return max;
  }

  /** Each node's value of this series now (a counter's, or a gauge's). */
  private static double[] values(List<NodeChild> nodes, String counter)
      throws IOException, InterruptedException {
    double[] out = new double[nodes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = MetricsScrape.of(nodes.get(i).metricsAddress()).sum(counter);
      if (Double.isNaN(out[i])) {
        throw new IllegalStateException("node " + i + " has no " + counter + " on /metrics");
      }
    }
    return out;
  }

  /** Waits until n consumers of the group hold partitions. */
  private static void awaitMembers(KafkaAdmin admin, String group, int n) throws Exception {
    long deadline = System.nanoTime() + NODE_UP.toNanos();
    while (true) {
      List<List<Integer>> m = admin.memberPartitions(group);
      if (m.size() == n && m.stream().noneMatch(List::isEmpty)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(group + ": " + m + " after " + NODE_UP + ", want " + n);
      }
      Thread.sleep(200);
    }
  }

  /** Waits until the group has committed everything published. */
  private static void awaitAnalysed(KafkaAdmin admin, String group) throws Exception {
    long deadline = System.nanoTime() + ANALYSED.toNanos();
    while (admin.lag(group, Topics.SNAPSHOTS) > 0) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            group + " still " + admin.lag(group, Topics.SNAPSHOTS) + " records behind");
      }
      Thread.sleep(100);
    }
  }

  /**
   * A run-id prefix whose runs ({@code prefix-r0}, ... with layer "w") fall evenly on the
   * partitions, so that balanced partitions are balanced work.
   */
  static String balancedPrefix(int runs, int partitions) {
    for (int k = 0; ; k++) {
      String prefix = "scaleout-" + k;
      int[] count = new int[partitions];
      boolean even = true;
      for (int r = 0; r < runs && even; r++) {
        int p =
            KafkaPartitionExtractor.partitionOf(SnapshotKey.of(prefix + "-r" + r, "w"), partitions);
        even = ++count[p] <= runs / partitions;
      }
      if (even) {
        return prefix;
      }
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double round3(double x) {
    return Math.round(x * 1000) / 1000.0;
  }
}
