package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the tests that run fpk's Python client (protocol/python) share: Debian's interpreter, the
 * check that it has the modules a test needs (skipped, with the reason, where it lacks them; {@code
 * deploy/install-test-deps.sh} installs them), the repository root, and running a command with its
 * standard output and error kept apart.
 */
final class PythonRuns {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private PythonRuns() {}

  /**
   * A finished command: exit status (-1 if it was killed at the timeout), standard output, standard
   * error.
   */
  record Result(int exit, String out, String err) {
    /** The last line of standard output, parsed as JSON (the examples end with a summary line). */
    JsonNode lastJsonLine() throws IOException {
      return new ObjectMapper().readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /**
   * Skips the calling test unless {@link #PYTHON} imports every module named (e.g. "torch",
   * "sklearn").
   */
  static void assumeModules(String... modules) throws Exception {
    assumeTrue(
        Files.isExecutable(PYTHON),
        "skipped: " + PYTHON + " is missing (run deploy/install-test-deps.sh)");
    Result r =
        run(
            Path.of("").toAbsolutePath(),
            Duration.ofSeconds(120),
            Map.of(),
            PYTHON.toString(),
            "-c",
            "import " + String.join(", ", modules));
    assumeTrue(
        r.exit() == 0,
        "skipped: "
            + PYTHON
            + " cannot import "
            + String.join(", ", modules)
            + " (run deploy/install-test-deps.sh): "
            + r.err().strip());
  }

  /**
   * Runs a command in {@code workDir} with extra environment variables, killing it after {@code
   * timeout}.
   */
  static Result run(Path workDir, Duration timeout, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("fpk-python-", ".out");
    Path err = Files.createTempFile("fpk-python-", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(List.of(command))
              .directory(workDir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process p = builder.start();
      boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        p.destroyForcibly().waitFor();
      }
      return new Result(
          finished ? p.exitValue() : -1,
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The fpk repository this test runs in (the nearest directory up with protocol/python). */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("protocol/python/pyproject.toml"))) {
      dir = dir.getParent();
    }
    assertTrue(dir != null, "run inside the fpk repository: " + Path.of("").toAbsolutePath());
    return dir;
  }

  /** The Python client's source directory, for PYTHONPATH where a test runs it uninstalled. */
  static Path clientSource() {
    try {
      return repositoryRoot().resolve("protocol/python").toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
