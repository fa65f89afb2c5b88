package dev.fpk.app.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.fpk.app.broker.EmbeddedKafka;
import dev.fpk.app.report.OutputFollower;
import dev.fpk.app.report.ReportCollector;
import dev.fpk.protocol.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.kafka.javadsl.Consumer;

/**
 * Everything {@code demo} and {@code replay} run in one JVM: a broker (the embedded one unless
 * bootstrap servers are given), the fpk topics, an analysis node and a follower of its outputs.
 */
public final class Pipeline implements AutoCloseable {
  private final EmbeddedKafka broker;
  private final String bootstrap;
  private final AnalysisNode node;
  private final ReportCollector collector = new ReportCollector();
  private final Consumer.Control follower;
  private final String group;

  /** One admin client for the pipeline's life: the catch-up check polls it ten times a second. */
  private final KafkaAdmin admin;

  private Pipeline(Config config, String bootstrapOrEmpty) {
    this.broker = bootstrapOrEmpty.isBlank() ? EmbeddedKafka.start() : null;
    this.bootstrap = broker != null ? broker.bootstrapServers() : bootstrapOrEmpty;
    this.group = config.getString("fpk.group");
    this.admin = new KafkaAdmin(bootstrap);
    this.node = AnalysisNode.start(config, bootstrap); // creates the topics
    this.follower = OutputFollower.start(node.system(), bootstrap, collector);
  }

  /** Starts a pipeline; an empty bootstrap starts the embedded broker. */
  public static Pipeline start(Config config, String bootstrapOrEmpty) {
    return new Pipeline(config, bootstrapOrEmpty);
  }

  /** As {@link #start(Config, String)} with the analysis in its own consumer group. */
  public static Pipeline start(Config config, String bootstrapOrEmpty, String group) {
    return new Pipeline(
        config.withValue("fpk.group", ConfigValueFactory.fromAnyRef(group)), bootstrapOrEmpty);
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  public boolean embedded() {
    return broker != null;
  }

  public AnalysisNode node() {
    return node;
  }

  public ReportCollector collector() {
    return collector;
  }

  /**
   * Waits until the analysis has committed every snapshot published so far, written their spectra,
   * and the report has read every output that produced.
   */
  public void awaitCaughtUp(Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isCaughtUp()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "timed out after " + timeout + " waiting for the analysis to catch up");
      }
      Thread.sleep(100);
    }
  }

  /**
   * True when the analysis has committed every snapshot published so far, written their spectra
   * (the spectral branch runs behind the commits), and the report has read every output that
   * produced.
   */
  public boolean isCaughtUp() {
    if (admin.lag(group, Topics.SNAPSHOTS) > 0) {
      return false;
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    if (node.spectralPending() > 0) {
      return false; // spectra of analysed steps still being computed or written
    }
    for (String t : Topics.outputs()) {
      ends.putAll(admin.endOffsets(t));
    }
    return collector.caughtUpWith(ends);
  }

  @Override
  public void close() {
    follower.shutdown().toCompletableFuture().join();
    node.close();
    admin.close();
    if (broker != null) {
      broker.close();
    }
  }
}
