package dev.fpk.app.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.dashboard.WebAssets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The replay report as one self-contained HTML file: the live page's shell, style, script and chart
 * library inlined, and the report JSON embedded, so the same plots draw offline (no server, no
 * network); it can be mailed as it is.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /** The page for a report of the shape {@link ReportCollector#toJson} writes. */
  public static String render(ObjectMapper mapper, ObjectNode report)
      throws JsonProcessingException {
    WebAssets assets = WebAssets.get();
    String head = "<style>\n" + assets.styleCss() + "\n</style>\n" + chartJs();
    String data =
        "<script>window.FPK_REPORT = "
            + scriptSafe(mapper.writeValueAsString(report))
            + ";</script>";
    String script =
        "<script>\n"
            + scriptSafe(assets.appJs())
            + "\n</script>\n<script>\n"
            + scriptSafe(assets.spectralJs())
            + "\n</script>";
    String page = replaceBlock(assets.indexHtml(), "head", head);
    page = replaceBlock(page, "data", data);
    page = replaceBlock(page, "script", script);
    return page.replace("<title>fpk: ", "<title>fpk report: ");
  }

  /**
   * Chart.js inlined as a script element, for other self-contained pages (the experiment report).
   */
  public static String chartJs() {
    WebAssets assets = WebAssets.get();
    return "<!-- Chart.js "
        + assets.chartJsVersion()
        + ", MIT licence, https://www.chartjs.org -->\n"
        + "<script>\n"
        + scriptSafe(assets.chartJs())
        + "\n</script>";
  }

  public static void write(Path file, ObjectMapper mapper, ObjectNode report) throws IOException {
    Files.writeString(file, render(mapper, report), StandardCharsets.UTF_8);
  }

  /** Replaces {@code <!--fpk:name-->...<!--/fpk:name-->} of the page shell. */
  private static String replaceBlock(String page, String name, String content) {
    String open = "<!--fpk:" + name + "-->";
    String close = "<!--/fpk:" + name + "-->";
    int from = page.indexOf(open);
    int to = page.indexOf(close);
    if (from < 0 || to < from) {
      throw new IllegalStateException("the page shell lacks its " + name + " block");
    }
    return page.substring(0, from) + content + page.substring(to + close.length());
  }

  /** Inline script must not contain "</": the HTML parser would end the script there. */
  public static String scriptSafe(String js) {
    return js.replace("</", "<\\/");
  }
}
