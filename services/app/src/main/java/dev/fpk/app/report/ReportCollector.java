package dev.fpk.app.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fpk.physics.cs.FixedPoints;
import dev.fpk.protocol.EntryPositions;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DeadLetter;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import dev.fpk.protocol.v1.HorizonForecast;
import dev.fpk.protocol.v1.OutputComparison;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Folds what the analysis publishes (estimates, densities, alignment, dead letters) into the
 * run report: per run, layer and entry the latest drift and diffusion fields with their
 * Ornstein-Uhlenbeck fit, the alignment history, the latest density against the histogram, and
 * the fixed points of the drift. Units as on the wire: steps, weight units, drift per step,
 * D per step in dW = mu dt + sqrt(2D) dB. Idempotent by step: outputs published again after an
 * analysis resumed from its checkpoints (same values) do not count twice, and a late older one does
 * not replace a newer one. Thread-safe (one feeder, any number of readers).
 *
 * <p><b>Bounded memory.</b> What it keeps per (run, layer) is bounded by the grid, not by the
 * steps: the latest estimate and density, and an alignment history of at most
 * {@link #MAX_HISTORY} + 1 steps. Up to {@link #MAX_HISTORY} steps every step is kept; beyond, the
 * steps that are multiples of a stride (the smallest power of two that leaves at most
 * {@link #MAX_HISTORY} of them up to the newest step) and the newest step. Which steps are kept
 * depends only on the newest step, not on arrival order, so a run analysed with an interruption
 * reports the same history as one analysed without.
 */
public final class ReportCollector {
  /** Alignment steps kept per (run, layer) besides the newest (see the class comment). */
  public static final int MAX_HISTORY = 512;

  private final Map<String, Map<String, LayerState>> runs = new TreeMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final Map<String, Long> rejectedByReason = new TreeMap<>();
  private long accepted;

  /** Takes one record of an output topic; records of other topics are ignored. */
  public synchronized void accept(ConsumerRecord<String, byte[]> record) {
    positions.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
    try {
      switch (record.topic()) {
        case Topics.ESTIMATES -> {
          StoredOutput<DriftDiffusionEstimate> e = StoredOutput.of(record.value(), DriftDiffusionEstimate.parser());
          LayerState l = layer(e.runId, e.layer);
          if (l.estimate == null || e.step >= l.estimate.step) {
            l.estimate = e;
          }
        }
        case Topics.DENSITIES -> {
          StoredOutput<DensityUpdate> d = StoredOutput.of(record.value(), DensityUpdate.parser());
          LayerState l = layer(d.runId, d.layer);
          if (l.density == null || d.step >= l.density.step) {
            l.density = d;
          }
        }
        case Topics.ALIGNMENT -> {
          StoredOutput<AlignmentUpdate> a = StoredOutput.of(record.value(), AlignmentUpdate.parser());
          layer(a.runId, a.layer).addAlignment(a);
        }
        case Topics.DEAD_LETTER -> rejected(DeadLetter.parseFrom(record.value()).getReason(), 1);
        default -> { }
      }
    } catch (InvalidProtocolBufferException e) {
      rejected("unparseable_output", 1);
    }
  }

  /** Counts records accepted before the pipeline (e.g. read from a replay file). */
  public synchronized void countAccepted(long n) {
    accepted += n;
  }

  /** Counts records rejected before they reached Kafka (e.g. bad lines of a replay file). */
  public synchronized void rejected(String reason, long n) {
    rejectedByReason.merge(reason, n, Long::sum);
  }

  /** True once every partition has been read up to the given end offsets. */
  public synchronized boolean caughtUpWith(Map<TopicPartition, Long> endOffsets) {
    return endOffsets.entrySet().stream()
        .allMatch(e -> e.getValue() == 0 || positions.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  /** The latest alignment update of every (run, layer). */
  public synchronized List<AlignmentUpdate> latestAlignment() {
    List<AlignmentUpdate> out = new ArrayList<>();
    runs.values().forEach(layers -> layers.values().forEach(l -> {
      AlignmentUpdate a = l.latestAlignment();
      if (a != null) {
        out.add(a);
      }
    }));
    return out;
  }

  /** The latest estimate of every (run, layer). */
  public synchronized List<DriftDiffusionEstimate> latestEstimates() {
    List<DriftDiffusionEstimate> out = new ArrayList<>();
    runs.values().forEach(layers -> layers.values().forEach(l -> {
      DriftDiffusionEstimate e = l.estimate();
      if (e != null) {
        out.add(e);
      }
    }));
    return out;
  }

  /** The report of the given runs as JSON (the shape documented in the README). */
  public synchronized ObjectNode toJson(ObjectMapper mapper, Set<String> runIds) {
    ObjectNode root = mapper.createObjectNode();
    ArrayNode runArray = root.putArray("runs");
    runs.forEach((runId, layers) -> {
      if (!runIds.contains(runId)) {
        return;
      }
      ObjectNode run = runArray.addObject().put("runId", runId);
      ArrayNode layerArray = run.putArray("layers");
      layers.forEach((name, state) -> layerArray.add(state.toJson(mapper, name)));
    });
    ObjectNode records = root.putObject("records");
    long rejected = rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    records.put("accepted", accepted).put("rejected", rejected);
    ObjectNode byReason = records.putObject("byReason");
    rejectedByReason.forEach(byReason::put);
    return root;
  }

  private LayerState layer(String run, String layer) {
    return runs.computeIfAbsent(run, r -> new TreeMap<>()).computeIfAbsent(layer, l -> new LayerState());
  }

  /**
   * The whole message of a kept output, or null when it does not parse (only its run, layer and
   * step were read on arrival): counted as unparseable then, and dropped by the caller.
   */
  private <T> T parsed(StoredOutput<T> o) {
    try {
      return o == null ? null : o.message();
    } catch (InvalidProtocolBufferException e) {
      rejected("unparseable_output", 1);
      return null;
    }
  }

  /**
   * Everything known of one (run, layer): outputs as their bytes and step until read (see
   * {@link StoredOutput}). Guarded by the collector.
   */
  private final class LayerState {
    StoredOutput<DriftDiffusionEstimate> estimate;
    StoredOutput<DensityUpdate> density;
    /** In step order, one per step. */
    final List<StoredOutput<AlignmentUpdate>> alignmentKept = new ArrayList<>();

    /**
     * In step order, one per step: an update published again (a resumed stream replays) replaces
     * its step's; then thinned to the steps {@link #kept} keeps.
     */
    void addAlignment(StoredOutput<AlignmentUpdate> a) {
      List<StoredOutput<AlignmentUpdate>> history = alignmentKept;
      int i = history.size();
      while (i > 0 && history.get(i - 1).step > a.step) {
        i--;
      }
      if (i > 0 && history.get(i - 1).step == a.step) {
        history.set(i - 1, a);
      } else {
        history.add(i, a);
      }
      long newest = history.get(history.size() - 1).step;
      history.removeIf(u -> !kept(u.step, newest));
    }

    DriftDiffusionEstimate estimate() {
      DriftDiffusionEstimate e = parsed(estimate);
      if (e == null) {
        estimate = null;
      }
      return e;
    }

    DensityUpdate density() {
      DensityUpdate d = parsed(density);
      if (d == null) {
        density = null;
      }
      return d;
    }

    /** The newest alignment update that parses (an unparseable one is dropped), or null. */
    AlignmentUpdate latestAlignment() {
      while (!alignmentKept.isEmpty()) {
        AlignmentUpdate a = parsed(alignmentKept.get(alignmentKept.size() - 1));
        if (a != null) {
          return a;
        }
        alignmentKept.remove(alignmentKept.size() - 1);
      }
      return null;
    }

    /** The alignment history, parsed (an update that does not parse is dropped). */
    List<AlignmentUpdate> alignment() {
      alignmentKept.removeIf(a -> parsed(a) == null);
      List<AlignmentUpdate> history = new ArrayList<>(alignmentKept.size());
      for (StoredOutput<AlignmentUpdate> a : alignmentKept) {
        history.add(parsed(a));
      }
      return history;
    }

    /** Whether the history keeps {@code step} when the newest step is {@code newest}. */
    static boolean kept(long step, long newest) {
      return step == newest || step % stride(newest) == 0;
    }

    /** The smallest power of two that leaves at most MAX_HISTORY of its multiples in 0..newest-1. */
    static long stride(long newest) {
      long stride = 1;
      while ((newest + stride - 1) / stride > MAX_HISTORY) {
        stride *= 2;
      }
      return stride;
    }

    ObjectNode toJson(ObjectMapper mapper, String name) {
      List<AlignmentUpdate> alignment = alignment();
      DriftDiffusionEstimate estimate = estimate();
      DensityUpdate density = density();
      ObjectNode layer = mapper.createObjectNode().put("layer", name)
          .put("mode", estimate == null ? "ensemble" : estimate.getMode())
          .put("replicas", alignment.isEmpty() ? 0 : alignment.get(alignment.size() - 1).getReplicas())
          .put("lastStep", alignment.isEmpty() ? -1 : alignment.get(alignment.size() - 1).getStep());
      ArrayNode entries = layer.putArray("entries");
      int count = estimate != null ? estimate.getEntriesCount() : density == null ? 0 : density.getEntriesCount();
      for (int e = 0; e < count; e++) {
        entries.add(entry(mapper, e, estimate, density, alignment));
      }
      ArrayNode outputs = layer.putArray("outputs");
      for (AlignmentUpdate a : alignment) {
        for (OutputComparison o : a.getOutputsList()) {
          outputs.addObject().put("step", a.getStep()).put("model", o.getModel()).put("probes", o.getProbes())
              .put("theorySamples", o.getTheorySamples()).put("slicedW1", o.getSlicedW1()).put("energy", o.getEnergy())
              .put("slicedW1Floor", o.getSlicedW1Floor()).put("energyFloor", o.getEnergyFloor());
        }
      }
      return layer;
    }

    private static ObjectNode entry(ObjectMapper mapper, int e, DriftDiffusionEstimate estimate, DensityUpdate density,
        List<AlignmentUpdate> alignment) {
      ObjectNode out = mapper.createObjectNode();
      if (estimate != null) {
        EntryEstimate est = estimate.getEntries(e);
        out.set("index", ints(mapper, est.getIndexList()));
        out.putObject("drift").put("slope", est.getDriftSlope()).put("slopeStdErr", est.getDriftSlopeStderr())
            .put("intercept", est.getDriftIntercept()).put("unit", "weight units per step")
            .<ObjectNode>set("grid", doubles(mapper, est.getGridList()))
            .<ObjectNode>set("values", doubles(mapper, est.getDriftList()))
            .set("stdErr", doubles(mapper, est.getDriftStderrList()));
        out.putObject("diffusion").put("mean", est.getDiffusionMean()).put("meanStdErr", est.getDiffusionMeanStderr())
            .put("unit", "weight units^2 per step, dW = mu dt + sqrt(2D) dB")
            .<ObjectNode>set("grid", doubles(mapper, est.getGridList()))
            .<ObjectNode>set("values", doubles(mapper, est.getDiffusionList()))
            .set("stdErr", doubles(mapper, est.getDiffusionStderrList()));
        out.put("pawulaRatio", est.getPawulaRatio());
        ArrayNode fixed = out.putArray("fixedPoints");
        double[] grid = est.getGridList().stream().mapToDouble(Double::doubleValue).toArray();
        double[] drift = est.getDriftList().stream().mapToDouble(Double::doubleValue).toArray();
        FixedPoints.of(grid, drift).forEach(fp -> fixed.addObject().put("w", fp.w()).put("slope", fp.slope()));
      }
      ArrayNode history = out.putArray("alignment");
      List<Integer> index = estimate != null ? estimate.getEntries(e).getIndexList()
          : density.getEntries(e).getIndexList();
      int position = e; // in the alignment, which has every entry; the curves of a big layer have some
      for (AlignmentUpdate a : alignment) {
        position = EntryPositions.find(a, index, position);
        if (position < 0) {
          position = e;
          continue;
        }
        EntryAlignment ea = a.getEntries(position);
        ObjectNode point = history.addObject().put("step", a.getStep()).put("w1", ea.getW1()).put("js", ea.getJs())
            .put("hellinger", ea.getHellinger()).put("meanError", ea.getMeanError())
            .put("varianceError", ea.getVarianceError()).put("samplingFloorW1", ea.getSamplingFloorW1())
            .put("bootstrapFloorW1", ea.getBootstrapFloorW1()).put("pValue", ea.getPValue());
        if (ea.getForecastsCount() > 0) {
          ArrayNode forecasts = point.putArray("forecasts");
          for (HorizonForecast f : ea.getForecastsList()) {
            forecasts.addObject().put("horizon", f.getHorizon()).put("issuedStep", f.getIssuedStep())
                .put("w1", f.getW1()).put("baselineStatic", f.getStaticW1()).put("baselineGaussian", f.getGaussianW1())
                .put("bootstrapFloorW1", f.getBootstrapFloorW1());
          }
        }
      }
      if (!alignment.isEmpty() && position >= 0) {
        out.put("samplingFloorW1", alignment.get(alignment.size() - 1).getEntries(position).getSamplingFloorW1());
      }
      if (density != null) {
        EntryDensity d = density.getEntries(e);
        out.putObject("density").put("step", density.getStep()).put("scheme", density.getScheme())
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
}
