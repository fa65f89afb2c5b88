package dev.fpk.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client (protocol/python) against the Java reader: its unit tests pass (with
 * python3-torch also those of fpk_client.watch), and the files it writes are read back by {@link
 * ReplayFiles}. Needs Debian's /usr/bin/python3 with python3-protobuf and python3-numpy, and
 * /usr/bin/protoc (protobuf-compiler); skipped, with the reason, otherwise.
 */
@Timeout(120)
class PythonClientTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path CLIENT_DIR = Path.of("python").toAbsolutePath();

  @TempDir Path dir;

  private record Run(int exit, String output) {}

  private static Run run(Path workDir, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Run(-1, "timed out");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /**
   * The generated code ships in the package; protoc is needed by the unit test that checks it is
   * not stale.
   */
  @BeforeAll
  static void pythonAndProtoc() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(PYTHON), "skipped: " + PYTHON + " not found (Debian's python3)");
    Assumptions.assumeTrue(
        run(CLIENT_DIR, PYTHON.toString(), "-c", "import google.protobuf, numpy").exit() == 0,
        "skipped: python3-protobuf or python3-numpy is not installed (deploy/install-test-deps.sh)");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/protoc")),
        "skipped: /usr/bin/protoc not found (apt-get install -y protobuf-compiler)");
  }

  @Test
  void shouldPassThePythonClientsUnitTests() throws Exception {
    Run r = run(CLIENT_DIR, PYTHON.toString(), "-m", "unittest", "-v");
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("OK"), r.output());
  }

  @Test
  void shouldReadReplayFilesWrittenByThePythonClient() throws Exception {
    Path pb = dir.resolve("from-python.pb");
    Path jsonl = dir.resolve("from-python.jsonl");
    String script =
        String.join(
            "\n",
            "import sys, fpk_client as f",
            "snaps = []",
            "snaps += f.build_snapshots('py/run', 1, 10, 'bottleneck', [[0.25 * (r * 4 + c) for c in range(4)] for r in range(3)],",
            "                           learning_rate=0.05, batch_size=16, loss=0.5, optimizer='sgd', ensemble_size=2,",
            "                           time_unix_millis=99)",
            "snaps += f.build_snapshots('py/run', 1, 10, 'big', [[float(r - c) for c in range(64)] for r in range(64)],",
            "                           learning_rate=0.05, max_message_bytes=4000)",
            "snaps += f.build_snapshots('py/run', 0, 11, 'bad', [1.0, float('nan')], validate=False)",
            "f.write_replay(sys.argv[1], snaps)",
            "f.write_replay(sys.argv[2], snaps)",
            "print(len(snaps))");
    Run r = run(CLIENT_DIR, PYTHON.toString(), "-c", script, pb.toString(), jsonl.toString());
    assertEquals(0, r.exit(), r.output());
    int written = Integer.parseInt(r.output().strip());
    assertTrue(written > 3, "the 64x64 matrix should have been chunked: " + written);

    for (Path file : List.of(pb, jsonl)) {
      List<ReplayItem> items;
      try (ReplayReader reader = ReplayFiles.open(file)) {
        items = reader.stream().toList();
      }
      assertEquals(written, items.size(), file.toString());
      List<WeightSnapshot> whole = new ArrayList<>();
      ChunkAssembler assembler = new ChunkAssembler();
      for (ReplayItem item : items.subList(0, written - 1)) {
        WeightSnapshot s = item.snapshot().orElseThrow();
        if (assembler.add(s) instanceof ChunkAssembler.Outcome.Complete c) {
          whole.add(c.snapshot());
        }
      }
      assertEquals(2, whole.size(), file.toString());
      WeightSnapshot small = whole.get(0);
      assertEquals("py/run", small.getRunId());
      assertEquals("py%2Frun/bottleneck", SnapshotKey.of(small));
      assertEquals(List.of(3, 4), small.getShapeList());
      assertEquals(2.75f, small.getValues(11));
      assertEquals(0.05, small.getLearningRate());
      assertEquals(16, small.getBatchSize());
      assertEquals(0.5, small.getLoss());
      assertEquals(2, small.getEnsembleSize());
      assertEquals(99, small.getTimeUnixMillis());
      WeightSnapshot big = whole.get(1);
      assertEquals(List.of(64, 64), big.getShapeList());
      assertEquals(64 * 64, big.getValuesCount());
      assertEquals(-63f, big.getValues(63));
      assertEquals(63f, big.getValues(63 * 64));
      Validation.Rejected<?> bad =
          assertInstanceOf(Validation.Rejected.class, items.get(written - 1).snapshot());
      assertEquals(RejectReason.NON_FINITE, bad.reason());
      assertEquals("values[1] = NaN: values must be finite", bad.detail());
    }
  }
}
