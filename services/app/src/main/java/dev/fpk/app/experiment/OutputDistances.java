package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.OutputComparison;
import dev.fpk.solver.Mean;
import dev.fpk.solver.OutputComparer;
import java.util.Collection;

/**
 * Theory against experiment through the outputs y = W h of the layer on the probe inputs
 * (AlignmentUpdate.outputs): sliced W1 and energy distance per step and theory model, with their
 * sampling floors (the experiment's two halves), in output units, and their means over the slow
 * phase (from the transient end on). Beside the theory models, where the experiment compares it,
 * the bound {@value OutputComparer#SHUFFLED} of any theory of W alone.
 */
public final class OutputDistances {
  public static final String ENTRYWISE = "entrywise";
  public static final String JOINT = "joint";
  public static final String SHUFFLED = OutputComparer.SHUFFLED;

  private final Collection<AlignmentUpdate> alignment;
  private final long fromStep;

  public OutputDistances(Collection<AlignmentUpdate> alignment, long fromStep) {
    this.alignment = alignment;
    this.fromStep = fromStep;
  }

  /** The report's {@code outputs} array: one object per step and model. */
  public void writeSeries(ArrayNode out) {
    for (AlignmentUpdate a : alignment) {
      for (OutputComparison c : a.getOutputsList()) {
        ObjectNode o = out.addObject().put("step", a.getStep()).put("model", c.getModel());
        Json.putNumber(o, "slicedW1", c.getSlicedW1());
        Json.putNumber(o, "energy", c.getEnergy());
        Json.putNumber(o, "slicedW1Floor", c.getSlicedW1Floor());
        Json.putNumber(o, "energyFloor", c.getEnergyFloor());
        o.put("probes", c.getProbes()).put("theorySamples", c.getTheorySamples());
      }
    }
  }

  /** Means of each model's distances and floors over the slow phase. */
  public ObjectNode writeSummary(ObjectNode o) {
    for (String model : new String[] {ENTRYWISE, JOINT, SHUFFLED}) {
      Mean[] m = means(model);
      ObjectNode x = o.putObject(model).put("steps", m[0].count());
      Json.putNumber(x, "meanSlicedW1", m[0].mean());
      Json.putNumber(x, "meanEnergy", m[1].mean());
      Json.putNumber(x, "meanSlicedW1Floor", m[2].mean());
      Json.putNumber(x, "meanEnergyFloor", m[3].mean());
    }
    return o;
  }

  /** Mean sliced W1, energy and their floors of {@code model} over the slow phase. */
  private Mean[] means(String model) {
    Mean[] m = {new Mean(), new Mean(), new Mean(), new Mean()};
    for (AlignmentUpdate a : alignment) {
      if (a.getStep() < fromStep) {
        continue;
      }
      for (OutputComparison c : a.getOutputsList()) {
        if (c.getModel().equals(model)) {
          m[0].add(c.getSlicedW1());
          m[1].add(c.getEnergy());
          m[2].add(c.getSlicedW1Floor());
          m[3].add(c.getEnergyFloor());
        }
      }
    }
    return m;
  }
}
