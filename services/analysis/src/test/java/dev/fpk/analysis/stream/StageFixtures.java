package dev.fpk.analysis.stream;

import dev.fpk.estimator.EnsembleStep;
import dev.fpk.estimator.EstimatorEntity;
import dev.fpk.estimator.StepEstimate;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.solver.SolverEntity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;

/**
 * What the stage tests drive the stages with: records as the consumer hands them (no broker, no
 * committable offset), and entities that answer by hand, noting every ask in order.
 */
final class StageFixtures {
  private StageFixtures() {}

  static WeightSnapshot snapshot(String layer, int replica, long step) {
    return WeightSnapshot.newBuilder()
        .setRunId("r")
        .setLayer(layer)
        .setReplica(replica)
        .setStep(step)
        .setEnsembleSize(2)
        .addShape(1)
        .addValues(0.25f * (replica + 1))
        .setTimeUnixMillis(1000 + step)
        .build();
  }

  /** A record of the snapshot topic as the consumer hands it, not committable. */
  static CommittableMessage<String, byte[]> message(
      int partition, long offset, String key, byte[] value) {
    return new CommittableMessage<>(
        new ConsumerRecord<>(Topics.SNAPSHOTS, partition, offset, key, value), null);
  }

  /** A valid record on its way. */
  static Element.InFlight record(int partition, long offset, WeightSnapshot s) {
    Element.InFlight f =
        new Element.InFlight(
            message(partition, offset, s.getRunId() + "/" + s.getLayer(), s.toByteArray()));
    f.snapshot = s;
    return f;
  }

  static Element.AtBarrier barrier(String... keys) {
    return new Element.AtBarrier(new Barriers.Barrier<CommittableOffset>(List.of(keys), List.of()));
  }

  static Batch batch(Element... elements) {
    Batch b = new Batch(elements[0]);
    for (int i = 1; i < elements.length; i++) {
      b.add(elements[i]);
    }
    return b;
  }

  /** A completed step of run r, layer {@code layer}. */
  static StepEstimate step(String layer, long step) {
    return new StepEstimate(
        new EnsembleStep(
            "r",
            layer,
            step,
            new int[] {1},
            new int[] {0, 1},
            new float[] {0.25f, 0.5f},
            0.01,
            8,
            1000 + step),
        DriftDiffusionEstimate.newBuilder().setRunId("r").setLayer(layer).setStep(step).build());
  }

  static double count(MeterRegistry registry, String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  /** Estimators answered by functions of the ask; every ask is noted, in the order it was made. */
  static final class Estimators implements EstimatorAsk {
    record Observe(String key, List<WeightSnapshot> snapshots, long[] offsets, long previous) {}

    record TakeCheckpoint(String key, long previous) {}

    final List<Object> asks = new ArrayList<>();
    Function<Observe, EstimatorEntity.Observed> observed;
    Function<TakeCheckpoint, EstimatorEntity.Checkpoint> checkpoints =
        a -> new EstimatorEntity.Checkpoint(false, false, new byte[0], List.of(), List.of());

    Estimators(Function<Observe, EstimatorEntity.Observed> observed) {
      this.observed = observed;
    }

    @Override
    public CompletableFuture<EstimatorEntity.Observed> observe(
        String key, List<WeightSnapshot> snapshots, long[] offsets, long previous) {
      Observe a = new Observe(key, snapshots, offsets, previous);
      asks.add(a);
      return CompletableFuture.completedFuture(observed.apply(a));
    }

    @Override
    public CompletableFuture<EstimatorEntity.Checkpoint> checkpointEstimator(
        String key, long previous) {
      TakeCheckpoint a = new TakeCheckpoint(key, previous);
      asks.add(a);
      return CompletableFuture.completedFuture(checkpoints.apply(a));
    }
  }

  /** Solvers answered by functions of the ask; every ask is noted, in the order it was made. */
  static final class Solvers implements SolverAsk {
    record Advance(String key, List<StepEstimate> steps, long previous) {}

    record TakeCheckpoint(String key, long previous) {}

    final List<Object> asks = new ArrayList<>();
    Function<Advance, SolverEntity.Advanced> advanced;
    Function<TakeCheckpoint, SolverEntity.Checkpoint> checkpoints;

    Solvers(
        Function<Advance, SolverEntity.Advanced> advanced,
        Function<TakeCheckpoint, SolverEntity.Checkpoint> checkpoints) {
      this.advanced = advanced;
      this.checkpoints = checkpoints;
    }

    @Override
    public CompletableFuture<SolverEntity.Advanced> advance(
        String key, List<StepEstimate> steps, long previous) {
      Advance a = new Advance(key, steps, previous);
      asks.add(a);
      return CompletableFuture.completedFuture(advanced.apply(a));
    }

    @Override
    public CompletableFuture<SolverEntity.Checkpoint> checkpoint(String key, long previous) {
      TakeCheckpoint a = new TakeCheckpoint(key, previous);
      asks.add(a);
      return CompletableFuture.completedFuture(checkpoints.apply(a));
    }
  }

  /** Notes the keys it was asked to rewind. */
  static final class Rewinds implements Rewind {
    final List<String> keys = new ArrayList<>();

    @Override
    public AnalysisStream.EntityLostRecords lost(String key) {
      keys.add(key);
      return new AnalysisStream.EntityLostRecords(key);
    }
  }
}
