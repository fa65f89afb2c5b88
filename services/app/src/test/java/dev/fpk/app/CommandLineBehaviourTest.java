package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exit codes and messages of the command line: 2 for usage errors (naming the option), 1 with one
 * line for failures.
 */
class CommandLineBehaviourTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Fpk.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static void assertUsageError(Run r, String option) {
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains(option), "names " + option + ": " + r.err());
  }

  @Test
  void shouldExitTwoNamingTheOptionForBadValues() {
    assertUsageError(run("demo", "--steps", "0"), "--steps");
    assertUsageError(run("demo", "--steps", "many"), "--steps");
    assertUsageError(run("demo", "--replicas", "1"), "--replicas");
    assertUsageError(run("demo", "--dashboard-port", "70000"), "--dashboard-port");
    assertUsageError(run("demo", "--linger", "soon"), "--linger");
    assertUsageError(
        run("replay", "--input", "x.jsonl", "--report", "r.json", "--format", "xml"), "--format");
    assertUsageError(run("replay", "--report", "r.json"), "--input");
    assertUsageError(
        run("dashboard", "--bootstrap", "127.0.0.1:9092", "--port", "70000"), "--port");
    assertUsageError(run("dashboard", "--bootstrap", "127.0.0.1:9092", "--for", "PT0S"), "--for");
    assertUsageError(run("demo", "--nonsense"), "--nonsense");
  }

  @Test
  void shouldExitTwoWhenTheDashboardHasNoClusterToFollow() {
    Run r = run("dashboard", "--bootstrap", "");
    assertUsageError(r, "--bootstrap");
  }

  @Test
  void shouldExitOneWithAOneLineReasonWhenWorkFails() {
    Path missing = dir.resolve("missing.jsonl");
    Run r =
        run("replay", "--input", missing.toString(), "--report", dir.resolve("r.json").toString());
    assertEquals(1, r.exit());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertEquals("fpk replay: cannot read input file " + missing, r.err().strip());
  }

  @Test
  void shouldGiveTheInnermostReasonOnOneLine() {
    Exception wrapped =
        new CompletionException(new IllegalStateException("broker away\n  at some detail"));
    assertEquals("broker away", Fpk.reason(wrapped));
    assertEquals("NullPointerException", Fpk.reason(new NullPointerException()));
  }

  @Test
  void shouldListTheDashboardAndItsDefaults() {
    assertTrue(run("--help").out().contains("dashboard"));
    Run help = run("dashboard", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("8765"), help.out());
    Run demo = run("demo", "--help");
    for (String option : new String[] {"--quiet", "--json", "--dashboard-port", "--linger"}) {
      assertTrue(demo.out().contains(option), option + " in " + demo.out());
    }
    Run replay = run("replay", "--help");
    for (String option : new String[] {"--quiet", "--json", "--html"}) {
      assertTrue(replay.out().contains(option), option + " in " + replay.out());
    }
  }
}
