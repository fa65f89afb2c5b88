package dev.fpk.dashboard.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page keeps at most max-layers (run, layer) pairs: the least recently updated goes first,
 * counted.
 */
class RunStoreLimitTest {
  @Test
  void shouldEvictTheLeastRecentlyUpdatedLayerBeyondTheLimitAndCountIt() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RunStore store = new RunStore(null, 3);
    store.bindTo(registry);
    store.onAlignment(Outputs.alignment("run-a", "w1", 1, 2, 0));
    store.onAlignment(Outputs.alignment("run-a", "w2", 1, 2, 0));
    store.onAlignment(Outputs.alignment("run-b", "w1", 1, 2, 0));
    store.onAlignment(
        Outputs.alignment("run-a", "w1", 2, 2, 0)); // run-a/w2 is now the least recently updated
    assertEquals(0, store.evicted());

    store.onEstimate(Outputs.estimate("run-c", "w1", 1, 2));
    assertEquals(1, store.evicted());
    assertTrue(store.layer("run-a", "w2").isEmpty(), "the least recently updated layer went");
    assertEquals(List.of("run-a", "run-b", "run-c"), store.runIds());
    assertEquals(
        2,
        store.layer("run-a", "w1").orElseThrow().alignment().size(),
        "the others keep their history");

    store.onDensity(Outputs.density("run-d", "w1", 1, 2)); // run-b/w1 next: its run goes with it
    assertEquals(List.of("run-a", "run-c", "run-d"), store.runIds());
    assertEquals(2, store.evicted());
    assertEquals(2.0, registry.get("fpk.dashboard.layers.evicted").functionCounter().count());
  }

  @Test
  void shouldRefuseALimitBelowOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new RunStore(null, 0));
    assertTrue(e.getMessage().contains("fpk.dashboard.max-layers"), e.getMessage());
  }
}
