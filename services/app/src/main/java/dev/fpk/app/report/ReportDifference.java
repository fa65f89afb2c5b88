package dev.fpk.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.app.node.OutputTopics;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How far two reports of the same data are apart: the report of a run analysed by several nodes, or
 * interrupted and resumed, against that of one uninterrupted node (tests and {@code fpk bench
 * scaleout}).
 */
public final class ReportDifference {
  private ReportDifference() {}

  /**
   * The layers of one run in the report of everything the output topics hold now, without their
   * spectral view: the comparisons of an interrupted run with an uninterrupted one hold the density
   * path, which commits and checkpoints cover; the spectral branch runs behind the commits and is
   * not checkpointed (a restarted stream starts its spectra afresh: SpectralStage), so its series
   * may differ at a restart by design.
   */
  public static JsonNode densityLayers(String bootstrap, String runId) {
    ReportCollector collector = new ReportCollector();
    OutputTopics.readInto(bootstrap, collector);
    JsonNode layers = collector.toJson(new ObjectMapper(), Set.of(runId)).at("/runs/0/layers");
    layers.forEach(l -> ((ObjectNode) l).remove(List.of("spectrum", "spectrumSeries")));
    return layers;
  }

  /**
   * The largest difference between two reports' numbers, relative to max(1, |x|); anything else
   * (structure, text, array lengths) must be equal, or an IllegalArgumentException says where it is
   * not.
   */
  public static double max(JsonNode a, JsonNode b, String path) {
    if (a.isNumber() && b.isNumber()) {
      double x = a.asDouble();
      double y = b.asDouble();
      if (Double.isNaN(x) && Double.isNaN(y)) {
        return 0;
      }
      return Math.abs(x - y) / Math.max(1, Math.abs(x));
    }
    if (a.isTextual() && b.isNumber() || a.isNumber() && b.isTextual()) {
      throw new IllegalArgumentException(path + ": " + a + " vs " + b);
    }
    if (a.getNodeType() != b.getNodeType() || a.size() != b.size()) {
      throw new IllegalArgumentException(
          path + ": " + abbreviate(a) + " vs " + abbreviate(b) + stepsOfOneOnly(a, b));
    }
    double max = 0;
    if (a.isArray()) {
      for (int i = 0; i < a.size(); i++) {
        max = Math.max(max, max(a.get(i), b.get(i), path + "[" + i + "]"));
      }
    } else if (a.isObject()) {
      for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!b.has(f)) {
          throw new IllegalArgumentException(path + "." + f + " missing in the second report");
        }
        max = Math.max(max, max(a.get(f), b.get(f), path + "." + f));
      }
    } else if (!a.equals(b)) {
      throw new IllegalArgumentException(path + ": " + a + " vs " + b);
    }
    return max;
  }

  /**
   * For two series of steps (arrays of objects with a "step") of different lengths: the steps each
   * has and the other lacks, which say more than the series' first characters.
   */
  private static String stepsOfOneOnly(JsonNode a, JsonNode b) {
    if (!a.isArray() || !b.isArray()) {
      return "";
    }
    Set<Long> first = steps(a);
    Set<Long> second = steps(b);
    Set<Long> onlyFirst = new TreeSet<>(first);
    onlyFirst.removeAll(second);
    Set<Long> onlySecond = new TreeSet<>(second);
    onlySecond.removeAll(first);
    return first.isEmpty() && second.isEmpty()
        ? ""
        : "; steps only in the first " + onlyFirst + ", only in the second " + onlySecond;
  }

  private static Set<Long> steps(JsonNode series) {
    Set<Long> steps = new TreeSet<>();
    for (JsonNode p : series) {
      if (p.has("step")) {
        steps.add(p.get("step").asLong());
      }
    }
    return steps;
  }

  private static String abbreviate(JsonNode n) {
    String s = n.toString();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
