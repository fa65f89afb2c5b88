package dev.fpk.analysis.stream;

import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The estimator stage: asks the estimators for a batch, in element order. Per stretch between
 * barriers one ask per (run, layer) with all its records of the stretch (in record order), then
 * each barrier's checkpoint asks, which queue behind the records before the barrier. A record's
 * outcome is counted; one the estimator rejects leaves as a dead letter; the steps an ask completed
 * go with its last record, for the solver stage. A barrier gathers its estimators' states.
 *
 * <p>It remembers the offset it gave each entity last ({@code previous} of the next ask), so an
 * entity restarted under the stream says it lost records; the stream then rewinds ({@link Rewind}).
 * Not thread-safe: the stream calls it for one batch at a time; the asks' replies may complete on
 * any thread.
 */
final class EstimatorStage {
  private final EstimatorAsk estimators;
  private final Rewind rewind;
  private final EdgeValidation edge;
  private final PipelineMetrics metrics;

  /** The offset this stream gave each entity last. */
  private final Map<String, Long> fedOffset = new HashMap<>();

  EstimatorStage(
      EstimatorAsk estimators, Rewind rewind, EdgeValidation edge, PipelineMetrics metrics) {
    this.estimators = estimators;
    this.rewind = rewind;
    this.edge = edge;
    this.metrics = metrics;
  }

  /**
   * Asks for every record and barrier of the batch; completes with the batch once all replies are
   * in.
   */
  CompletionStage<Batch> observe(Batch batch) {
    List<CompletableFuture<?>> asks = new ArrayList<>();
    Map<String, List<Element.InFlight>> stretch = new LinkedHashMap<>();
    for (Element e : batch.elements) {
      if (e instanceof Element.AtBarrier b) {
        stretch.forEach((key, records) -> asks.add(observe(key, records)));
        stretch.clear();
        asks.add(checkpoint(b).toCompletableFuture());
      } else if (e instanceof Element.InFlight f && f.snapshot != null) {
        stretch.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(f);
      }
    }
    stretch.forEach((key, records) -> asks.add(observe(key, records)));
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> batch);
  }

  /** One ask to the estimator of {@code key} with its records, in record order. */
  private CompletableFuture<Void> observe(String key, List<Element.InFlight> records) {
    List<WeightSnapshot> snapshots = new ArrayList<>(records.size());
    long[] offsets = new long[records.size()];
    for (int i = 0; i < offsets.length; i++) {
      snapshots.add(records.get(i).snapshot);
      offsets[i] = records.get(i).message.record().offset();
    }
    Long previous = fedOffset.put(key, offsets[offsets.length - 1]);
    return estimators
        .observe(key, snapshots, offsets, previous == null ? -1 : previous)
        .thenAccept(observed -> afterObserve(key, records, observed));
  }

  /**
   * Counts each record's outcome; the steps completed go with the last record, which asks the
   * solver.
   */
  private void afterObserve(
      String key, List<Element.InFlight> records, EstimatorEntity.Observed observed) {
    if (observed.lost()) {
      throw rewind.lost(key);
    }
    SnapshotKey k =
        SnapshotKey.parse(key); // from the key: a record rejected here loses its snapshot
    LayerMeters meters = metrics.layer(k.runId(), k.layer());
    for (int i = 0; i < records.size(); i++) {
      Element.InFlight f = records.get(i);
      switch (observed.outcomes().get(i)) {
        case ACCEPTED -> {
          meters.accepted();
          meters.observed(f.snapshot.getStep(), f.snapshot.getTimeUnixMillis());
        }
        case DUPLICATE -> meters.duplicate();
        case LATE -> meters.late();
        case SKIPPED -> meters.replayed();
        case CHUNK_PENDING -> {}
        case REJECTED -> edge.reject(f, observed.rejections().get(i));
        case LOST -> throw rewind.lost(key);
      }
    }
    meters.replicasGone(observed.gone().size());
    records.get(records.size() - 1).completed = observed.completed();
  }

  /**
   * Asks every entity of the barrier for its state; the asks queue behind the records before the
   * barrier.
   */
  private CompletionStage<Element.AtBarrier> checkpoint(Element.AtBarrier b) {
    List<CompletableFuture<EstimatorEntity.Checkpoint>> asks = new ArrayList<>();
    for (String key : b.barrier.keys()) {
      asks.add(estimators.checkpointEstimator(key, fedOffset.getOrDefault(key, -1L)));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              b.estimators = asks.stream().map(CompletableFuture::join).toList();
              for (int i = 0; i < b.estimators.size(); i++) {
                if (b.estimators.get(i).lost()) {
                  throw rewind.lost(b.barrier.keys().get(i));
                }
              }
              return b;
            });
  }
}
