package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.Arrays;
import java.util.NavigableMap;

/**
 * The Pawula ratio {@code K4 / (D^2 dt)} of each entry over time (dimensionless; large = jumps or
 * heavy-tailed noise, where a diffusion is the wrong model), from the estimates the experiment
 * kept, with its median and maximum over the slow phase.
 */
public final class PawulaSeries {
  private PawulaSeries() {}

  public static void write(
      NavigableMap<Long, DriftDiffusionEstimate> estimates, long fromStep, ArrayNode out) {
    if (estimates.isEmpty()) {
      return;
    }
    int entries = estimates.firstEntry().getValue().getEntriesCount();
    for (int e = 0; e < entries; e++) {
      ObjectNode o = out.addObject();
      estimates
          .firstEntry()
          .getValue()
          .getEntries(e)
          .getIndexList()
          .forEach(o.putArray("index")::add);
      ArrayNode steps = o.putArray("steps");
      ArrayNode ratio = o.putArray("ratio");
      double[] slow = new double[estimates.size()];
      int n = 0;
      for (var s : estimates.entrySet()) {
        if (e >= s.getValue().getEntriesCount()) {
          continue;
        }
        EntryEstimate est = s.getValue().getEntries(e);
        steps.add(s.getKey());
        Json.addNumber(ratio, est.getPawulaRatio());
        if (s.getKey() >= fromStep && Double.isFinite(est.getPawulaRatio())) {
          slow[n++] = est.getPawulaRatio();
        }
      }
      double[] sorted = Arrays.copyOf(slow, n);
      Arrays.sort(sorted);
      Json.putNumber(o, "medianAfterTransient", n == 0 ? Double.NaN : sorted[n / 2]);
      Json.putNumber(o, "maxAfterTransient", n == 0 ? Double.NaN : sorted[n - 1]);
    }
  }
}
