package dev.fpk.solver;

import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.OutputComparison;

/**
 * How much the joint 4-D model of a 2x2 layer gains over the entry-wise one, from the alignment
 * records of that layer ({@link JointSolver}, {@link EnsembleSolver}): over the steps from {@code
 * fromStep} on (after the transient) that carry both, the ratios of the mean figures, joint over
 * entry-wise, so below 1 means the joint model is closer to the replicas:
 *
 * <ul>
 *   <li>{@code slicedW1Ratio}, {@code energyRatio}: the output comparisons {@code y = W h} (models
 *       "joint" and "entrywise" of the same steps); NaN without such steps;
 *   <li>{@code marginalW1Ratio}: the joint density's per-entry marginal W1 against the entry-wise
 *       W1, both averaged over entries and steps (what the joint fields do to each entry on its
 *       own).
 * </ul>
 *
 * Also the mean sampling floor of the sliced W1 (two halves of the replicas), to read the ratio
 * against: when both models sit on the floor, no ratio can show a gain. Stateless.
 *
 * @param steps steps with joint figures counted
 * @param outputSteps of those, steps with both output comparisons
 */
public record JointGain(
    int steps,
    int outputSteps,
    double slicedW1Ratio,
    double energyRatio,
    double marginalW1Ratio,
    double meanJointSlicedW1,
    double meanEntrywiseSlicedW1,
    double meanSlicedW1Floor) {

  /** The gain over the records of one (run, layer) at steps {@code >= fromStep}. */
  public static JointGain of(Iterable<AlignmentUpdate> updates, long fromStep) {
    int steps = 0;
    Mean jointMarginal = new Mean(); // per entry, over the entries and steps
    Mean entrywiseW1 = new Mean();
    Mean jointSliced = new Mean(); // per step with both output comparisons
    Mean entrySliced = new Mean();
    Mean jointEnergy = new Mean();
    Mean entryEnergy = new Mean();
    Mean floor = new Mean();
    for (AlignmentUpdate u : updates) {
      if (u.getStep() < fromStep
          || !u.hasJoint()
          || u.getEntriesCount() != u.getJoint().getMarginalW1Count()) {
        continue;
      }
      steps++;
      for (int k = 0; k < u.getEntriesCount(); k++) {
        jointMarginal.add(u.getJoint().getMarginalW1(k) / u.getEntriesCount());
      }
      for (EntryAlignment e : u.getEntriesList()) {
        entrywiseW1.add(e.getW1() / u.getEntriesCount());
      }
      OutputComparison joint = output(u, "joint");
      OutputComparison entrywise = output(u, "entrywise");
      if (joint != null && entrywise != null) {
        jointSliced.add(joint.getSlicedW1());
        entrySliced.add(entrywise.getSlicedW1());
        jointEnergy.add(joint.getEnergy());
        entryEnergy.add(entrywise.getEnergy());
        floor.add(joint.getSlicedW1Floor());
      }
    }
    return new JointGain(
        steps,
        floor.count(),
        jointSliced.ratioTo(entrySliced),
        jointEnergy.ratioTo(entryEnergy),
        jointMarginal.ratioTo(entrywiseW1),
        jointSliced.mean(),
        entrySliced.mean(),
        floor.mean());
  }

  /** The gain over the second half of the steps seen (a plain rule for "after the transient"). */
  public static JointGain overSecondHalf(java.util.List<AlignmentUpdate> updates) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (AlignmentUpdate u : updates) {
      first = Math.min(first, u.getStep());
      last = Math.max(last, u.getStep());
    }
    return of(updates, updates.isEmpty() ? 0 : first + (last - first + 1) / 2);
  }

  private static OutputComparison output(AlignmentUpdate u, String model) {
    for (OutputComparison o : u.getOutputsList()) {
      if (o.getModel().equals(model)) {
        return o;
      }
    }
    return null;
  }
}
