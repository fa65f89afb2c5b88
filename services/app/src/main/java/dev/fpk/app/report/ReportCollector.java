package dev.fpk.app.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fpk.dashboard.store.HistoryBound;
import dev.fpk.dashboard.store.LayerOutputs;
import dev.fpk.dashboard.store.OutputStore;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DeadLetter;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Folds what the analysis publishes (estimates, densities, alignment, dead letters) into the run
 * report: the outputs per run and layer in an {@link OutputStore} (see {@link LayerReport} for what
 * the report shows of them), the records accepted and rejected by reason, and how far each
 * partition was read. Idempotent by step: outputs published again after an analysis resumed from
 * its checkpoints (same values) do not count twice, and a late older one does not replace a newer
 * one. Outputs are parsed only when the report reads them; one that does not parse counts as
 * rejected ({@value #UNPARSEABLE}). Thread-safe (one feeder, any number of readers).
 *
 * <p><b>Bounded memory.</b> What it keeps per (run, layer) is bounded by the grid, not by the
 * steps: the latest estimate and density, and an alignment history of at most {@link #MAX_HISTORY}
 * + 1 steps ({@link HistoryBound#strided}): every step up to {@link #MAX_HISTORY}, then the
 * multiples of a power-of-two stride and the newest step, whatever the arrival order, so a run
 * analysed with an interruption reports the same history as one analysed without.
 */
public final class ReportCollector {
  /** Alignment steps kept per (run, layer) besides the newest (see the class comment). */
  public static final int MAX_HISTORY = 512;

  private static final String UNPARSEABLE = "unparseable_output";

  /** Every (run, layer): the report has no limit on layers. */
  private final OutputStore<Void> outputs =
      new OutputStore<>(HistoryBound.strided(MAX_HISTORY), Integer.MAX_VALUE, () -> null);

  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final Map<String, Long> rejectedByReason = new TreeMap<>();
  private long accepted;

  /** Takes one record of an output topic; records of other topics are ignored. */
  public synchronized void accept(ConsumerRecord<String, byte[]> record) {
    positions.merge(
        new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
    if (!record.topic().equals(Topics.DEAD_LETTER)) {
      outputs.accept(record.topic(), record.value());
      return;
    }
    try {
      rejected(DeadLetter.parseFrom(record.value()).getReason(), 1);
    } catch (InvalidProtocolBufferException e) {
      rejected(UNPARSEABLE, 1);
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
    return fromEveryLayer(LayerOutputs::latestAlignment);
  }

  /** The latest estimate of every (run, layer). */
  public synchronized List<DriftDiffusionEstimate> latestEstimates() {
    return fromEveryLayer(LayerOutputs::estimate);
  }

  /** The report of the given runs as JSON (the shape documented in the README). */
  public synchronized ObjectNode toJson(ObjectMapper mapper, Set<String> runIds) {
    ObjectNode root = mapper.createObjectNode();
    ArrayNode runArray = root.putArray("runs");
    for (String runId : outputs.runIds()) {
      if (runIds.contains(runId)) {
        ArrayNode layerArray = runArray.addObject().put("runId", runId).putArray("layers");
        outputs
            .layers(runId)
            .forEach((name, layer) -> layerArray.add(LayerReport.toJson(mapper, name, layer)));
      }
    }
    // after the layers: reading them parses their outputs, and counts those that do not parse
    Map<String, Long> rejectedNow = new TreeMap<>(rejectedByReason);
    if (outputs.unparseable() > 0) {
      rejectedNow.merge(UNPARSEABLE, outputs.unparseable(), Long::sum);
    }
    ObjectNode records = root.putObject("records");
    long rejected = rejectedNow.values().stream().mapToLong(Long::longValue).sum();
    records.put("accepted", accepted).put("rejected", rejected);
    ObjectNode byReason = records.putObject("byReason");
    rejectedNow.forEach(byReason::put);
    return root;
  }

  /**
   * What {@code read} gives of every (run, layer), by run and layer name, where it gives anything
   * (not null).
   */
  private <T> List<T> fromEveryLayer(Function<LayerOutputs<Void>, T> read) {
    List<T> out = new ArrayList<>();
    for (String run : outputs.runIds()) {
      for (LayerOutputs<Void> layer : outputs.layers(run).values()) {
        T t = read.apply(layer);
        if (t != null) {
          out.add(t);
        }
      }
    }
    return out;
  }
}
