package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.app.report.HtmlReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * DIR/report.html: the experiment report as one self-contained page (Chart.js inlined the way
 * {@link HtmlReport} does it, the report JSON embedded, nothing fetched): the checks, the loss
 * curve, theory over histogram at the checkpoints, alignment against the sampling floor over time,
 * forecast skill per horizon, the beta function at the checkpoints, the output distributions and
 * the Pawula ratio.
 */
public final class ExperimentHtml {
  private ExperimentHtml() {}

  public static String render(ObjectMapper mapper, ObjectNode report) throws IOException {
    String script = resource("experiment.js");
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>fpk experiment: "
        + report.path("experiment").path("runId").asText()
        + "</title>\n<style>\n"
        + resource("experiment.css")
        + "\n</style>\n"
        + HtmlReport.chartJs()
        + "\n</head><body>\n<main id=\"report\"></main>\n"
        + "<script>window.FPK_EXPERIMENT = "
        + HtmlReport.scriptSafe(mapper.writeValueAsString(report))
        + ";</script>\n"
        + "<script>\n"
        + HtmlReport.scriptSafe(script)
        + "\n</script>\n</body></html>\n";
  }

  public static void write(Path file, ObjectMapper mapper, ObjectNode report) throws IOException {
    Files.writeString(file, render(mapper, report), StandardCharsets.UTF_8);
  }

  private static String resource(String name) {
    try (InputStream in = ExperimentHtml.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
