package dev.fpk.app.sweep;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.app.experiment.Json;
import dev.fpk.app.experiment.SgdDiffusion;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryEstimate;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end of a sweep: per run and matrix entry, the estimated diffusion D against what SGD theory
 * expects from the reference run ({@link SgdDiffusion}: D ~ eta^2 / B with the gradient-noise
 * covariance of the reference run), and W1 of the Fokker-Planck density against its bootstrap floor
 * (where W1 sits, on average, when the theory is right). D is the estimators' latest (at the last
 * step the fields were published), in weight units^2 per step (dW = mu dt + sqrt(2D) dB); W1 and
 * its floor at the last step analysed, in weight units.
 */
public final class SweepSummary {
  /** One row: a run's matrix entry. */
  public record Row(
      SweepGrid.Point run,
      String layer,
      List<Integer> index,
      long estimateStep,
      double diffusion,
      double expectedDiffusion,
      long alignmentStep,
      double w1,
      double bootstrapFloorW1) {
    /** Measured over expected D: 1 where SGD theory's eta^2 / B scaling holds. */
    public double diffusionRatio() {
      return diffusion / expectedDiffusion;
    }

    public double w1OverFloor() {
      return w1 / bootstrapFloorW1;
    }
  }

  private final SweepGrid grid;
  private final List<Row> rows;

  private SweepSummary(SweepGrid grid, List<Row> rows) {
    this.grid = grid;
    this.rows = List.copyOf(rows);
  }

  /**
   * The summary of the sweep from the latest estimates and alignments of its runs (others are
   * ignored); an entry missing from the reference run, or from a run's alignment, has NaN there.
   */
  public static SweepSummary of(
      SweepGrid grid, List<DriftDiffusionEstimate> estimates, List<AlignmentUpdate> alignments) {
    Map<String, EntryEstimate> estimateOf = new HashMap<>();
    for (DriftDiffusionEstimate e : estimates) {
      for (EntryEstimate x : e.getEntriesList()) {
        estimateOf.put(key(e.getRunId(), e.getLayer(), x.getIndexList()), x);
      }
    }
    Map<String, EntryAlignment> alignmentOf = new HashMap<>();
    Map<String, Long> alignmentStep = new HashMap<>();
    for (AlignmentUpdate a : alignments) {
      for (EntryAlignment x : a.getEntriesList()) {
        alignmentOf.put(key(a.getRunId(), a.getLayer(), x.getIndexList()), x);
      }
      alignmentStep.put(a.getRunId() + "\n" + a.getLayer(), a.getStep());
    }
    SweepGrid.Point reference = grid.points().get(0);
    List<Row> rows = new ArrayList<>();
    for (SweepGrid.Point p : grid.points()) {
      for (DriftDiffusionEstimate e : estimates) {
        if (!e.getRunId().equals(p.runId())) {
          continue;
        }
        for (EntryEstimate x : e.getEntriesList()) {
          EntryEstimate ref =
              estimateOf.get(key(reference.runId(), e.getLayer(), x.getIndexList()));
          EntryAlignment a = alignmentOf.get(key(p.runId(), e.getLayer(), x.getIndexList()));
          double expected =
              ref == null
                  ? Double.NaN
                  : SgdDiffusion.expected(
                      ref.getDiffusionMean(),
                      reference.learningRate(),
                      reference.batchSize(),
                      p.learningRate(),
                      p.batchSize());
          rows.add(
              new Row(
                  p,
                  e.getLayer(),
                  x.getIndexList(),
                  e.getStep(),
                  x.getDiffusionMean(),
                  expected,
                  alignmentStep.getOrDefault(p.runId() + "\n" + e.getLayer(), -1L),
                  a == null ? Double.NaN : a.getW1(),
                  a == null ? Double.NaN : a.getBootstrapFloorW1()));
        }
      }
    }
    return new SweepSummary(grid, rows);
  }

  public List<Row> rows() {
    return rows;
  }

  /** The table, one row per run and entry, with its units. */
  public void print(PrintWriter out) {
    SweepGrid.Point ref = grid.points().get(0);
    out.println();
    out.printf(
        "Sweep %s: D per step (weight units^2, dW = mu dt + sqrt(2D) dB) against SGD theory's"
            + " D ~ eta^2/B scaled from the reference run %s; W1 (weight units) at the last step"
            + " against its bootstrap floor%n",
        grid.sweepId(), ref.runId());
    int width = Math.max(3, rows.stream().mapToInt(r -> r.run().runId().length()).max().orElse(3));
    String head = "%-" + width + "s %-10s %-6s %10s %11s %10s %10s %10s %9s%n";
    out.printf(
        head,
        "run",
        "layer",
        "entry",
        "D",
        "D expected",
        "D/expected",
        "W1",
        "W1 floor",
        "W1/floor");
    String line = "%-" + width + "s %-10s %-6s %10.3e %11.3e %10.3f %10.3e %10.3e %9.3f%n";
    for (Row r : rows) {
      out.printf(
          Locale.ROOT,
          line,
          r.run().runId(),
          r.layer(),
          r.index().toString().replace(" ", ""),
          r.diffusion(),
          r.expectedDiffusion(),
          r.diffusionRatio(),
          r.w1(),
          r.bootstrapFloorW1(),
          r.w1OverFloor());
    }
  }

  /** The table as JSON: the sweep, its reference run, and per run its entries. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("sweep", grid.sweepId()).put("reference", grid.points().get(0).runId());
    o.putObject("units")
        .put("diffusion", "weight units^2 per step, dW = mu dt + sqrt(2D) dB")
        .put("w1", "weight units")
        .put("step", "optimiser steps");
    o.put(
        "expectedDiffusion",
        "D of the reference run's same entry x (eta / eta_ref)^2 / (B / B_ref) (SGD theory D ="
            + " eta^2 Sigma / (2B))");
    ArrayNode runs = o.putArray("runs");
    for (SweepGrid.Point p : grid.points()) {
      ObjectNode run =
          runs.addObject()
              .put("runId", p.runId())
              .put("learningRate", p.learningRate())
              .put("batchSize", p.batchSize());
      ArrayNode entries = run.putArray("entries");
      for (Row r : rows) {
        if (!r.run().equals(p)) {
          continue;
        }
        ObjectNode e = entries.addObject().put("layer", r.layer());
        r.index().forEach(e.putArray("index")::add);
        e.put("estimateStep", r.estimateStep());
        Json.putNumber(e, "diffusion", r.diffusion());
        Json.putNumber(e, "expectedDiffusion", r.expectedDiffusion());
        Json.putNumber(e, "diffusionRatio", r.diffusionRatio());
        e.put("alignmentStep", r.alignmentStep());
        Json.putNumber(e, "w1", r.w1());
        Json.putNumber(e, "bootstrapFloorW1", r.bootstrapFloorW1());
        Json.putNumber(e, "w1OverFloor", r.w1OverFloor());
      }
    }
    return o;
  }

  private static String key(String runId, String layer, List<Integer> index) {
    return runId + "\n" + layer + "\n" + index;
  }
}
