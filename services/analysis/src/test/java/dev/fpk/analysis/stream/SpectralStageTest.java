package dev.fpk.analysis.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.SpectrumUpdate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The spectral branch on real Pekko streams: the density path (here the stream's main line) goes on
 * while the spectral stage is stuck, and the stage gives the updates the spectral view would.
 */
class SpectralStageTest {
  static final ActorTestKit KIT = ActorTestKit.create("spectral-stage");
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterAll
  static void stopKit() {
    KIT.shutdownTestKit();
  }

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  @Test
  void densityPathGoesOnWhileTheSpectralStageIsStuck() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Function<EnsembleStep, Optional<SpectrumUpdate>> stuck =
        step -> {
          started.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Optional.of(update(step));
        };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PipelineMetrics metrics = new PipelineMetrics();
    metrics.bindTo(registry);
    SpectralStage stage =
        new SpectralStage(new SpectralSettings(10, 2 * 18, "unused", 0), executor, metrics, stuck);
    List<SpectrumUpdate> written = new CopyOnWriteArrayList<>();
    List<Batch> batches = new ArrayList<>();
    for (long s = 0; s < 100; s++) {
      batches.add(StageFixtures.batch(completed(step("w", s, 2, 3, 3, new Random(s)))));
    }

    CompletionStage<List<Batch>> densityPath =
        Source.from(batches)
            .alsoTo(
                stage
                    .updates()
                    .to(
                        Sink.foreach(
                            u -> {
                              written.add(u);
                              stage.published();
                            })))
            .runWith(Sink.seq(), KIT.system());

    assertTrue(started.await(10, TimeUnit.SECONDS), "the spectral stage took the first step");
    List<Batch> passed = densityPath.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(100, passed.size(), "every batch went down the density path");
    assertTrue(written.isEmpty(), "nothing written while the spectral stage is stuck");
    assertEquals(3, stage.pending(), "step 0 in the works, two steps' values (80, 90) waiting");
    assertEquals(
        7.0,
        registry.get("fpk.spectrum.skipped").tags("run", "r", "layer", "w").counter().count(),
        "windows 10..70 skipped for newer ones while it was stuck");

    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (stage.pending() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of(0L, 80L, 90L), written.stream().map(SpectrumUpdate::getStep).toList());
    assertEquals(0, stage.pending());
  }

  @Test
  void givesOneSpectrumPerWindowOfEveryMatrixLayerFromRecordsAndBarriers() throws Exception {
    SpectralStage stage =
        new SpectralStage(
            new SpectralSettings(10, 1 << 20, "unused", 0), executor, new PipelineMetrics());
    List<Batch> batches = new ArrayList<>();
    Random random = new Random(7);
    for (long s = 0; s < 25; s++) {
      Element.InFlight record = completed(step("w", s, 3, 8, 6, random));
      Element.AtBarrier barrier = StageFixtures.barrier("r/b");
      // the bias (1-D) has no spectrum; its steps come at barriers (completed by the timer)
      barrier.estimators =
          List.of(
              new EstimatorEntity.Checkpoint(
                  false, true, null, List.of(estimate(step("b", s, 3, 8, 0, random))), List.of()));
      batches.add(StageFixtures.batch(record, barrier));
    }
    // a spectral stage that keeps up: each batch comes once the one before is written
    List<SpectrumUpdate> written =
        Source.from(batches)
            .mapAsync(1, b -> CompletableFuture.supplyAsync(() -> afterIdle(stage, b)))
            .via(stage.updates())
            .map(
                u -> {
                  stage.published();
                  return u;
                })
            .runWith(Sink.seq(), KIT.system())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

    assertEquals(List.of(0L, 10L, 20L), written.stream().map(SpectrumUpdate::getStep).toList());
    for (SpectrumUpdate u : written) {
      assertEquals("w", u.getLayer());
      assertEquals(3, u.getReplicas());
      assertEquals(List.of(8, 6), u.getShapeList());
      assertEquals(3 * 6, u.getEigenvaluesCount(), "every replica's min(rows, cols) pooled");
      for (int i = 1; i < u.getEigenvaluesCount(); i++) {
        assertTrue(u.getEigenvalues(i - 1) <= u.getEigenvalues(i), "ascending");
      }
    }
    assertTrue(Double.isNaN(written.get(0).getTemperature()), "no temperature before a second");
    assertTrue(written.get(1).getTemperature() > 0, "temperature between spectra of noise");
  }

  @Test
  void aStreamThatResumesMidWindowStartsAtTheNextWindowBoundary() throws Exception {
    SpectralStage stage =
        new SpectralStage(
            new SpectralSettings(10, 1 << 20, "unused", 0),
            executor,
            new PipelineMetrics(),
            step -> Optional.of(update(step)));
    List<Batch> batches = new ArrayList<>();
    for (long s = 23; s < 46; s++) {
      batches.add(StageFixtures.batch(completed(step("w", s, 1, 2, 2, new Random(s)))));
    }
    List<SpectrumUpdate> written =
        Source.from(batches)
            .via(stage.updates())
            .runWith(Sink.seq(), KIT.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertEquals(
        List.of(30L, 40L),
        written.stream().map(SpectrumUpdate::getStep).toList(),
        "the windows an uninterrupted run has, from the first boundary on");
  }

  @Test
  void aFailingSpectrumIsSkippedAndTheStreamGoesOn() throws Exception {
    Function<EnsembleStep, Optional<SpectrumUpdate>> failing =
        step -> {
          if (step.step() == 10) {
            throw new IllegalStateException("no eigenvalues");
          }
          return Optional.of(update(step));
        };
    SpectralStage stage =
        new SpectralStage(
            new SpectralSettings(10, 1 << 20, "unused", 0),
            executor,
            new PipelineMetrics(),
            failing);
    List<Batch> batches = new ArrayList<>();
    for (long s = 0; s < 30; s++) {
      batches.add(StageFixtures.batch(completed(step("w", s, 1, 2, 2, new Random(s)))));
    }
    List<SpectrumUpdate> written =
        Source.from(batches)
            .via(stage.updates())
            .runWith(Sink.seq(), KIT.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertEquals(List.of(0L, 20L), written.stream().map(SpectrumUpdate::getStep).toList());
    assertEquals(2, stage.pending(), "the failed one is done; the two written not yet published");
  }

  private static Batch afterIdle(SpectralStage stage, Batch b) {
    try {
      while (stage.pending() > 0) {
        Thread.sleep(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return b;
  }

  private static SpectrumUpdate update(EnsembleStep step) {
    return SpectrumUpdate.newBuilder()
        .setRunId(step.runId())
        .setLayer(step.layer())
        .setStep(step.step())
        .build();
  }

  /** A record whose estimator completed the step. */
  private static Element.InFlight completed(EnsembleStep step) {
    Element.InFlight f =
        new Element.InFlight(
            StageFixtures.message(0, step.step(), "r/" + step.layer(), new byte[0]));
    f.completed = List.of(estimate(step));
    return f;
  }

  private static StepEstimate estimate(EnsembleStep step) {
    return new StepEstimate(step, DriftDiffusionEstimate.getDefaultInstance());
  }

  /**
   * Step {@code s} of run r: {@code replicas} Gaussian matrices [rows, cols] (a vector of {@code
   * rows} when cols = 0).
   */
  private static EnsembleStep step(
      String layer, long s, int replicas, int rows, int cols, Random random) {
    int entries = cols == 0 ? rows : rows * cols;
    float[] values = new float[replicas * entries];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    int[] ids = new int[replicas];
    for (int r = 0; r < replicas; r++) {
      ids[r] = r;
    }
    return new EnsembleStep(
        "r",
        layer,
        s,
        cols == 0 ? new int[] {rows} : new int[] {rows, cols},
        ids,
        values,
        0.01,
        8,
        1000 + s);
  }
}
