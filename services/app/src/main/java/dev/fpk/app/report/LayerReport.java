package dev.fpk.app.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.dashboard.live.SpectrumJson;
import dev.fpk.dashboard.store.LayerOutputs;
import dev.fpk.physics.cs.FixedPoints;
import dev.fpk.protocol.EntryPositions;
import dev.fpk.protocol.LayerEntries;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.HorizonForecast;
import dev.fpk.protocol.v1.OutputComparison;
import java.util.List;

/**
 * One layer of the run report as JSON (the shape documented in the README): per entry the latest
 * drift and diffusion fields with their Ornstein-Uhlenbeck fit and the fixed points of the drift,
 * the alignment history, the latest density against the histogram; the layer's output comparisons
 * over the steps, its latest spectrum and the spectral series ({@link SpectrumJson}). Units as on
 * the wire: steps, weight units, drift per step, D per step in dW = mu dt + sqrt(2D) dB. Stateless.
 */
final class LayerReport {
  private LayerReport() {}

  static ObjectNode toJson(ObjectMapper mapper, String name, LayerOutputs<?> layerOutputs) {
    List<AlignmentUpdate> alignment = layerOutputs.alignment();
    DriftDiffusionEstimate estimate = layerOutputs.estimate();
    DensityUpdate density = layerOutputs.density();
    ObjectNode layer =
        mapper
            .createObjectNode()
            .put("layer", name)
            .put("mode", estimate == null ? "ensemble" : estimate.getMode())
            .put(
                "replicas",
                alignment.isEmpty() ? 0 : alignment.get(alignment.size() - 1).getReplicas())
            .put(
                "lastStep",
                alignment.isEmpty() ? -1 : alignment.get(alignment.size() - 1).getStep());
    int count =
        estimate != null
            ? estimate.getEntriesCount()
            : density == null ? 0 : density.getEntriesCount();
    LayerEntries watched =
        LayerEntries.of(alignment.isEmpty() ? null : alignment.get(alignment.size() - 1), estimate);
    layer.put("watchedEntries", watched.selection());
    layer.put(
        "watchedCount",
        alignment.isEmpty() ? count : alignment.get(alignment.size() - 1).getEntriesCount());
    layer.set("shape", ints(mapper, watched.shape()));
    layer.put("matrixEntries", watched.matrixEntries());
    ArrayNode entries = layer.putArray("entries");
    for (int e = 0; e < count; e++) {
      ObjectNode entry = entry(mapper, e, estimate, density, alignment);
      // the entry's row-major index in the whole matrix, whichever entries are watched
      int rowMajor =
          watched.rowMajor(
              estimate != null
                  ? estimate.getEntries(e).getIndexList()
                  : density.getEntries(e).getIndexList());
      if (rowMajor >= 0) {
        entry.put("entry", rowMajor);
      }
      entries.add(entry);
    }
    SpectrumJson.put(layer, layerOutputs.spectrum(), layerOutputs.spectrumSeries());
    ArrayNode outputs = layer.putArray("outputs");
    for (AlignmentUpdate a : alignment) {
      for (OutputComparison o : a.getOutputsList()) {
        outputs
            .addObject()
            .put("step", a.getStep())
            .put("model", o.getModel())
            .put("probes", o.getProbes())
            .put("theorySamples", o.getTheorySamples())
            .put("slicedW1", o.getSlicedW1())
            .put("energy", o.getEnergy())
            .put("slicedW1Floor", o.getSlicedW1Floor())
            .put("energyFloor", o.getEnergyFloor());
      }
    }
    return layer;
  }

