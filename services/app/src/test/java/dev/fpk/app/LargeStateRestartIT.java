package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.app.node.AnalysisNode;
import dev.fpk.protocol.Chunks;
import dev.fpk.protocol.v1.WeightSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entity states of many megabytes survive a restart: a 64x64 ensemble layer (16 replicas; a state
 * of 74 MB, 97 checkpoint records) and a 2048x2048 pooled layer (a single run; 16 MB, 22 records,
 * more with a matrix cut by the barrier) are analysed by a node that is stopped mid-stream, drained
 * or killed with SIGKILL (a node process of the packaged jar), and a new node takes over from their
 * checkpoints. Each layer's report equals that of an uninterrupted run, bit for bit, with one
 * alignment figure per step, and the new node restored from checkpoints of several records. Before
 * chunked checkpoints a state above 6 MiB was never checkpointed: both layers started afresh, with
 * other figures.
 */
@Timeout(300)
class LargeStateRestartIT {
  private static final Duration WAIT = Duration.ofSeconds(150);
  private static final int STEPS = 6;

  /** Steps published before the stop (a step every 300 ms); the rest come after it. */
  private static final int LAST_BEFORE = 4;

  /**
   * The nodes' settings: checkpoint barriers 1 s apart, the default (the other restart tests take
   * 300 ms; a 64x64 layer's checkpoint is 74 MB).
   */
  private static final Map<String, Object> NODE = Map.of("fpk.checkpoint.interval", "1s");

  /** The uninterrupted runs' layers (ensemble, pooled), once for both ways of stopping. */
  private static List<JsonNode> reference;

  @TempDir Path tmp;

  @Test
  void shouldRestoreLayersOfTensOfMegabytesAfterADrainedStop() throws Exception {
    interruptedRunsReportTheSame(false);
  }

  @Test
  void shouldRestoreLayersOfTensOfMegabytesAfterTheNodeIsKilled() throws Exception {
    interruptedRunsReportTheSame(true);
  }

  /**
   * The snapshots of both runs, step by step (each step: the ensemble's 16 snapshots, then the
   * pooled matrix's 19 chunks).
   */
  private static List<WeightSnapshot> data(String ensembleRun, String pooledRun) {
    int side = 64;
    double[] rates = new double[side * side];
    Arrays.fill(rates, 0.03);
    OuEnsemble ensemble =
        new OuEnsemble(
            ensembleRun,
            "wide",
            new int[] {side, side},
            rates,
            new double[side * side],
            1e-4,
            16,
            0.2,
            0.05,
            7);
    int big = 2048;
    double[] bigRates = new double[big * big];
    Arrays.fill(bigRates, 0.02);
    OuEnsemble pooled =
        new OuEnsemble(
            pooledRun,
            "big",
            new int[] {big, big},
            bigRates,
            new double[big * big],
            1e-4,
            1,
            0.0,
            0.3,
            5);
    List<WeightSnapshot> out = new ArrayList<>();
    for (int step = 0; step <= STEPS; step++) {
      out.addAll(ensemble.snapshots());
      // a single run's matrix of 16 MB goes in chunks, as a trainer sends it
      WeightSnapshot whole = pooled.snapshots().get(0).toBuilder().setEnsembleSize(1).build();
      out.addAll(Chunks.splitToBytes(whole, Chunks.DEFAULT_MAX_MESSAGE_BYTES));
      ensemble.advance();
      pooled.advance();
    }
    return out;
  }

