package dev.fpk.app.browser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium for tests, with the flags this machine needs (no sandbox as root, no
 * GPU, no background network: the machine's network is closed) and a fresh profile per start.
 */
public final class Chromium implements AutoCloseable {
  public static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
  private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final String browserWebSocket;

  private Chromium(Process process, Path profile, String browserWebSocket) {
    this.process = process;
    this.profile = profile;
    this.browserWebSocket = browserWebSocket;
  }

  public static boolean available() {
    return Files.isExecutable(EXECUTABLE);
  }

  private static List<String> command(Path profile, String... extra) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                EXECUTABLE.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--user-data-dir=" + profile));
    cmd.addAll(List.of(extra));
    return cmd;
  }

  /**
   * Starts a browser with the DevTools protocol on a free port, showing {@code url} in a window of
   * the given size.
   */
  public static Chromium start(String url, int width, int height, Duration timeout)
      throws IOException {
    Path profile = Files.createTempDirectory("fpk-chromium-");
    Process p =
        new ProcessBuilder(
                command(
                    profile,
                    "--remote-debugging-port=0",
                    "--remote-allow-origins=*",
                    "--window-size=" + width + "," + height,
                    url))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader err =
        new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + timeout.toNanos();
    StringBuilder seen = new StringBuilder();
    String line;
    // chromium announces its DevTools address on stderr once it listens
    while (System.nanoTime() < deadline && (line = err.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher m = DEVTOOLS.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> err.lines().forEach(l -> {}), "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        return new Chromium(p, profile, m.group(1));
      }
    }
    p.destroyForcibly();
    throw new IOException("chromium did not open its DevTools port; it said:\n" + seen);
  }

  /** The DevTools HTTP endpoint, e.g. http://127.0.0.1:PORT. */
  public String devToolsHttp() {
    String hostPort = browserWebSocket.substring("ws://".length());
    return "http://" + hostPort.substring(0, hostPort.indexOf('/'));
  }

  /** Loads a page, lets it run for {@code budget} of virtual time, and returns the DOM it built. */
  public static String dumpDom(String url, Duration budget, Duration timeout)
      throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("fpk-chromium-");
    try {
      Process p =
          new ProcessBuilder(
                  command(profile, "--virtual-time-budget=" + budget.toMillis(), "--dump-dom", url))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException("chromium --dump-dom did not finish within " + timeout);
      }
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      deleteTree(profile);
    }
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(profile);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