  private static ObjectNode entry(
      ObjectMapper mapper,
      int e,
      DriftDiffusionEstimate estimate,
      DensityUpdate density,
      List<AlignmentUpdate> alignment) {
    ObjectNode out = mapper.createObjectNode();
    if (estimate != null) {
      EntryEstimate est = estimate.getEntries(e);
      out.set("index", ints(mapper, est.getIndexList()));
      out.putObject("drift")
          .put("slope", est.getDriftSlope())
          .put("slopeStdErr", est.getDriftSlopeStderr())
          .put("intercept", est.getDriftIntercept())
          .put("unit", "weight units per step")
          .<ObjectNode>set("grid", doubles(mapper, est.getGridList()))
          .<ObjectNode>set("values", doubles(mapper, est.getDriftList()))
          .set("stdErr", doubles(mapper, est.getDriftStderrList()));
      out.putObject("diffusion")
          .put("mean", est.getDiffusionMean())
          .put("meanStdErr", est.getDiffusionMeanStderr())
          .put("unit", "weight units^2 per step, dW = mu dt + sqrt(2D) dB")
          .<ObjectNode>set("grid", doubles(mapper, est.getGridList()))
          .<ObjectNode>set("values", doubles(mapper, est.getDiffusionList()))
          .set("stdErr", doubles(mapper, est.getDiffusionStderrList()));
      out.put("pawulaRatio", est.getPawulaRatio());
      out.putObject("memory")
          .put("halfLifeSteps", est.getMemoryHalfLifeSteps())
          .put("driftTimeTerm", est.getDriftTimeTerm())
          .put("chosenOnline", est.getMemoryChosenOnline());
      ArrayNode fixed = out.putArray("fixedPoints");
      double[] grid = est.getGridList().stream().mapToDouble(Double::doubleValue).toArray();
      double[] drift = est.getDriftList().stream().mapToDouble(Double::doubleValue).toArray();
      FixedPoints.of(grid, drift)
          .forEach(fp -> fixed.addObject().put("w", fp.w()).put("slope", fp.slope()));
    }
    ArrayNode history = out.putArray("alignment");
    List<Integer> index =
        estimate != null
            ? estimate.getEntries(e).getIndexList()
            : density.getEntries(e).getIndexList();
    int position =
        e; // in the alignment, which has every entry; the curves of a big layer have some
    for (AlignmentUpdate a : alignment) {
      position = EntryPositions.find(a, index, position);
      if (position < 0) {
        position = e;
        continue;
      }
      EntryAlignment ea = a.getEntries(position);
      ObjectNode point =
          history
              .addObject()
              .put("step", a.getStep())
              .put("w1", ea.getW1())
              .put("js", ea.getJs())
              .put("hellinger", ea.getHellinger())
              .put("meanError", ea.getMeanError())
              .put("varianceError", ea.getVarianceError())
              .put("samplingFloorW1", ea.getSamplingFloorW1())
              .put("bootstrapFloorW1", ea.getBootstrapFloorW1())
              .put("pValue", ea.getPValue());
      if (ea.getConditionalFloorW1() > 0) { // the conditional verdict, where it was drawn (v1.5)
        point
            .put("conditionalFloorW1", ea.getConditionalFloorW1())
            .put("conditionalPValue", ea.getConditionalPValue());
      }
      if (ea.getForecastsCount() > 0) {
        ArrayNode forecasts = point.putArray("forecasts");
        for (HorizonForecast f : ea.getForecastsList()) {
          forecasts
              .addObject()
              .put("horizon", f.getHorizon())
              .put("issuedStep", f.getIssuedStep())
              .put("w1", f.getW1())
              .put("baselineStatic", f.getStaticW1())
              .put("baselineGaussian", f.getGaussianW1())
              .put("bootstrapFloorW1", f.getBootstrapFloorW1());
        }
      }
    }
    if (!alignment.isEmpty() && position >= 0) {
      out.put(
          "samplingFloorW1",
          alignment.get(alignment.size() - 1).getEntries(position).getSamplingFloorW1());
    }
    if (density != null) {
      EntryDensity d = density.getEntries(e);
      out.putObject("density")
          .put("step", density.getStep())
          .put("scheme", density.getScheme())
          .<ObjectNode>set("edges", doubles(mapper, d.getEdgesList()))
          .<ObjectNode>set("theory", doubles(mapper, d.getTheoryList()))
          .set("empirical", doubles(mapper, d.getEmpiricalList()));
    }
    return out;
  }

  private static ArrayNode ints(ObjectMapper mapper, List<Integer> xs) {
    ArrayNode a = mapper.createArrayNode();
    xs.forEach(a::add);
    return a;
  }

  private static ArrayNode doubles(ObjectMapper mapper, List<Double> xs) {
    ArrayNode a = mapper.createArrayNode();
    xs.forEach(a::add);
    return a;
  }
}
