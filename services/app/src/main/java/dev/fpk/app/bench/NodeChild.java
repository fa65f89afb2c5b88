package dev.fpk.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code fpk node} child process of a jar of fpk (its stdout and stderr in a log file): the
 * nodes of {@code fpk bench scaleout}, and of the tests that kill or freeze a node.
 */
public final class NodeChild implements AutoCloseable {
  private static final Pattern METRICS = Pattern.compile("metrics http://(\\S+)/metrics");

  private final Process process;
  private final Path log;

  private NodeChild(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java -Xmx<heap> -D<settings> -jar <jar> node --bootstrap <bootstrap> <args>} and
   * waits (up to {@code timeout}) for its "node ... up" line.
   *
   * @param dir where its log file and temporary files go
   * @param heap the JVM's -Xmx, e.g. "1g"
   */
  public static NodeChild start(
      Path jar,
      Path dir,
      String bootstrap,
      String heap,
      Map<String, Object> settings,
      List<String> args,
      Duration timeout)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " missing: build the fpk jar first");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-Djava.io.tmpdir=" + dir));
    settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-jar", jar.toString(), "node", "--bootstrap", bootstrap));
    command.addAll(args);
    Path log = Files.createTempFile(dir, "node", ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    NodeChild node = new NodeChild(p, log);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (node.upLine().isEmpty()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("the node process did not come up: " + node.log());
      }
      Thread.sleep(100);
    }
    return node;
  }

  /** The jar this fpk runs from (fpk.jar, its lib/ beside it), when it runs from one. */
  public static Optional<Path> ownJar() {
    try {
      Path p = Path.of(NodeChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return p.toString().endsWith(".jar") ? Optional.of(p) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private Optional<String> upLine() {
    return lines().stream().filter(l -> l.startsWith("node ")).findFirst();
  }

  /** Its metrics endpoint, "host:port", from its "node ... up" line. */
  public String metricsAddress() {
    String line = upLine().orElseThrow();
    Matcher m = METRICS.matcher(line);
    if (!m.find()) {
      throw new IllegalStateException("no metrics address in the node's line: " + line);
    }
    return m.group(1);
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Waits up to {@code timeout} for it to end; its exit code, or -1 if it still runs. */
  public int waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** SIGKILL. */
  public void kill() {
    process.destroyForcibly();
  }

  /**
   * SIGTERM: the node drains (last checkpoint, offsets committed) and leaves its cluster; SIGKILL
   * if it has not ended within {@code timeout}.
   */
  public void stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (waitFor(timeout) < 0) {
      kill();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** What it has printed so far (or why that cannot be read). */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Its log lines so far. */
  public List<String> lines() {
    return log().lines().toList();
  }

  /** SIGKILL if it still runs. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
