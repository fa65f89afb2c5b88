package dev.fpk.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The page's files, read once from the jar: the HTML shell, the page script (app.js followed by
 * panels.js), the spectral panel's script (spectral.js, apart), the style sheet and the vendored
 * chart library (Chart.js from its webjar; which file is written into {@code vendor.properties} at
 * build time). Shared by the live server and the static HTML report.
 */
public final class WebAssets {
  private static final String BASE = "dev/fpk/dashboard/web/";

  private final String indexHtml;
  private final String appJs;
  private final String spectralJs;
  private final String styleCss;
  private final String chartJs;
  private final String chartJsVersion;

  private WebAssets() {
    indexHtml = read(BASE + "index.html");
    // one page script: app.js, then panels.js (issue 19's panels, drawn through app.js's hooks)
    appJs = read(BASE + "app.js") + "\n" + read(BASE + "panels.js");
    spectralJs = read(BASE + "spectral.js");
    styleCss = read(BASE + "style.css");
    Properties vendor = new Properties();
    try (InputStream in = resource(BASE + "vendor.properties")) {
      vendor.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    chartJs = read(vendor.getProperty("chartjs.resource"));
    chartJsVersion = vendor.getProperty("chartjs.version");
  }

  private static final class Holder {
    static final WebAssets INSTANCE = new WebAssets();
  }

  public static WebAssets get() {
    return Holder.INSTANCE;
  }

  public String indexHtml() {
    return indexHtml;
  }

  public String appJs() {
    return appJs;
  }

  /** The spectral panel's script, apart from app.js (it reads the selection app.js publishes). */
  public String spectralJs() {
    return spectralJs;
  }

  public String styleCss() {
    return styleCss;
  }

  public String chartJs() {
    return chartJs;
  }

  public String chartJsVersion() {
    return chartJsVersion;
  }

  private static String read(String path) {
    try (InputStream in = resource(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String path) {
    InputStream in = WebAssets.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException(
          "missing resource " + path + " (a broken build of fpk-dashboard)");
    }
    return in;
  }
}
