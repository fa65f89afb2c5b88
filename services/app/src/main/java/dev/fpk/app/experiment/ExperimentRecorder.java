package dev.fpk.app.experiment;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.SpectrumUpdate;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the experiment keeps of one layer of its runs, read from the topics like any other reader:
 * the ensemble-mean training loss per step (from the snapshots), every alignment update, the
 * estimates every few steps and the densities at the steps asked for; and the spectral updates of a
 * second layer (the one whose spectra have a temperature). One record per step: a record published
 * again after a resumed analysis replaces its step's. Thread-safe.
 */
public final class ExperimentRecorder {
  private final String layer;
  private final String spectralLayer;
  private final Set<String> runIds;
  private final long estimateEvery;
  private final LongPredicate densityWanted;
  private final Map<String, RunRecord> runs = new HashMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private long unparseable;

  /** Everything kept of one run, by step. */
  public static final class RunRecord {
    final NavigableMap<Long, double[]> lossSumAndCount = new TreeMap<>();
    final NavigableMap<Long, AlignmentUpdate> alignment = new TreeMap<>();
    final NavigableMap<Long, DriftDiffusionEstimate> estimates = new TreeMap<>();
    final NavigableMap<Long, DensityUpdate> densities = new TreeMap<>();
    final NavigableMap<Long, SpectrumUpdate> spectra = new TreeMap<>();

    /** Ensemble-mean minibatch loss per step (MSE), steps >= 1. */
    public NavigableMap<Long, Double> meanLoss() {
      NavigableMap<Long, Double> out = new TreeMap<>();
      lossSumAndCount.forEach((step, sc) -> out.put(step, sc[0] / sc[1]));
      return out;
    }

    public NavigableMap<Long, AlignmentUpdate> alignment() {
      return alignment;
    }

    public NavigableMap<Long, DriftDiffusionEstimate> estimates() {
      return estimates;
    }

    public NavigableMap<Long, DensityUpdate> densities() {
      return densities;
    }

    /** The spectral updates of the recorder's spectral layer, by step. */
    public NavigableMap<Long, SpectrumUpdate> spectra() {
      return spectra;
    }
  }

  /**
   * @param layer the layer followed, e.g. "bottleneck"
   * @param spectralLayer the layer whose spectral updates are kept, e.g. "enc1"
   * @param runIds the runs followed; records of other runs are ignored
   * @param estimateEvery estimates are kept at steps that are multiples of this
   * @param densityWanted densities are kept at the steps it accepts
   */
  public ExperimentRecorder(
      String layer,
      String spectralLayer,
      List<String> runIds,
      long estimateEvery,
      LongPredicate densityWanted) {
    this.layer = layer;
    this.spectralLayer = spectralLayer;
    this.runIds = Set.copyOf(runIds);
    this.estimateEvery = estimateEvery;
    this.densityWanted = densityWanted;
    runIds.forEach(r -> runs.put(r, new RunRecord()));
  }

  /** Takes one record of the snapshot or an output topic. */
  public void accept(ConsumerRecord<String, byte[]> record) {
    try {
      switch (record.topic()) {
        case Topics.SNAPSHOTS -> onSnapshot(WeightSnapshot.parseFrom(record.value()));
        case Topics.ALIGNMENT -> {
          AlignmentUpdate a = AlignmentUpdate.parseFrom(record.value());
          keep(a.getRunId(), a.getLayer(), run -> run.alignment.put(a.getStep(), a));
        }
        case Topics.ESTIMATES -> {
          DriftDiffusionEstimate e = DriftDiffusionEstimate.parseFrom(record.value());
          if (e.getStep() % estimateEvery == 0) {
            keep(e.getRunId(), e.getLayer(), run -> run.estimates.put(e.getStep(), e));
          }
        }
        case Topics.DENSITIES -> {
          DensityUpdate d = DensityUpdate.parseFrom(record.value());
          if (densityWanted.test(d.getStep())) {
            keep(d.getRunId(), d.getLayer(), run -> run.densities.put(d.getStep(), d));
          }
        }
        case Topics.SPECTRUM -> {
          SpectrumUpdate u = SpectrumUpdate.parseFrom(record.value());
          synchronized (this) {
            if (spectralLayer.equals(u.getLayer()) && runIds.contains(u.getRunId())) {
              runs.get(u.getRunId()).spectra.put(u.getStep(), u);
            }
          }
        }
        default -> {}
      }
    } catch (InvalidProtocolBufferException e) {
      synchronized (this) {
        unparseable++;
      }
    }
    // after the record is kept: caught up means its content is in
    synchronized (this) {
      positions.merge(
          new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
    }
  }

  private void onSnapshot(WeightSnapshot s) {
    // every layer of a replica carries the same loss: count it once
    if (s.hasLoss() && s.getChunkIndex() == 0) {
      keep(
          s.getRunId(),
          s.getLayer(),
          run -> {
            double[] sc = run.lossSumAndCount.computeIfAbsent(s.getStep(), k -> new double[2]);
            sc[0] += s.getLoss();
            sc[1]++;
          });
    }
  }

  private synchronized void keep(
      String runId, String recordLayer, java.util.function.Consumer<RunRecord> update) {
    if (layer.equals(recordLayer) && runIds.contains(runId)) {
      update.accept(runs.get(runId));
    }
  }

  /** The record of a run (live: read it once the runs are done). */
  public synchronized RunRecord run(String runId) {
    RunRecord r = runs.get(runId);
    if (r == null) {
      throw new IllegalArgumentException("run " + runId + " is not followed");
    }
    return r;
  }

  /** True once every partition has been read up to the given end offsets. */
  public synchronized boolean caughtUpWith(Map<TopicPartition, Long> endOffsets) {
    return endOffsets.entrySet().stream()
        .allMatch(e -> e.getValue() == 0 || positions.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  /** Output records that did not parse. */
  public synchronized long unparseable() {
    return unparseable;
  }
}
