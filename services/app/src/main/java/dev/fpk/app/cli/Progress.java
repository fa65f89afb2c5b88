package dev.fpk.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Status lines of long work: done of total (in the task's unit), the recent rate, and the time left
 * at that rate. Three styles: a human line, one JSON object a line (for scripts), or nothing.
 * Callers decide when to report (once a second); this class only formats and prints. Not
 * thread-safe.
 */
public final class Progress {
  /** How lines look. */
  public enum Style {
    TEXT,
    JSON,
    QUIET
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Seconds of history the rate is measured over. */
  static final double WINDOW_SECONDS = 10;

  private final Style style;
  private final PrintWriter out;
  private final String task;
  private final LongSupplier nanoClock;
  private final long startNanos;
  // (seconds since start, done) of recent reports, oldest first
  private final java.util.LinkedList<double[]> samples = new java.util.LinkedList<>();

  public Progress(Style style, PrintWriter out, String task) {
    this(style, out, task, System::nanoTime);
  }

  /** With a given clock (nanoseconds), for tests. */
  Progress(Style style, PrintWriter out, String task, LongSupplier nanoClock) {
    this.style = style;
    this.out = out;
    this.task = task;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  public static Style style(boolean quiet, boolean json) {
    return json ? Style.JSON : quiet ? Style.QUIET : Style.TEXT;
  }

  public Style style() {
    return style;
  }

  public double elapsedSeconds() {
    return (nanoClock.getAsLong() - startNanos) / 1e9;
  }

  /**
   * One status line: {@code phase} names what is counted ("step", "snapshots"), {@code done} of
   * {@code total} in {@code unit}; {@code detail} is appended to the text line, {@code fields} to
   * the JSON object (either may be null).
   */
  public void report(
      String phase, long done, long total, String unit, String detail, ObjectNode fields) {
    if (style == Style.QUIET) {
      return;
    }
    double seconds = elapsedSeconds();
    double rate = rate(done, seconds);
    double eta = rate > 0 && total > 0 ? Math.max(0, total - done) / rate : Double.NaN;
    if (style == Style.JSON) {
      ObjectNode line =
          JSON.createObjectNode()
              .put("event", "progress")
              .put("task", task)
              .put("phase", phase)
              .put("done", done)
              .put("total", total)
              .put("unit", unit)
              .put("elapsedSeconds", round(seconds))
              .put("ratePerSecond", round(rate));
      if (Double.isFinite(eta)) {
        line.put("etaSeconds", round(eta));
      } else {
        line.putNull("etaSeconds");
      }
      if (fields != null) {
        line.setAll(fields);
      }
      out.println(write(line));
    } else {
      out.println(
          text(phase, done, total, unit, rate, eta)
              + (detail == null || detail.isEmpty() ? "" : "  " + detail));
    }
    out.flush();
  }

  /**
   * Progress per second over the last {@link #WINDOW_SECONDS} (so a slow start, or a change of
   * pace, does not skew the time left for long); over the whole run until the window has filled.
   */
  double rate(long done, double seconds) {
    samples.addLast(new double[] {seconds, Math.max(0, done)});
    while (samples.size() > 1 && seconds - samples.get(1)[0] >= WINDOW_SECONDS) {
      samples.removeFirst();
    }
    double[] oldest = samples.getFirst();
    if (seconds - oldest[0] >= WINDOW_SECONDS) {
      return Math.max(0, done - oldest[1]) / (seconds - oldest[0]);
    }
    return seconds > 0 ? Math.max(0, done) / seconds : 0;
  }

  /** A machine-readable line of the given event (JSON style only). */
  public void event(ObjectNode line) {
    if (style == Style.JSON) {
      out.println(write(line));
      out.flush();
    }
  }

  static String text(
      String phase, long done, long total, String unit, double rate, double etaSeconds) {
    StringBuilder s = new StringBuilder(phase).append(' ').append(done);
    if (total > 0) {
      s.append('/')
          .append(total)
          .append(String.format(Locale.ROOT, " (%.0f%%)", 100.0 * Math.max(0, done) / total));
    }
    s.append(String.format(Locale.ROOT, "  %.1f %s/s", rate, unit));
    s.append("  ETA ").append(Double.isFinite(etaSeconds) ? duration(etaSeconds) : "--");
    return s.toString();
  }

  /** 75 -> "1m15s", 3725 -> "1h02m", 9.4 -> "9s". */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }

  private static double round(double x) {
    return Math.round(x * 1000) / 1000.0;
  }

  static String write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ObjectNode object() {
    return JSON.createObjectNode();
  }
}
