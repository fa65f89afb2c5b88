package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what {@link Process#destroy()} sends) stops fpk as a user runs it, from the packaged
 * jar: promptly, with one line saying so, exit 143, and the embedded broker stopped with its log
 * directory removed.
 */
@Timeout(180)
class SignalIT {
  /** Signal to exit, on 2 shared cores: the drain of the records in flight took 4-5 s of it. */
  private static final long STOP_BOUND_SECONDS = 30;

  private static final Path JAR = Path.of("target", "fpk.jar");

  @TempDir Path tmp;

  @Test
  void shouldStopTheDemoOnSigtermWhileItAnalyses() throws Exception {
    Output out =
        start(
            "demo",
            "--steps",
            "100000",
            "--replicas",
            "8",
            "--every",
            "5",
            "--dashboard-port",
            "0");
    out.awaitLine(line -> line.startsWith("step ") && !line.startsWith("step 0/"));
    long stopped = stop(out.process());
    System.out.printf("demo: exit %d %d ms after SIGTERM%n", out.process().exitValue(), stopped);
    assertEquals(143, out.process().exitValue(), out.err());
    assertStoppedInOrder("demo", out);
  }

  @Test
  void shouldStopTheBrokerOnSigterm() throws Exception {
    Output out = start("broker");
    out.awaitLine(line -> line.startsWith("bootstrap "));
    long stopped = stop(out.process());
    System.out.printf("broker: exit %d %d ms after SIGTERM%n", out.process().exitValue(), stopped);
    assertEquals(143, out.process().exitValue(), out.err());
    assertStoppedInOrder("broker", out);
  }

  private void assertStoppedInOrder(String command, Output out) throws IOException {
    List<String> signalLines = out.err().lines().filter(l -> l.contains("SIGTERM")).toList();
    assertEquals(
        List.of("fpk " + command + ": SIGTERM, stopping (exit 143; SIGTERM again halts at once)"),
        signalLines,
        out.err());
    assertTrue(!out.err().contains("halting"), out.err());
    try (Stream<Path> left = Files.list(tmp)) {
      List<Path> brokerDirs =
          left.filter(f -> f.getFileName().toString().startsWith("fpk-kafka")).toList();
      assertEquals(
          List.of(),
          brokerDirs,
          "the embedded broker's log directory must be removed on the way out");
    }
  }

  /** Sends SIGTERM and waits for the exit; returns the milliseconds it took. */
  private static long stop(Process p) throws InterruptedException {
    long start = System.nanoTime();
    p.destroy();
    boolean exited = p.waitFor(STOP_BOUND_SECONDS, TimeUnit.SECONDS);
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (!exited) {
      p.destroyForcibly();
    }
    assertTrue(exited, "still running " + STOP_BOUND_SECONDS + " s after SIGTERM");
    return millis;
  }

  private Output start(String... args) throws IOException {
    assertTrue(
        Files.isRegularFile(JAR), JAR.toAbsolutePath() + " missing: the package phase builds it");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(java.toString(), "-Djava.io.tmpdir=" + tmp, "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path stderr = Files.createTempFile(tmp, "stderr", ".txt");
    Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    return new Output(
        p,
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
        stderr);
  }

  /**
   * A process's stdout read line by line as it comes, and its stderr, which goes to a file: {@link
   * Process#destroy()} closes the pipes, and the line the signal prints comes after it.
   */
  private record Output(Process process, BufferedReader stdout, Path stderr) {

    /** Reads stdout until a line matches (the test's timeout bounds the wait). */
    void awaitLine(Predicate<String> wanted) throws IOException {
      for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
        if (wanted.test(line)) {
          drainStdout();
          return;
        }
      }
      throw new AssertionError("stdout ended before the line awaited; stderr: " + err());
    }

    /** Keeps reading stdout so the process never blocks on a full pipe. */
    private void drainStdout() {
      Thread t =
          new Thread(
              () -> {
                try {
                  while (stdout.readLine() != null) {
                    // discarded
                  }
                } catch (IOException closed) {
                  // the process is gone
                }
              });
      t.setDaemon(true);
      t.start();
    }

    String err() {
      try {
        return Files.readString(stderr);
      } catch (IOException e) {
        return "stderr unreadable: " + e;
      }
    }
  }
}
