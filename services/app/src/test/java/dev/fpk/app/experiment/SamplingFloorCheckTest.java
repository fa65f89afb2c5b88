package dev.fpk.app.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.AlignmentUpdate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplingFloorCheckTest {

  private static AlignmentUpdate update(long step, double[] w1, double[] floor) {
    AlignmentUpdate.Builder a =
        AlignmentUpdate.newBuilder().setRunId("r").setLayer("bottleneck").setStep(step);
    for (int e = 0; e < w1.length; e++) {
      a.addEntriesBuilder().addIndex(e).setW1(w1[e]).setSamplingFloorW1(floor[e]);
    }
    return a.build();
  }

  @Test
  void shouldCompareTheMeanW1WithTwiceTheMeanFloorFromTheTransientEndOn() {
    List<AlignmentUpdate> updates = new ArrayList<>();
    updates.add(update(0, new double[] {1.0, 1.0}, new double[] {0.1, 0.1})); // transient: left out
    updates.add(update(10, new double[] {0.15, 0.30}, new double[] {0.1, 0.1}));
    updates.add(update(20, new double[] {0.25, 0.30}, new double[] {0.1, 0.1}));
    SamplingFloorCheck check = SamplingFloorCheck.of(updates, 10);
    SamplingFloorCheck.Entry first = check.entries().get(0);
    assertEquals(0.2, first.meanW1(), 1e-12);
    assertEquals(2.0, first.ratio(), 1e-9);
    assertTrue(first.holds());
    assertEquals(0.5, first.withinShare(), 1e-12); // 0.25 > 2 x 0.1 at step 20
    assertEquals(0.1, first.meanFloorWholeRun(), 1e-12);
    SamplingFloorCheck.Entry second = check.entries().get(1);
    assertEquals(3.0, second.ratio(), 1e-9);
    assertFalse(second.holds());
    assertFalse(check.holds());
  }

  @Test
  void shouldSkipStepsWithoutAFloor() {
    List<AlignmentUpdate> updates =
        List.of(
            update(10, new double[] {0.1}, new double[] {Double.NaN}),
            update(20, new double[] {0.1}, new double[] {0.1}));
    SamplingFloorCheck.Entry e = SamplingFloorCheck.of(updates, 0).entries().get(0);
    assertEquals(1, e.steps());
    assertEquals(1.0, e.ratio(), 1e-12);
  }
}
