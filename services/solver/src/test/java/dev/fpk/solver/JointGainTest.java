package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.JointAlignment;
import dev.fpk.protocol.v1.OutputComparison;
import java.util.List;
import org.junit.jupiter.api.Test;

class JointGainTest {
  private static AlignmentUpdate update(
      long step,
      double entryW1,
      double jointW1,
      double entrySliced,
      double jointSliced,
      boolean outputs) {
    AlignmentUpdate.Builder u = AlignmentUpdate.newBuilder().setStep(step);
    JointAlignment.Builder j = JointAlignment.newBuilder();
    for (int k = 0; k < 4; k++) {
      u.addEntries(EntryAlignment.newBuilder().setW1(entryW1));
      j.addMarginalW1(jointW1);
    }
    u.setJoint(j);
    if (outputs) {
      u.addOutputs(
          OutputComparison.newBuilder()
              .setModel("entrywise")
              .setSlicedW1(entrySliced)
              .setEnergy(2 * entrySliced)
              .setSlicedW1Floor(0.5));
      u.addOutputs(
          OutputComparison.newBuilder()
              .setModel("joint")
              .setSlicedW1(jointSliced)
              .setEnergy(jointSliced)
              .setSlicedW1Floor(0.5));
    }
    return u.build();
  }

  @Test
  void shouldAverageTheRatiosOverTheStepsFromTheGivenOneOn() {
    List<AlignmentUpdate> updates =
        List.of(
            update(0, 1, 100, 1, 100, true), // the transient: left out
            update(10, 1, 0.5, 2, 1, true),
            update(20, 3, 1.5, 2, 1, false), // no output comparison: counts for the marginals only
            update(30, 1, 0.5, 2, 1, true));
    JointGain g = JointGain.of(updates, 10);
    assertEquals(3, g.steps());
    assertEquals(2, g.outputSteps());
    assertEquals(0.5, g.marginalW1Ratio(), 1e-15);
    assertEquals(0.5, g.slicedW1Ratio(), 1e-15);
    assertEquals(0.25, g.energyRatio(), 1e-15);
    assertEquals(1, g.meanJointSlicedW1(), 1e-15);
    assertEquals(0.5, g.meanSlicedW1Floor(), 1e-15);
    JointGain half = JointGain.overSecondHalf(updates);
    assertEquals(JointGain.of(updates, 15), half, "the second half of steps 0..30 starts at 15");
    assertEquals(2, half.steps());
  }

  @Test
  void shouldGiveNanWithoutJointFigures() {
    JointGain g = JointGain.of(List.of(AlignmentUpdate.newBuilder().setStep(5).build()), 0);
    assertEquals(0, g.steps());
    assertTrue(Double.isNaN(g.slicedW1Ratio()) && Double.isNaN(g.marginalW1Ratio()));
  }
}
