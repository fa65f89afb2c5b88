package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FpkCommandLineTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Fpk.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void shouldExitNonZeroNamingTheUnreadableReplayFile() {
    Path missing = dir.resolve("missing.jsonl");
    Run r =
        run("replay", "--input", missing.toString(), "--report", dir.resolve("r.json").toString());
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains(missing.toString()), r.err());
  }

  @Test
  void shouldNameTheUnknownOption() {
    Run r = run("demo", "--stepz", "3");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("--stepz"), r.err());
  }

  @Test
  void shouldListEveryCommandInHelp() {
    Run r = run("--help");
    assertEquals(0, r.exit());
    for (String command : new String[] {"demo", "replay", "broker"}) {
      assertTrue(r.out().contains(command), r.out());
    }
  }

  @Test
  void shouldShowDefaultsInCommandHelp() {
    Run r = run("demo", "--help");
    assertTrue(r.out().contains("default 400"), r.out());
  }

  @Test
  void shouldRejectABadEntrySelectionAsAUsageErrorNamingTheOptionAndValue() {
    for (String command : new String[] {"node", "demo", "replay"}) {
      Run r = run(command, "--entries", "fc*=stride:0", "--bootstrap", "127.0.0.1:1");
      assertEquals(2, r.exit(), command + ": " + r.err());
      assertTrue(
          r.err()
              .contains(
                  "--entries = \"fc*=stride:0\": entry selection 'stride:0': the stride must be"
                      + " >= 1, got 0"),
          r.err());
    }
  }
}
