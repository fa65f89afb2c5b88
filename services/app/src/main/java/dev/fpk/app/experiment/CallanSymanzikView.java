package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.physics.cs.CallanSymanzik;
import dev.fpk.physics.cs.FixedPoint;
import dev.fpk.physics.cs.FixedPoints;
import dev.fpk.physics.grid.Grid1D;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.List;
import java.util.NavigableMap;

/**
 * The Callan-Symanzik reading (services/physics/PHYSICS.md §5) of each entry's estimated drift at
 * the checkpoints: the beta function {@code beta(w) = mu(w)} (weight units per step), the anomalous
 * dimension {@code gamma(w) = d mu / dw} (per step) on the estimator's bin centres, and the fixed
 * points (zeros of beta) with their exponent {@code beta'(w*)} per step (negative = attractive).
 * Taken at several checkpoints, so how the flow and its fixed points move during training shows.
 */
public final class CallanSymanzikView {
  private CallanSymanzikView() {}

  /** One object per checkpoint that has an estimate at or before it. */
  public static void write(
      NavigableMap<Long, DriftDiffusionEstimate> estimates, List<Long> checkpoints, ArrayNode out) {
    for (long c : checkpoints) {
      var at = estimates.floorEntry(c);
      if (at == null) {
        continue;
      }
      ObjectNode cp = out.addObject().put("step", at.getKey());
      ArrayNode entries = cp.putArray("entries");
      for (EntryEstimate e : at.getValue().getEntriesList()) {
        writeEntry(e, entries.addObject());
      }
    }
  }

  private static void writeEntry(EntryEstimate e, ObjectNode o) {
    e.getIndexList().forEach(o.putArray("index")::add);
    double[] grid = e.getGridList().stream().mapToDouble(Double::doubleValue).toArray();
    double[] drift = e.getDriftList().stream().mapToDouble(Double::doubleValue).toArray();
    Json.numbers(o.putArray("grid"), grid);
    Json.numbers(o.putArray("beta"), CallanSymanzik.beta(drift));
    Json.numbers(
        o.putArray("gamma"),
        grid.length < 2 ? new double[grid.length] : CallanSymanzik.gamma(binGrid(grid), drift));
    Json.putNumber(o, "driftSlope", e.getDriftSlope());
    Json.putNumber(o, "diffusionMean", e.getDiffusionMean());
    ArrayNode fps = o.putArray("fixedPoints");
    for (FixedPoint fp : FixedPoints.of(grid, drift)) {
      ObjectNode f = fps.addObject();
      Json.putNumber(f, "w", fp.w());
      Json.putNumber(f, "exponent", fp.slope());
      f.put("attractive", fp.attractive());
    }
  }

  /** The uniform grid whose cell centres are the estimator's bin centres (at least two). */
  static Grid1D binGrid(double[] centres) {
    int n = centres.length;
    double h = (centres[n - 1] - centres[0]) / (n - 1);
    return Grid1D.of(centres[0] - h / 2, centres[n - 1] + h / 2, n);
  }
}
