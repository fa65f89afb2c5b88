package dev.fpk.app.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules in deploy/prometheus are valid Prometheus rules, and each fires on the series it
 * is meant for and stays quiet on a healthy run: Prometheus' own {@code promtool} checks them and
 * runs their unit tests (alerts.test.yml). deploy/install-test-deps.sh installs Debian's prometheus
 * package, which brings promtool.
 */
class AlertRulesTest {
  private static final Path RULES = Path.of("../../deploy/prometheus");

  @Test
  void shouldBeValidPrometheusRules() throws Exception {
    String out = promtool("check", "rules", "alerts.yml");
    assertTrue(out.contains("SUCCESS: 5 rules found"), out);
  }

  @Test
  void shouldFireEachAlertOnItsSeriesAndStayQuietOnHealthyOnes() throws Exception {
    String out = promtool("test", "rules", "alerts.test.yml");
    assertTrue(out.contains("SUCCESS"), out);
  }

  private static String promtool(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "promtool";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p =
        new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish within 60 s");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "promtool " + String.join(" ", args) + ":\n" + out);
    return out;
  }
}
