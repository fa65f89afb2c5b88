package dev.fpk.app.broker;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Features;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), on
 * 127.0.0.1 with a temporary log directory that is deleted on {@link #close()}.
 *
 * <p>Kafka cannot report the real port of a port-0 listener, so free ports are picked first and the
 * start is retried when another process wins the race for them.
 *
 * <p>For fault tests the broker can be {@linkplain #stop() stopped} and {@linkplain #restart()
 * started again} on the same log directory and ports: topics, records and committed offsets
 * survive, and clients reconnect to the same address.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final int START_ATTEMPTS = 5;
  // not broker properties: they ask startOnce for a SCRAM listener and are removed before use
  private static final String SCRAM_USER = "fpk.embedded.scram.user";
  private static final String SCRAM_PASSWORD = "fpk.embedded.scram.password";
  // the ports of a stopped broker may stay in use for a moment (connections closing)
  private static final int RESTART_ATTEMPTS = 20;
  private static final Duration RESTART_RETRY = Duration.ofMillis(500);

  private final KafkaConfig config;
  private final Path logDir;
  private final String bootstrap;
  private KafkaRaftServer server; // null while stopped

  private EmbeddedKafka(KafkaConfig config, KafkaRaftServer server, Path logDir, String bootstrap) {
    this.config = config;
    this.server = server;
    this.logDir = logDir;
    this.bootstrap = bootstrap;
  }

  /** Starts a broker with the given extra broker properties (they override the defaults). */
  public static EmbeddedKafka start(Properties overrides) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      Path dir = createTempDir();
      try {
        return startOnce(dir, overrides);
      } catch (RuntimeException e) {
        deleteRecursively(dir);
        if (!isBindFailure(e)) {
          throw e;
        }
        last = e;
      }
    }
    throw new IllegalStateException(
        "embedded Kafka could not bind its ports after " + START_ATTEMPTS + " attempts", last);
  }

  public static EmbeddedKafka start() {
    return start(new Properties());
  }

  /**
   * Starts a broker whose client listener requires SASL/SCRAM-SHA-256 authentication
   * (SASL_PLAINTEXT), with one user; the credentials are written into the cluster metadata when the
   * log directory is formatted, as {@code kafka-storage format --add-scram} does.
   */
  public static EmbeddedKafka startWithScram(String user, String password) {
    Properties p = new Properties();
    p.put(SCRAM_USER, user);
    p.put(SCRAM_PASSWORD, password);
    return start(p);
  }

  /** Bootstrap servers, "127.0.0.1:port". */
  public String bootstrapServers() {
    return bootstrap;
  }

  /**
   * Stops the broker (a controlled shutdown), keeping its log directory and ports for {@link
   * #restart()}.
   */
  public synchronized void stop() {
    if (server != null) {
      KafkaRaftServer s = server;
      server = null;
      s.shutdown();
      s.awaitShutdown();
    }
  }

  /**
   * Starts a stopped broker again on its log directory and ports; clients reconnect to the same
   * address.
   */
  public synchronized void restart() {
    if (server != null) {
      throw new IllegalStateException(
          "embedded Kafka at " + bootstrap + " is running: stop() it first");
    }
    RuntimeException last = null;
    for (int attempt = 0; attempt < RESTART_ATTEMPTS; attempt++) {
      try {
        server = launch(config);
        return;
      } catch (RuntimeException e) {
        if (!isBindFailure(e)) {
          throw e;
        }
        last = e;
        sleep(RESTART_RETRY);
      }
    }
    throw new IllegalStateException(
        "embedded Kafka could not bind "
            + bootstrap
            + " again after "
            + RESTART_ATTEMPTS
            + " attempts",
        last);
  }

  @Override
  public void close() {
    try {
      stop();
    } finally {
      deleteRecursively(logDir);
    }
  }

  private static EmbeddedKafka startOnce(Path dir, Properties overrides) {
    int brokerPort = freePort();
    int controllerPort = freePort();
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.toString());
    p.put("num.partitions", "4");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "true");
    // room for a 2048x2048 float matrix in one chunked stream of records (protocol/README.md)
    p.put("message.max.bytes", String.valueOf(8 * 1024 * 1024));
    p.put("replica.fetch.max.bytes", String.valueOf(8 * 1024 * 1024));
    // the log cleaner zeroes its whole offset map (Kafka's default 128 MiB) before every cleaning
    // of a compacted partition, and the checkpoint topic's small segments are cleaned every few
    // seconds: 2% of all threads' samples in fpk bench e2e (JFR, BENCHMARKS "Ninth session").
    // 16 MiB holds about 600,000 keys per cleaning, where the checkpoint topic's dirty segments
    // have a few hundred (entities' manifests and their chunks' epoch keys), __consumer_offsets
    // fewer.
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    Properties extra = (Properties) overrides.clone();
    String scramUser = (String) extra.remove(SCRAM_USER);
    String scramPassword = (String) extra.remove(SCRAM_PASSWORD);
    List<String> scram = List.of();
    if (scramUser != null) {
      String listener = "SASL_PLAINTEXT://127.0.0.1:" + brokerPort;
      p.put("listeners", listener + ",CONTROLLER://127.0.0.1:" + controllerPort);
      p.put("advertised.listeners", listener);
      p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
      p.put("sasl.enabled.mechanisms", "SCRAM-SHA-256");
      p.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-256");
      p.put(
          "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
              + scramUser
              + "\" password=\""
              + scramPassword
              + "\";");
      scram = List.of("SCRAM-SHA-256=[name=" + scramUser + ",password=" + scramPassword + "]");
    }
    p.putAll(extra);
    KafkaConfig config = KafkaConfig.fromProps(p, false);
    format(config, dir, scram);
    return new EmbeddedKafka(config, launch(config), dir, "127.0.0.1:" + brokerPort);
  }

  /** Starts a broker on an already formatted log directory. */
  private static KafkaRaftServer launch(KafkaConfig config) {
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown();
      throw e;
    }
    return server;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while restarting embedded Kafka", e);
    }
  }

  private static void format(KafkaConfig config, Path dir, List<String> scramArguments) {
    try {
      new Formatter()
          .setScramArguments(scramArguments)
          .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
          .setSupportedFeatures(Features.PRODUCTION_FEATURES)
          .setClusterId(Uuid.randomUuid().toString())
          .setNodeId(config.nodeId())
          .setControllerListenerName("CONTROLLER")
          .setMetadataLogDirectory(dir.toString())
          .setDirectories(List.of(dir.toString()))
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not format the embedded Kafka log directory " + dir, e);
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("fpk-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not create a temporary directory for embedded Kafka", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir left behind is not worth failing a shutdown for
    }
  }
}
