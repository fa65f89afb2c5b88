package dev.fpk.dashboard.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every panel's data of one entry as a table, for {@code GET
 * /api/runs/{run}/layers/{layer}/entries/{n}/export?format=csv|json}: one row per drawn value,
 * columns {@code step, panel, series, w, value, unit}. Curves over the weight (density, drift,
 * diffusion, fixed points) carry the step of the output they come from and their w (weight units);
 * series over the steps leave w empty. Built from the very JSON the page draws ({@link
 * LiveJson#entry}), so the export and the page cannot disagree. Missing values (NaN on the wire)
 * are empty in CSV and null in JSON.
 */
public final class EntryExport {
  /** The CSV's header; its first column is the step. */
  public static final List<String> COLUMNS =
      List.of("step", "panel", "series", "w", "value", "unit");

  /** The formats the export speaks. */
  public enum Format {
    CSV("text/csv; charset=utf-8"),
    JSON("application/json");

    public final String contentType;

    Format(String contentType) {
      this.contentType = contentType;
    }

    /** The format named {@code name} (csv or json, any case), if any. */
    public static Optional<Format> of(String name) {
      for (Format f : values()) {
        if (f.name().equalsIgnoreCase(name)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }

    public String extension() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One drawn value; w NaN for series over the steps. */
  record Row(long step, String panel, String series, double w, double value, String unit) {}

  private final ObjectMapper mapper;

  public EntryExport(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The rows of an entry as {@link LiveJson#entry} gives it, panel by panel. */
  static List<Row> rows(JsonNode entry) {
    List<Row> rows = new ArrayList<>();
    JsonNode density = entry.path("density");
    if (density.isObject()) {
      long step = density.path("step").asLong();
      JsonNode edges = density.path("edges");
      for (int i = 0; i + 1 < edges.size(); i++) {
        double centre = 0.5 * (edges.get(i).asDouble() + edges.get(i + 1).asDouble());
        rows.add(row(step, "density", "theory", centre, density.path("theory").path(i), PER_W));
        rows.add(
            row(step, "density", "replicas", centre, density.path("empirical").path(i), PER_W));
      }
    }
    long estimateStep = entry.path("estimateStep").asLong(-1);
    field(rows, estimateStep, "drift", "mu", entry.path("drift"), "weight units per step");
    field(rows, estimateStep, "diffusion", "D", entry.path("diffusion"), "weight units^2 per step");
    JsonNode drift = entry.path("drift");
    if (drift.isObject()) {
      rows.add(row(estimateStep, "drift", "ou_slope", Double.NaN, drift.path("slope"), "per step"));
      rows.add(
          row(
              estimateStep,
              "drift",
              "ou_intercept",
              Double.NaN,
              drift.path("intercept"),
              "weight units per step"));
      rows.add(
          row(
              estimateStep,
              "diffusion",
              "mean_D",
              Double.NaN,
              entry.path("diffusion").path("mean"),
              "weight units^2 per step"));
    }
    for (JsonNode p : entry.path("fixedPoints")) {
      rows.add(
          row(
              estimateStep,
              "beta",
              "fixed_point_slope",
              p.path("w").asDouble(Double.NaN),
              p.path("slope"),
              "per step"));
    }
    for (JsonNode a : entry.path("alignment")) {
      long step = a.path("step").asLong();
      over(rows, step, "alignment", "w1", a.path("w1"), "weight units");
      over(rows, step, "alignment", "sampling_floor_w1", a.path("samplingFloorW1"), "weight units");
      over(
          rows,
          step,
          "alignment",
          "bootstrap_floor_w1",
          a.path("bootstrapFloorW1"),
          "weight units");
      over(rows, step, "alignment", "js", a.path("js"), "nats");
      over(rows, step, "alignment", "hellinger", a.path("hellinger"), "ratio");
      over(rows, step, "alignment", "p_value", a.path("pValue"), "ratio");
    }
    for (JsonNode o : entry.path("outputs")) {
      long step = o.path("step").asLong();
      String model = o.path("model").asText();
      over(rows, step, "outputs", "sliced_w1 " + model, o.path("slicedW1"), "output units");
      over(rows, step, "outputs", "energy " + model, o.path("energy"), "output units");
      over(rows, step, "outputs", "sliced_w1_floor", o.path("slicedW1Floor"), "output units");
      over(rows, step, "outputs", "energy_floor", o.path("energyFloor"), "output units");
    }
    JsonNode levels = entry.path("quantileLevels");
    for (JsonNode q : entry.path("quantiles")) {
      long step = q.path("step").asLong();
      for (String side : new String[] {"theory", "replicas"}) {
        for (int k = 0; k < levels.size(); k++) {
          String name = side + " q" + Math.round(100 * levels.get(k).asDouble());
          over(rows, step, "distribution", name, q.path(side).path(k), "weight units");
        }
      }
    }
    for (JsonNode u : entry.path("updateSize")) {
      over(
          rows,
          u.path("step").asLong(),
          "update_size",
          "rms_increment",
          u.path("rms"),
          "weight units per step");
    }
    return rows;
  }

  /** The export of {@code entry} (as {@link LiveJson#entry} gives it) in {@code format}. */
  public byte[] write(ObjectNode entry, Format format) {
    List<Row> rows = rows(entry);
    try {
      return switch (format) {
        case CSV -> csv(rows).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        case JSON -> mapper.writeValueAsBytes(json(entry, rows));
      };
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  static String csv(List<Row> rows) {
    StringBuilder b = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    for (Row r : rows) {
      b.append(r.step())
          .append(',')
          .append(r.panel())
          .append(',')
          .append(quoted(r.series()))
          .append(',')
          .append(Double.isFinite(r.w()) ? Double.toString(r.w()) : "")
          .append(',')
          .append(Double.isFinite(r.value()) ? Double.toString(r.value()) : "")
          .append(',')
          .append(quoted(r.unit()))
          .append('\n');
    }
    return b.toString();
  }

  private ObjectNode json(ObjectNode entry, List<Row> rows) {
    ObjectNode out =
        mapper
            .createObjectNode()
            .put("runId", entry.path("runId").asText())
            .put("layer", entry.path("layer").asText())
            .put("entry", entry.path("entry").asInt());
    out.set("index", entry.path("index"));
    ArrayNode columns = out.putArray("columns");
    COLUMNS.forEach(columns::add);
    ArrayNode array = out.putArray("rows");
    for (Row r : rows) {
      ObjectNode o =
          array.addObject().put("step", r.step()).put("panel", r.panel()).put("series", r.series());
      LiveJson.number(o, "w", r.w());
      LiveJson.number(o, "value", r.value());
      o.put("unit", r.unit());
    }
    return out;
  }

  private static final String PER_W = "per unit weight";

  /** A curve over the weight: {@code name} and its standard error at every grid point. */
  private static void field(
      List<Row> rows, long step, String panel, String name, JsonNode field, String unit) {
    JsonNode grid = field.path("grid");
    for (int i = 0; i < grid.size(); i++) {
      double w = grid.get(i).asDouble();
      rows.add(row(step, panel, name, w, field.path("values").path(i), unit));
      rows.add(row(step, panel, name + "_stderr", w, field.path("stdErr").path(i), unit));
    }
  }

  private static void over(
      List<Row> rows, long step, String panel, String series, JsonNode value, String unit) {
    rows.add(row(step, panel, series, Double.NaN, value, unit));
  }

  private static Row row(
      long step, String panel, String series, double w, JsonNode value, String unit) {
    return new Row(step, panel, series, w, value.isNumber() ? value.asDouble() : Double.NaN, unit);
  }

  /** A CSV field, quoted when it holds a comma, quote or line break. */
  private static String quoted(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
