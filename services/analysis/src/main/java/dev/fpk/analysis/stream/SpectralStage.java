package dev.fpk.analysis.stream;

import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.SpectrumUpdate;
import dev.fpk.solver.SpectralView;
import dev.fpk.solver.StepWindows;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spectral stage (issue 16): a branch of the analysis stream beside the density path, which
 * turns the steps the estimators completed into one {@link SpectrumUpdate} per (run, layer) and
 * window of {@code everySteps} optimiser steps ({@link SpectralView}), for {@link Topics#SPECTRUM}.
 *
 * <p><b>It never holds up the density path.</b> The branch takes each batch once the estimators
 * have answered, picks the steps that open a window ({@link StepWindows#opens}; a cheap look at the
 * step numbers, on the stream's thread) and hands them to a backlog that never back-pressures
 * ({@link SpectralBacklog}): bounded by {@code fpk.spectral.backlog-values} weight values (the
 * steps' own arrays, not copies), beyond which the oldest step of a (run, layer) with a newer one
 * waiting is skipped (counted in {@code fpk.spectrum.skipped}); each (run, layer) keeps its newest.
 * The spectra are computed one backlog at a time on an executor of their own (the {@code
 * fpk.spectral.dispatcher}), so a slow or busy spectral stage only thins the spectral series, never
 * the alignment.
 *
 * <p>While the backlog stays within its bound (the usual case: {@code bench physics} puts a 512 x
 * 512 layer at 15 ms of one core per update), every window gets its update at its first step, as
 * {@link SpectralView} alone would give, whatever the timing: a replay reports the spectra a live
 * run does. <b>Restart:</b> the view's state (the previous spectra, for the Dyson temperature) is
 * not checkpointed: a new stream starts each (run, layer) afresh, so its first update after a
 * restart is at the first window boundary after the step it resumes from (a step that is a multiple
 * of {@code everySteps}, when the trainer publishes every such step), and has no temperature (NaN);
 * the windows after it are as an uninterrupted run's. Updates computed and not yet written when a
 * node stops are written before it leaves (the node waits for {@link #pending}); those of a crash
 * are lost with it.
 *
 * <p>Not thread-safe in itself: the picking runs on the stream's thread, the computing one backlog
 * at a time on the executor ({@code mapAsync(1)}), which keeps each (run, layer) in step order.
 */
final class SpectralStage {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final Logger LOG = LoggerFactory.getLogger(SpectralStage.class);

  private final int everySteps;
  private final long backlogValues;
  private final Executor executor;
  private final PipelineMetrics metrics;
  private final Function<EnsembleStep, Optional<SpectrumUpdate>> compute;

  /** The newest step picked per (run, layer), on the stream's thread. */
  private final Map<String, Long> picked = new HashMap<>();

  /** Steps picked and not yet published or skipped: 0 when the stage is idle. Any thread. */
  private final AtomicLong pending = new AtomicLong();

  /** The per-(run, layer) views, used on the executor only, one backlog at a time. */
  private final Map<String, SpectralView> views = new HashMap<>();

  SpectralStage(SpectralSettings settings, Executor executor, PipelineMetrics metrics) {
    this.everySteps = settings.everySteps();
    this.backlogValues = settings.backlogValues();
    this.executor = executor;
    this.metrics = metrics;
    this.compute = this::viewOf;
  }

  /** As the stage, with {@code compute} in place of the spectral view (tests: a slow stage). */
  SpectralStage(
      SpectralSettings settings,
      Executor executor,
      PipelineMetrics metrics,
      Function<EnsembleStep, Optional<SpectrumUpdate>> compute) {
    this.everySteps = settings.everySteps();
    this.backlogValues = settings.backlogValues();
    this.executor = executor;
    this.metrics = metrics;
    this.compute = compute;
  }

  /**
   * Batches (once the estimators answered) in, the spectrum updates due out; never back-pressures
   * its input. Each update must be handed to {@link #published} once written.
   */
  Flow<Batch, SpectrumUpdate, NotUsed> updates() {
    return Flow.of(Batch.class)
        .mapConcat(this::pick)
        .conflateWithSeed(this::backlog, this::add)
        .mapAsync(1, backlog -> CompletableFuture.supplyAsync(() -> computeAll(backlog), executor))
        .mapConcat(updates -> updates);
  }

  /** The update as the record that carries it, keyed by its (run, layer). */
  static ProducerRecord<String, byte[]> record(SpectrumUpdate u) {
    return new ProducerRecord<>(
        Topics.SPECTRUM, SnapshotKey.of(u.getRunId(), u.getLayer()), u.toByteArray());
  }

  /** An update was written (or dropped on the way): one step less pending. */
  void published() {
    pending.decrementAndGet();
  }

  /** Steps picked and not yet published or skipped; 0 when the stage has nothing to do. */
  long pending() {
    return pending.get();
  }

  /**
   * The steps of the batch (records' and barriers' completed steps, in order) that open a window of
   * their (run, layer) and have a matrix.
   */
  private List<EnsembleStep> pick(Batch batch) {
    List<EnsembleStep> due = new ArrayList<>();
    for (Element e : batch.elements) {
      if (e instanceof Element.InFlight f) {
        pick(f.completed, due);
      } else if (e instanceof Element.AtBarrier b) {
        for (EstimatorEntity.Checkpoint c : b.estimators) {
          pick(c.completed(), due);
        }
      }
    }
    pending.addAndGet(due.size());
    return due;
  }

  private void pick(List<StepEstimate> steps, List<EnsembleStep> due) {
    for (StepEstimate s : steps) {
      EnsembleStep step = s.step();
      String key = SnapshotKey.of(step.runId(), step.layer());
      // a (run, layer) new to this stream is taken as having seen the step before: a run starts
      // with its window's first step, a resumed one at its next window boundary, as it would have
      long previous = picked.getOrDefault(key, step.step() - 1);
      if (step.shape().length >= 2 && StepWindows.opens(previous, step.step(), everySteps)) {
        due.add(step);
      }
      picked.put(key, Math.max(previous, step.step()));
    }
  }

  private SpectralBacklog backlog(EnsembleStep first) {
    return add(new SpectralBacklog(backlogValues), first);
  }

  /** Adds the step to the backlog; the steps it skips to stay within its bound are done. */
  private SpectralBacklog add(SpectralBacklog backlog, EnsembleStep step) {
    for (EnsembleStep skipped : backlog.add(step)) {
      pending.decrementAndGet();
      metrics.spectrumSkipped(skipped.runId(), skipped.layer());
    }
    return backlog;
  }

  /** The updates of the backlog's steps, on the executor; a step without an update is done. */
  private List<SpectrumUpdate> computeAll(Iterable<EnsembleStep> steps) {
    List<SpectrumUpdate> out = new ArrayList<>();
    for (EnsembleStep step : steps) {
      long cpu = THREADS.getCurrentThreadCpuTime();
      Optional<SpectrumUpdate> u;
      try {
        u = compute.apply(step);
      } catch (RuntimeException e) { // a failure here must not fail the stream, nor the alignment
        LOG.warn("no spectrum of {}/{} at step {}: {}", step.runId(), step.layer(), step.step(), e);
        u = Optional.empty();
      }
      metrics.spectrumComputed(THREADS.getCurrentThreadCpuTime() - cpu);
      if (u.isPresent()) {
        out.add(u.get());
      } else {
        pending.decrementAndGet();
      }
    }
    return out;
  }

  private Optional<SpectrumUpdate> viewOf(EnsembleStep step) {
    return views
        .computeIfAbsent(
            SnapshotKey.of(step.runId(), step.layer()), k -> new SpectralView(everySteps))
        .observe(step);
  }
}