  private void interruptedRunsReportTheSame(boolean kill) throws Exception {
    long t0 = System.nanoTime();
    String bootstrap = TestKafka.bootstrap();
    List<JsonNode> expected = reference(bootstrap);
    double referenceSeconds = (System.nanoTime() - t0) / 1e9;

    String id = UUID.randomUUID().toString();
    long seed = System.nanoTime();
    double stopAt = 0.25 + 0.3 * new Random(seed).nextDouble();
    String ensembleRun = "large-cut-ensemble-" + id;
    String pooledRun = "large-cut-pooled-" + id;
    String group = "it-large-cut-" + id;
    Streaming.startGroupAtEnd(bootstrap, group);
    Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
    List<WeightSnapshot> data = data(ensembleRun, pooledRun);
    Map<TopicPartition, Long> end = Streaming.endsAfter(start, data);
    // the first steps a step every 300 ms, so that the node is stopped while it analyses; the rest
    // after the stop: both layers have records left however fast the first node is (a drained stop
    // analyses all it has fetched)
    List<WeightSnapshot> before = data.stream().filter(s -> s.getStep() <= LAST_BEFORE).toList();
    Stoppable first = kill ? nodeProcess(bootstrap, group) : inJvm(bootstrap, group);
    CompletableFuture<?> publishing =
        Streaming.publishingPaced(bootstrap, before, LAST_BEFORE + 1, Duration.ofMillis(300));
    try {
      Streaming.awaitCommitted(bootstrap, group, start, end, stopAt, WAIT);
    } finally {
      first.stop();
    }
    double stoppedAt = Streaming.committed(bootstrap, group, start, end);
    publishing.get();
    assertEquals(
        end,
        Streaming.publish(bootstrap, data.stream().filter(s -> s.getStep() > LAST_BEFORE).toList()),
        "published where expected");
    long t1 = System.nanoTime();
    DistributionSummary restored;
    double unrestorable;
    try (AnalysisNode second = Streaming.start(bootstrap, Streaming.nodeConfig(group, NODE))) {
      Streaming.awaitCommitted(bootstrap, group, start, end, 1.0, WAIT);
      restored = second.registry().find("fpk.checkpoint.restored").summary();
      unrestorable =
          second.registry().find("fpk.checkpoint.unrestorable").counters().stream()
              .mapToDouble(Counter::count)
              .sum();
    }
    double resumeSeconds = (System.nanoTime() - t1) / 1e9;
    assertEquals(0, unrestorable, "checkpoints found unusable");
    assertTrue(
        restored != null && restored.count() >= 2,
        "the second node restored both layers' entities");
    assertTrue(
        restored.max() > 1, "from checkpoints of several records: " + restored.max() + " records");

    List<JsonNode> actual =
        List.of(Streaming.layers(bootstrap, ensembleRun), Streaming.layers(bootstrap, pooledRun));
    double diff = 0;
    for (int i = 0; i < 2; i++) {
      assertEquals(1, actual.get(i).size(), "one layer");
      for (JsonNode entry : actual.get(i).get(0).get("entries")) {
        assertEquals(
            STEPS + 1, entry.get("alignment").size(), "one alignment figure per step, none twice");
      }
      diff = Math.max(diff, Streaming.maxDifference(expected.get(i), actual.get(i), "layers"));
    }
    System.out.printf(
        "64x64 ensemble and 2048x2048 pooled layers after a %s (seed %d): stopped at %.1f%%"
            + " committed (aimed %.1f%%), %d restores from at most %.0f records; reference runs %.1f"
            + " s, second node %.1f s, test %.1f s; max relative difference of the reports %.3g%n",
        kill ? "SIGKILL" : "drained stop",
        seed,
        100 * stoppedAt,
        100 * stopAt,
        restored.count(),
        restored.max(),
        referenceSeconds,
        resumeSeconds,
        (System.nanoTime() - t0) / 1e9,
        diff);
    assertTrue(diff <= 1e-9, "reports differ by " + diff);
  }

  /** The layers an uninterrupted node reports for the same data (runs of their own). */
  private static synchronized List<JsonNode> reference(String bootstrap) throws Exception {
    if (reference == null) {
      String id = UUID.randomUUID().toString();
      String ensembleRun = "large-ref-ensemble-" + id;
      String pooledRun = "large-ref-pooled-" + id;
      String group = "it-large-ref-" + id;
      Streaming.startGroupAtEnd(bootstrap, group);
      Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
      Map<TopicPartition, Long> end = Streaming.publish(bootstrap, data(ensembleRun, pooledRun));
      try (AnalysisNode node = Streaming.start(bootstrap, Streaming.nodeConfig(group, NODE))) {
        Streaming.awaitCommitted(bootstrap, group, start, end, 1.0, WAIT);
      }
      reference =
          List.of(Streaming.layers(bootstrap, ensembleRun), Streaming.layers(bootstrap, pooledRun));
    }
    return reference;
  }

  /** A first node that can be stopped one way. */
  @FunctionalInterface
  private interface Stoppable {
    void stop() throws Exception;
  }

  /** A node in this JVM, stopped as a drained stop does (last checkpoint, offsets committed). */
  private static Stoppable inJvm(String bootstrap, String group) {
    AnalysisNode node = Streaming.start(bootstrap, Streaming.nodeConfig(group, NODE));
    return node::close;
  }

  /**
   * A node process of the packaged jar ({@code fpk node}), stopped with SIGKILL: no drain, no last
   * checkpoint, a checkpoint write possibly cut short.
   */
  private Stoppable nodeProcess(String bootstrap, String group) throws Exception {
    Map<String, Object> settings = new HashMap<>(NODE);
    settings.put("fpk.group", group);
    // 2 GB ran out (OutOfMemoryError) once the spectral view joined: a 64x64 ensemble's 52 MB of
    // estimator state, its checkpoint encoding and a 2048x2048 layer's spectra
    NodeProcess node = NodeProcess.start(tmp, bootstrap, "4g", settings, List.of(), WAIT);
    return node::kill;
  }
}
