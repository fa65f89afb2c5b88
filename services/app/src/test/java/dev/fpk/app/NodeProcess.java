package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.app.bench.NodeChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An {@code fpk node} process of the packaged jar ({@link NodeChild}), for tests that kill a node
 * with SIGKILL (no drain, no last checkpoint, a checkpoint write possibly cut short) or freeze it
 * with SIGSTOP (a long GC pause, as the other nodes and the broker see it).
 */
final class NodeProcess implements AutoCloseable {
  private static final Path JAR = Path.of("target", "fpk.jar");

  private final NodeChild node;

  private NodeProcess(NodeChild node) {
    this.node = node;
  }

  /**
   * Starts {@code fpk node --bootstrap bootstrap} of target/fpk.jar (the package phase builds it)
   * with these config keys as system properties and these extra arguments, and waits (up to {@code
   * timeout}) for its "node ... up" line.
   *
   * @param heap the JVM's -Xmx, e.g. "1g"
   */
  static NodeProcess start(
      Path dir,
      String bootstrap,
      String heap,
      Map<String, Object> settings,
      List<String> args,
      Duration timeout)
      throws Exception {
    return new NodeProcess(NodeChild.start(JAR, dir, bootstrap, heap, settings, args, timeout));
  }

  boolean alive() {
    return node.alive();
  }

  String log() {
    return node.log();
  }

  /** How many of its log lines so far contain {@code text}. */
  long count(String text) {
    return node.lines().stream().filter(l -> l.contains(text)).count();
  }

  /**
   * Its log lines about membership and partitions: unreachable and downed members, partitions
   * assigned and revoked.
   */
  List<String> timeline() {
    return node.lines().stream()
        .filter(
            l ->
                l.contains("UNREACHABLE")
                    || l.contains("downing")
                    || l.contains("assigned to")
                    || l.contains("revoked from"))
        .toList();
  }

  /** SIGKILL, and checks that it died of it (exit 137 = 128 + 9). */
  void kill() throws InterruptedException {
    node.kill();
    int exit = node.waitFor(Duration.ofSeconds(30));
    assertEquals(137, exit, () -> "killed by SIGKILL (128 + 9); the node's log:\n" + log());
  }

  /**
   * Freezes the whole process (every thread: the cluster's failure detector, the Kafka consumer's
   * heartbeat thread) for {@code pause} with SIGSTOP, then lets it go on with SIGCONT.
   */
  void pause(Duration pause) throws Exception {
    signal("STOP");
    try {
      Thread.sleep(pause.toMillis());
    } finally {
      signal("CONT");
    }
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(node.pid())).start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill -" + name + " returned");
    assertEquals(0, kill.exitValue(), "kill -" + name + " " + node.pid());
  }

  /** SIGKILL if it still runs (the end of a test). */
  @Override
  public void close() throws InterruptedException {
    node.close();
  }
}
