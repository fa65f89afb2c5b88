package dev.fpk.app.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictCheckTest {

  /**
   * An update at {@code step} whose entry e has p-value pValues[e] (floor 0.05; floor 0: no
   * verdict, pre-v1.4).
   */
  static AlignmentUpdate update(long step, double floor, double... pValues) {
    AlignmentUpdate.Builder a =
        AlignmentUpdate.newBuilder().setRunId("r").setLayer("bottleneck").setStep(step);
    for (int e = 0; e < pValues.length; e++) {
      a.addEntries(
          EntryAlignment.newBuilder()
              .addIndex(e / 2)
              .addIndex(e % 2)
              .setW1(0.1)
              .setBootstrapFloorW1(floor)
              .setPValue(pValues[e]));
    }
    return a.build();
  }

  @Test
  void shouldCountRejectionsAtFivePercentFromTheTransientEndOn() {
    List<AlignmentUpdate> updates = new ArrayList<>();
    updates.add(update(10, 0.05, 0.001, 0.001)); // before the transient end: not counted
    updates.add(update(100, 0.05, 0.01, 0.5));
    updates.add(update(101, 0.05, 0.049, 0.05)); // 0.05 is not below the level
    updates.add(update(102, 0.05, 0.9, Double.NaN)); // no verdict for entry 1 here
    updates.add(update(103, 0, 0.0, 0.0)); // written before v1.4: no floor, no verdict
    VerdictCheck v = VerdictCheck.of(updates, 100);
    assertEquals(List.of(0, 0), v.entries().get(0).index());
    assertEquals(3, v.entries().get(0).steps());
    assertEquals(2, v.entries().get(0).rejected());
    assertEquals(2, v.entries().get(1).steps());
    assertEquals(0, v.entries().get(1).rejected());
    assertEquals(2.0 / 5, v.share(), 1e-12);
    assertFalse(v.holds(), "40% rejected is above the 10% bar");
    ObjectNode o = v.write(new ObjectMapper().createObjectNode());
    assertEquals(0.4, o.get("share").asDouble(), 1e-12);
    assertEquals(2, o.at("/entries/0/rejected").asInt());
    assertFalse(o.get("holds").asBoolean());
  }

  @Test
  void shouldHoldAtOrBelowTheBarAndNotWithoutVerdicts() {
    List<AlignmentUpdate> updates = new ArrayList<>();
    for (int step = 0; step < 20; step++) {
      updates.add(update(step, 0.05, step < 2 ? 0.01 : 0.3)); // 2 of 20: exactly the bar
    }
    VerdictCheck v = VerdictCheck.of(updates, 0);
    assertEquals(0.1, v.share(), 1e-12);
    assertTrue(v.holds());
    VerdictCheck none = VerdictCheck.of(List.of(update(5, 0, 0.5)), 0);
    assertTrue(Double.isNaN(none.share()));
    assertFalse(none.holds());
  }
}
