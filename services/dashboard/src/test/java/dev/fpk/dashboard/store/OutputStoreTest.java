package dev.fpk.dashboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fpk.dashboard.live.Outputs;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One fold, whether the outputs come as bytes read lazily (the report) or parsed (the live page).
 */
class OutputStoreTest {

  @Test
  void shouldFoldOutputsTakenAsBytesAsTheSameOutputsTakenParsed() {
    OutputStore<Void> asBytes = new OutputStore<>(HistoryBound.strided(16), 2, () -> null);
    OutputStore<Void> parsed = new OutputStore<>(HistoryBound.strided(16), 2, () -> null);
    Random random = new Random(5);
    for (int i = 0; i < 600; i++) {
      String layer = "l" + random.nextInt(3); // three layers in a store of two: evictions too
      long step = random.nextInt(80); // out of order, steps again
      switch (random.nextInt(3)) {
        case 0 -> {
          DriftDiffusionEstimate e = Outputs.estimate("r", layer, step, 1 + random.nextInt(2));
          asBytes.accept(Topics.ESTIMATES, e.toByteArray());
          parsed.estimate(e);
        }
        case 1 -> {
          DensityUpdate d = Outputs.density("r", layer, step, 1);
          asBytes.accept(Topics.DENSITIES, d.toByteArray());
          parsed.density(d);
        }
        default -> {
          AlignmentUpdate a = Outputs.alignment("r", layer, step, 1, random.nextInt(1000));
          asBytes.accept(Topics.ALIGNMENT, a.toByteArray());
          parsed.alignment(a);
        }
      }
    }
    assertEquals(parsed.runIds(), asBytes.runIds());
    assertEquals(parsed.evicted(), asBytes.evicted());
    assertEquals(parsed.version(), asBytes.version());
    assertEquals(parsed.layers("r").keySet(), asBytes.layers("r").keySet());
    parsed
        .layers("r")
        .forEach(
            (name, want) -> {
              LayerOutputs<Void> got = asBytes.layer("r", name);
              assertEquals(want.estimate(), got.estimate(), name);
              assertEquals(want.density(), got.density(), name);
              assertEquals(want.alignment(), got.alignment(), name);
              assertEquals(want.version(), got.version(), name);
            });
    assertEquals(0, asBytes.unparseable());
  }

  @Test
  void shouldCountAnOutputThatDoesNotParseOnArrivalAndKeepNothingOfIt() {
    OutputStore<Void> store = new OutputStore<>(HistoryBound.halving(4), 10, () -> null);
    store.accept(Topics.ALIGNMENT, new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
    store.accept("fpk.not-an-output", new byte[] {(byte) 0xff});
    assertEquals(1, store.unparseable());
    assertEquals(List.of(), store.runIds());
    assertNull(store.layer("", ""));
  }

  @Test
  void shouldKeepEveryStepUpToTheBoundThenHalveKeepingFirstAndLast() {
    OutputStore<Void> store = new OutputStore<>(HistoryBound.halving(4), 10, () -> null);
    for (long step = 0; step < 5; step++) {
      store.alignment(Outputs.alignment("r", "l", step, 1, 0));
    }
    // five points are one too many: 0, 2 and the last
    assertEquals(
        List.of(0L, 2L, 4L),
        store.layer("r", "l").alignment().stream().map(AlignmentUpdate::getStep).toList());
  }
}
