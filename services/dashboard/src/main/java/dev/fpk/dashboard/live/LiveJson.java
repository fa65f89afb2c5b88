package dev.fpk.dashboard.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.dashboard.store.StepSeries;
import dev.fpk.physics.cs.FixedPoints;
import dev.fpk.protocol.EntryPositions;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.HorizonForecast;
import dev.fpk.protocol.v1.OutputComparison;
import java.util.Arrays;
import java.util.List;

/**
 * The JSON the page and the API speak. An entry has the shape of an entry of the replay report
 * (README, "The replay report") plus per-bin standard errors and counts, the flow share and the
 * layer's output-distribution comparisons over the steps ({@code outputs}, empty until trainers
 * publish probe inputs), so one page script draws both the live page and the static HTML report.
 * NaN and infinities become null (JSON has neither).
 */
public final class LiveJson {
  private final ObjectMapper mapper;

  public LiveJson(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * {"runs":[{"runId":..,"layers":[layer summary, ...]}, ...]} of the given summaries (sorted by
   * run, layer).
   */
  public ObjectNode runs(List<LayerSummary> summaries, long version) {
    ObjectNode root = mapper.createObjectNode();
    ArrayNode runs = root.putArray("runs");
    ObjectNode current = null;
    for (LayerSummary l : summaries) {
      if (current == null || !current.path("runId").asText().equals(l.run())) {
        current = runs.addObject().put("runId", l.run());
        current.putArray("layers");
      }
      ((ArrayNode) current.get("layers")).add(layerSummary(l));
    }
    return root.put("version", version);
  }

  public ObjectNode runs(RunStore store) {
    return runs(store.summaries(), store.version());
  }

  public ObjectNode run(String run, List<LayerSummary> layers) {
    ObjectNode out = mapper.createObjectNode().put("runId", run);
    ArrayNode array = out.putArray("layers");
    layers.forEach(l -> array.add(layerSummary(l)));
    return out;
  }

  /**
   * Name, mode, replicas, last step, the entries' indices (position in the list = entry number) and
   * which are watched: {@code watchedEntries} (the selection, {@code fpk.entries}), {@code
   * watchedCount}, the whole matrix's {@code shape} and {@code matrixEntries} (0 when unknown).
   */
  public ObjectNode layerSummary(LayerSummary l) {
    ObjectNode out =
        mapper
            .createObjectNode()
            .put("runId", l.run())
            .put("layer", l.layer())
            .put("mode", l.mode())
            .put("replicas", l.replicas())
            .put("lastStep", l.lastStep())
            .put("version", l.version());
    ArrayNode entries = out.putArray("entries");
    l.entries().forEach(index -> entries.add(ints(index)));
    out.put("watchedEntries", l.watched().selection())
        .put("watchedCount", l.entries().size())
        .put("matrixEntries", l.watched().matrixEntries())
        .set("shape", ints(l.watched().shape()));
    return out;
  }

  /**
   * Everything the page draws for one entry; {@code entry} must be below {@link
   * LayerView#entryCount()}.
   */
  public ObjectNode entry(LayerView l, int entry) {
    ObjectNode out =
        mapper
            .createObjectNode()
            .put("runId", l.run())
            .put("layer", l.layer())
            .put("entry", entry)
            .put("lastStep", l.lastStep())
            .put("version", l.version());
    out.set("index", ints(l.index(entry)));
    if (l.estimate() != null && entry < l.estimate().getEntriesCount()) {
      EntryEstimate est = l.estimate().getEntries(entry);
      out.put("estimateStep", l.estimate().getStep());
      ObjectNode drift = out.putObject("drift");
      number(drift, "slope", est.getDriftSlope());
      number(drift, "slopeStdErr", est.getDriftSlopeStderr());
      number(drift, "intercept", est.getDriftIntercept());
      drift.put("unit", "weight units per step");
      drift.set("grid", doubles(est.getGridList()));
      drift.set("values", doubles(est.getDriftList()));
      drift.set("stdErr", doubles(est.getDriftStderrList()));
      ObjectNode diffusion = out.putObject("diffusion");
      number(diffusion, "mean", est.getDiffusionMean());
      number(diffusion, "meanStdErr", est.getDiffusionMeanStderr());
      diffusion.put("unit", "weight units^2 per step, dW = mu dt + sqrt(2D) dB");
      diffusion.set("grid", doubles(est.getGridList()));
      diffusion.set("values", doubles(est.getDiffusionList()));
      diffusion.set("stdErr", doubles(est.getDiffusionStderrList()));
      out.set("counts", doubles(est.getCountList()));
      number(out, "pawulaRatio", est.getPawulaRatio());
      ObjectNode memory =
          out.putObject("memory")
              .put("driftTimeTerm", est.getDriftTimeTerm())
              .put("chosenOnline", est.getMemoryChosenOnline());
      number(memory, "halfLifeSteps", est.getMemoryHalfLifeSteps());
      ArrayNode fixed = out.putArray("fixedPoints");
      double[] grid = est.getGridList().stream().mapToDouble(Double::doubleValue).toArray();
      double[] mu = est.getDriftList().stream().mapToDouble(Double::doubleValue).toArray();
      FixedPoints.of(grid, mu)
          .forEach(
              fp -> {
                ObjectNode p = fixed.addObject();
                number(p, "w", fp.w());
                number(p, "slope", fp.slope());
              });
    }
    number(out, "flowShare", entry < l.flowShare().length ? l.flowShare()[entry] : Double.NaN);
    ArrayNode history = out.putArray("alignment");
    List<Integer> index = l.index(entry);
    int position =
        entry; // in the alignment, which has every entry; the curves of a big layer have some
    for (AlignmentUpdate a : l.alignment()) {
      position = EntryPositions.find(a, index, position);
      if (position < 0) {
        position = entry;
        continue;
      }
      EntryAlignment ea = a.getEntries(position);
      ObjectNode p = history.addObject().put("step", a.getStep());
      number(p, "w1", ea.getW1());
      number(p, "js", ea.getJs());
      number(p, "hellinger", ea.getHellinger());
      number(p, "meanError", ea.getMeanError());
      number(p, "varianceError", ea.getVarianceError());
      number(p, "samplingFloorW1", ea.getSamplingFloorW1());
      number(p, "bootstrapFloorW1", ea.getBootstrapFloorW1());
      number(p, "pValue", ea.getPValue());
      if (ea.getForecastsCount() > 0) {
        ArrayNode forecasts = p.putArray("forecasts");
        for (HorizonForecast f : ea.getForecastsList()) {
          ObjectNode fp =
              forecasts
                  .addObject()
                  .put("horizon", f.getHorizon())
                  .put("issuedStep", f.getIssuedStep());
          number(fp, "w1", f.getW1());
          number(fp, "baselineStatic", f.getStaticW1());
          number(fp, "baselineGaussian", f.getGaussianW1());
        }
      }
    }
    AlignmentUpdate latest = l.latestAlignment();
    if (latest != null) {
      out.put("replicas", latest.getReplicas())
          .put("sourceTimeMillis", latest.getSourceTimeUnixMillis())
          .put("publishedMillis", l.alignmentPublishedMillis());
    }
    if (l.density() != null && entry < l.density().getEntriesCount()) {
      EntryDensity d = l.density().getEntries(entry);
      ObjectNode density = out.putObject("density").put("step", l.density().getStep());
      density.set("edges", doubles(d.getEdgesList()));
      density.set("theory", doubles(d.getTheoryList()));
      density.set("empirical", doubles(d.getEmpiricalList()));
    }
    out.set("outputs", outputs(l.alignment()));
    curves(out, l.curves(), entry);
    return out;
  }

  // ---- distribution over time and update size (LayerCurves) ----

  /**
   * {@code quantileLevels}; {@code quantiles}: per density step the theory's and the replicas'
   * quantiles at those levels (weight units); {@code updateSize}: per estimate step the replicas'
   * RMS increment per step (weight units per step).
   */
  private void curves(ObjectNode out, LayerCurves.View curves, int entry) {
    ArrayNode levels = out.putArray("quantileLevels");
    for (double level : LayerCurves.LEVELS) {
      levels.add(level);
    }
    ArrayNode quantiles = out.putArray("quantiles");
    int n = LayerCurves.LEVELS.length;
    for (StepSeries.Point<double[][]> p : curves.quantiles()) {
      if (entry < p.value().length) {
        double[] q = p.value()[entry];
        ObjectNode point = quantiles.addObject().put("step", p.step());
        point.set("theory", doubles(Arrays.copyOfRange(q, 0, n)));
        point.set("replicas", doubles(Arrays.copyOfRange(q, n, 2 * n)));
      }
    }
    ArrayNode updateSize = out.putArray("updateSize");
    for (StepSeries.Point<double[]> p : curves.updateSize()) {
      if (entry < p.value().length) {
        number(updateSize.addObject().put("step", p.step()), "rms", p.value()[entry]);
      }
    }
  }

  private ArrayNode doubles(double[] xs) {
    ArrayNode a = mapper.createArrayNode();
    for (double x : xs) {
      if (Double.isFinite(x)) {
        a.add(x);
      } else {
        a.addNull();
      }
    }
    return a;
  }

  /** The layer's output comparisons, oldest first: the report's {@code outputs}. */
  private ArrayNode outputs(List<AlignmentUpdate> history) {
    ArrayNode out = mapper.createArrayNode();
    for (AlignmentUpdate a : history) {
      for (OutputComparison o : a.getOutputsList()) {
        ObjectNode p =
            out.addObject()
                .put("step", a.getStep())
                .put("model", o.getModel())
                .put("probes", o.getProbes())
                .put("theorySamples", o.getTheorySamples());
        number(p, "slicedW1", o.getSlicedW1());
        number(p, "energy", o.getEnergy());
        number(p, "slicedW1Floor", o.getSlicedW1Floor());
        number(p, "energyFloor", o.getEnergyFloor());
      }
    }
    return out;
  }

  private ArrayNode ints(List<Integer> xs) {
    ArrayNode a = mapper.createArrayNode();
    xs.forEach(a::add);
    return a;
  }

  private ArrayNode doubles(List<Double> xs) {
    return doubles(xs.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Puts {@code x}, or null where it is NaN or infinite. */
  static void number(ObjectNode node, String field, double x) {
    if (Double.isFinite(x)) {
      node.put(field, x);
    } else {
      node.putNull(field);
    }
  }
}
