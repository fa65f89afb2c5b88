package dev.fpk.dashboard.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.Topics;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunStoreTest {

  @Test
  void shouldListRunsAndLayersSeenOnTheOutputTopics() {
    RunStore store = new RunStore();
    store.accept(Topics.ESTIMATES, Outputs.estimate("b-run", "bottleneck", 3, 2).toByteArray());
    store.accept(Topics.ALIGNMENT, Outputs.alignment("a-run", "enc", 3, 2, 0).toByteArray());
    store.accept(Topics.ALIGNMENT, Outputs.alignment("a-run", "dec", 4, 2, 0).toByteArray());
    assertEquals(List.of("a-run", "b-run"), store.runIds());
    assertEquals(
        List.of("dec", "enc"), store.layers("a-run").stream().map(LayerView::layer).toList());
    assertEquals(4, store.layer("a-run", "dec").orElseThrow().lastStep());
    assertTrue(store.layers("nobody").isEmpty());
  }

  @Test
  void shouldBumpVersionsOnlyOfTheLayerThatChanged() {
    RunStore store = new RunStore();
    store.onAlignment(Outputs.alignment("r", "a", 1, 1, 0));
    store.onAlignment(Outputs.alignment("r", "b", 1, 1, 0));
    long a = store.layerVersion("r", "a");
    long before = store.version();
    store.onAlignment(Outputs.alignment("r", "b", 2, 1, 0));
    assertEquals(a, store.layerVersion("r", "a"));
    assertTrue(store.version() > before);
    assertEquals(store.version(), store.layerVersion("r", "b"));
    assertEquals(-1, store.layerVersion("r", "zzz"));
  }

  @Test
  void shouldKeepOnePointPerStepInOrderWhenOutputsArePublishedAgain() {
    RunStore store = new RunStore();
    for (long step : new long[] {1, 2, 3, 4, 2, 3, 4, 5}) { // resumed after step 1: 2..4 again
      store.onAlignment(Outputs.alignment("r", "l", step, 1, 0));
    }
    store.onAlignment(Outputs.alignment("r", "l", 0, 1, 0)); // a late, older step
    assertEquals(
        List.of(0L, 1L, 2L, 3L, 4L, 5L),
        store.layer("r", "l").orElseThrow().alignment().stream().map(a -> a.getStep()).toList());
  }

  @Test
  void shouldNotLetALateOlderEstimateOrDensityReplaceANewerOne() {
    RunStore store = new RunStore();
    store.onEstimate(Outputs.estimate("r", "l", 9, 1));
    store.onEstimate(Outputs.estimate("r", "l", 4, 1));
    store.onDensity(Outputs.density("r", "l", 9, 1));
    store.onDensity(Outputs.density("r", "l", 4, 1));
    LayerView view = store.layer("r", "l").orElseThrow();
    assertEquals(9, view.estimate().getStep());
    assertEquals(9, view.density().getStep());
  }

  @Test
  void shouldCountUnparseableRecordsAndGoOn() {
    RunStore store = new RunStore();
    store.accept(Topics.DENSITIES, new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
    store.accept(Topics.DENSITIES, Outputs.density("r", "l", 1, 1).toByteArray());
    assertEquals(1, store.unparseable());
    assertEquals(List.of("r"), store.runIds());
  }

  @Test
  void shouldKeepHistoryBoundedWithItsFirstAndLastStep() {
    RunStore store = new RunStore();
    int steps = RunStore.MAX_HISTORY * 3;
    for (int s = 0; s < steps; s++) {
      store.onAlignment(Outputs.alignment("r", "l", s, 1, 0));
    }
    LayerView view = store.layer("r", "l").orElseThrow();
    assertTrue(view.alignment().size() <= RunStore.MAX_HISTORY, "size " + view.alignment().size());
    assertEquals(0, view.alignment().get(0).getStep());
    assertEquals(steps - 1, view.alignment().get(view.alignment().size() - 1).getStep());
  }

  @Test
  void shouldComputeAFlowShareBetweenZeroAndOneOnceEstimateAndDensityAreIn() {
    RunStore store = new RunStore();
    store.onDensity(Outputs.density("r", "l", 1, 2));
    assertEquals(
        0, store.layer("r", "l").orElseThrow().flowShare().length, "no estimate yet: no share");
    store.onEstimate(Outputs.estimate("r", "l", 1, 2));
    double[] shares = store.layer("r", "l").orElseThrow().flowShare();
    assertEquals(2, shares.length);
    // near the stationary OU density, drift and diffusion parts of dp/dt balance: share near 1/2
    assertTrue(shares[0] > 0.2 && shares[0] < 0.8, "share " + shares[0]);
  }

  @Test
  void shouldSayWhichEntriesALayerWatchesAndTheirPlaceInTheWholeMatrix() {
    RunStore store = new RunStore();
    // three watched entries of a 1x12 layer (Outputs indexes them [0,0], [0,1], [0,2])
    store.onAlignment(
        Outputs.alignment("r", "w", 1, 3, 0).toBuilder()
            .setWatchedEntries("stride:4")
            .addShape(1)
            .addShape(12)
            .build());
    store.onAlignment(Outputs.alignment("r", "old", 1, 2, 0)); // a writer before v1.6
    com.fasterxml.jackson.databind.node.ObjectNode json =
        new LiveJson(new com.fasterxml.jackson.databind.ObjectMapper()).runs(store);
    com.fasterxml.jackson.databind.JsonNode w = json.at("/runs/0/layers/1");
    assertEquals("w", w.get("layer").asText());
    assertEquals("stride:4", w.get("watchedEntries").asText());
    assertEquals(3, w.get("watchedCount").asInt());
    assertEquals(12, w.get("matrixEntries").asInt());
    assertEquals("[1,12]", w.get("shape").toString());
    assertEquals(
        2, store.layer("r", "w").orElseThrow().summary().watched().rowMajor(List.of(0, 2)));
    com.fasterxml.jackson.databind.JsonNode old = json.at("/runs/0/layers/0");
    assertEquals("all", old.get("watchedEntries").asText());
    assertEquals(0, old.get("matrixEntries").asInt(), "unknown before v1.6");
    assertEquals(
        -1, store.layer("r", "old").orElseThrow().summary().watched().rowMajor(List.of(0, 1)));
  }
}
