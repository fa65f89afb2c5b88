package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.app.node.Pipeline;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An ensemble of a 64x64 matrix (4,096 entries, each with its own density) runs end to end with the
 * default settings: every step's alignment carries every entry, while the per-entry curves
 * (densities 3 x 128 doubles per entry, fields) go out every 10 steps for 256 entries (every 16th):
 * all of them every step would be 12.7 MB a step, past the producer's record limit. The report
 * finds each published entry's alignment by its matrix index.
 */
@Timeout(180)
class LargeLayerIT {
  private static final int SIDE = 64;
  private static final int REPLICAS = 16;
  private static final int STEPS = 20;

  /** fpk.solver.curves defaults: every 10 steps, at most 256 entries of a layer. */
  private static final int CURVE_ENTRIES = 256;

  private static final int STRIDE = SIDE * SIDE / CURVE_ENTRIES;

  @Test
  void shouldAlignEveryEntryEveryStepAndPublishTheCurvesOfEvery16thEntryEvery10Steps()
      throws Exception {
    String runId = "wide-" + UUID.randomUUID();
    String bootstrap = TestKafka.bootstrap();
    double[] rates = new double[SIDE * SIDE];
    Arrays.fill(rates, 0.03);
    OuEnsemble ou =
        new OuEnsemble(
            runId,
            "wide",
            new int[] {SIDE, SIDE},
            rates,
            new double[SIDE * SIDE],
            1e-4,
            REPLICAS,
            0.2,
            0.05,
            7);
    List<WeightSnapshot> snapshots = new ArrayList<>();
    for (int step = 0; step <= STEPS; step++) {
      snapshots.addAll(ou.snapshots());
      ou.advance();
    }
    try (Pipeline pipeline =
        Pipeline.start(ConfigFactory.load(), bootstrap, "fpk-test-" + UUID.randomUUID())) {
      Streaming.publish(bootstrap, snapshots);
      pipeline.awaitCaughtUp(Duration.ofSeconds(150));

      AlignmentUpdate last =
          pipeline.collector().latestAlignment().stream()
              .filter(a -> a.getRunId().equals(runId))
              .findFirst()
              .orElseThrow();
      assertEquals(STEPS, last.getStep());
      assertEquals(SIDE * SIDE, last.getEntriesCount(), "the alignment carries every entry");
      DriftDiffusionEstimate fields =
          pipeline.collector().latestEstimates().stream()
              .filter(e -> e.getRunId().equals(runId))
              .findFirst()
              .orElseThrow();
      assertEquals(STEPS, fields.getStep(), "curves at steps 0, 10 and 20");
      assertEquals(CURVE_ENTRIES, fields.getEntriesCount(), "the curves carry every 16th entry");
      for (int k = 0; k < CURVE_ENTRIES; k++) {
        int flat = k * STRIDE;
        assertEquals(List.of(flat / SIDE, flat % SIDE), fields.getEntries(k).getIndexList());
      }

      JsonNode entries =
          pipeline
              .collector()
              .toJson(new ObjectMapper(), Set.of(runId))
              .at("/runs/0/layers/0/entries");
      assertEquals(CURVE_ENTRIES, entries.size());
      for (int k : new int[] {0, 1, 17, CURVE_ENTRIES - 1}) {
        JsonNode entry = entries.get(k);
        assertEquals(STEPS, entry.at("/density/step").asLong());
        JsonNode history = entry.get("alignment");
        assertEquals(STEPS + 1, history.size(), "one alignment figure per step for entry " + k);
        double w1 = history.get(STEPS).get("w1").asDouble();
        assertEquals(
            last.getEntries(k * STRIDE).getW1(),
            w1,
            0.0,
            "entry " + k + " is the alignment's entry " + k * STRIDE);
        assertTrue(
            w1 > 0 && w1 < 0.05,
            "entry " + k + ": W1 " + w1 + " weight units, the OU spread is ~0.05");
      }
      System.out.printf(
          "64x64 layer, %d replicas, %d steps: alignment of %d entries per step, curves of %d entries"
              + " at step %d; W1 of entry [0,0] at step %d: %.3e%n",
          REPLICAS,
          STEPS + 1,
          last.getEntriesCount(),
          fields.getEntriesCount(),
          fields.getStep(),
          STEPS,
          last.getEntries(0).getW1());
    }
  }
}
