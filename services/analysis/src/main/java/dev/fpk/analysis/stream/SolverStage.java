package dev.fpk.analysis.stream;

import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.solver.EnsembleSolver;
import dev.fpk.solver.SolverEntity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The solver stage: asks the solvers for a batch, in element order. A record that completed steps
 * at the estimator advances its (run, layer)'s solver through them (one ask), and what that
 * produces goes with the record: the alignment of every step to {@link Topics#ALIGNMENT}, and, when
 * due, the per-entry curves to {@link Topics#ESTIMATES} and {@link Topics#DENSITIES}, all keyed by
 * the snapshot key. At a barrier, for every entity whose estimator state changed, the solver
 * advances through the steps the estimator's timer completed, gives its state (both asks sent at
 * once, so they queue ahead of any record after the barrier), and the pair becomes the entity's
 * checkpoint record ({@link CheckpointRecords}).
 *
 * <p>It remembers the step it gave each entity last ({@code previous} of the next ask), so a solver
 * restarted under the stream says it lost steps; the stream then rewinds ({@link Rewind}). Not
 * thread-safe: the stream calls it for one batch at a time.
 */
final class SolverStage {
  private final SolverAsk solvers;
  private final Rewind rewind;
  private final CheckpointRecords checkpoints;
  private final PipelineMetrics metrics;

  /** The step this stream gave each entity last. */
  private final Map<String, Long> fedStep = new HashMap<>();

  SolverStage(
      SolverAsk solvers, Rewind rewind, CheckpointRecords checkpoints, PipelineMetrics metrics) {
    this.solvers = solvers;
    this.rewind = rewind;
    this.checkpoints = checkpoints;
    this.metrics = metrics;
  }

  /**
   * Asks for every record with completed steps and every barrier of the batch; completes with the
   * batch.
   */
  CompletionStage<Batch> solve(Batch batch) {
    List<CompletableFuture<?>> asks = new ArrayList<>();
    for (Element e : batch.elements) {
      if (e instanceof Element.AtBarrier b) {
        asks.add(checkpoint(b).toCompletableFuture());
      } else if (e instanceof Element.InFlight f && !f.completed.isEmpty()) {
        asks.add(advance(f.completed, f.out).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> batch);
  }

  /** Advances the solver of the steps' (run, layer) and adds what that produced to {@code out}. */
  private CompletionStage<Void> advance(
      List<StepEstimate> steps, List<ProducerRecord<String, byte[]>> out) {
    String key = SnapshotKey.of(steps.get(0).step().runId(), steps.get(0).step().layer());
    LayerMeters meters = metrics.layer(steps.get(0).step().runId(), steps.get(0).step().layer());
    long start = System.nanoTime();
    long previous = fedStep.getOrDefault(key, -1L);
    fedStep.put(key, Math.max(previous, steps.get(steps.size() - 1).step().step()));
    return solvers
        .advance(key, steps, previous)
        .thenAccept(
            advanced -> {
              if (advanced.lost()) {
                throw rewind.lost(key);
              }
              metrics.solved(System.nanoTime() - start, advanced.outputs().size());
              for (int i = 0; i < advanced.outputs().size(); i++) {
                EnsembleSolver.Output o = advanced.outputs().get(i);
                if (o.densities()
                    != null) { // the per-entry curves, when due (SolverSettings.CurveSettings)
                  out.add(new ProducerRecord<>(Topics.ESTIMATES, key, o.fields().toByteArray()));
                  out.add(new ProducerRecord<>(Topics.DENSITIES, key, o.densities().toByteArray()));
                }
                out.add(new ProducerRecord<>(Topics.ALIGNMENT, key, o.alignment().toByteArray()));
                meters.aligned(o.alignment());
              }
            });
  }

  /**
   * For every entity of the barrier that changed: advances its solver through the steps the
   * estimator's timer completed, takes the solver's state and writes the pair as one checkpoint
   * record, after what the advance produced.
   */
  private CompletionStage<Element.AtBarrier> checkpoint(Element.AtBarrier b) {
    List<CompletableFuture<List<ProducerRecord<String, byte[]>>>> work = new ArrayList<>();
    List<String> keys = b.barrier.keys();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      EstimatorEntity.Checkpoint est = b.estimators.get(i);
      SnapshotKey k = SnapshotKey.parse(key);
      metrics.layer(k.runId(), k.layer()).replicasGone(est.gone().size());
      if (!est.changed()) {
        continue;
      }
      List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
      CompletionStage<Void> advanced =
          est.completed().isEmpty()
              ? CompletableFuture.completedFuture(null)
              : advance(est.completed(), out);
      CompletionStage<SolverEntity.Checkpoint> solver =
          solvers.checkpoint(key, fedStep.getOrDefault(key, -1L));
      work.add(
          advanced
              .thenCombine(
                  solver,
                  (done, sol) -> {
                    if (sol.lost()) {
                      throw rewind.lost(key);
                    }
                    out.addAll(checkpoints.of(key, est, sol));
                    return out;
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              for (CompletableFuture<List<ProducerRecord<String, byte[]>>> w : work) {
                b.out.addAll(w.join());
              }
              return b;
            });
  }
}
