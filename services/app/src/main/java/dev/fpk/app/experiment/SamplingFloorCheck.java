package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.solver.Mean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * W1 of the Fokker-Planck density against the replicas, per entry, next to the sampling floor
 * (exact W1 between the two halves of the replicas at the same step,
 * EntryAlignment.sampling_floor_w1): averaged over the steps from the transient end on, weight
 * units. The check of "What must hold": the entry's mean W1 is at most {@value #BAR} times its mean
 * floor; it holds for the layer when it holds for every entry. {@code withinShare} is the share of
 * those steps where W1 <= 2 x floor.
 */
public final class SamplingFloorCheck {
  /** W1 may be at most this many times the sampling floor. */
  public static final double BAR = 2.0;

  /** One entry's figures over the slow phase. */
  public record Entry(
      List<Integer> index,
      double meanW1,
      double meanFloor,
      double withinShare,
      int steps,
      double meanFloorWholeRun) {
    public double ratio() {
      return meanW1 / meanFloor;
    }

    public boolean holds() {
      return ratio() <= BAR;
    }
  }

  private final List<Entry> entries;

  private SamplingFloorCheck(List<Entry> entries) {
    this.entries = entries;
  }

  public static SamplingFloorCheck of(Collection<AlignmentUpdate> alignment, long fromStep) {
    List<Entry> out = new ArrayList<>();
    AlignmentUpdate first = alignment.stream().findFirst().orElse(null);
    int count = first == null ? 0 : first.getEntriesCount();
    for (int e = 0; e < count; e++) {
      Mean w1 = new Mean();
      Mean floor = new Mean();
      Mean within = new Mean();
      Mean floorWholeRun = new Mean();
      for (AlignmentUpdate a : alignment) {
        if (e >= a.getEntriesCount() || !Double.isFinite(a.getEntries(e).getSamplingFloorW1())) {
          continue;
        }
        EntryAlignment ea = a.getEntries(e);
        floorWholeRun.add(ea.getSamplingFloorW1());
        if (a.getStep() >= fromStep) {
          w1.add(ea.getW1());
          floor.add(ea.getSamplingFloorW1());
          within.add(ea.getW1() <= BAR * ea.getSamplingFloorW1() ? 1 : 0);
        }
      }
      out.add(
          new Entry(
              List.copyOf(first.getEntries(e).getIndexList()),
              w1.mean(),
              floor.mean(),
              within.mean(),
              w1.count(),
              floorWholeRun.mean()));
    }
    return new SamplingFloorCheck(out);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** True when every entry holds (false without entries). */
  public boolean holds() {
    return !entries.isEmpty() && entries.stream().allMatch(Entry::holds);
  }

  public ObjectNode write(ObjectNode o) {
    o.put("bar", BAR);
    ArrayNode a = o.putArray("entries");
    for (Entry e : entries) {
      ObjectNode x = a.addObject();
      e.index().forEach(x.putArray("index")::add);
      Json.putNumber(x, "meanW1", e.meanW1());
      Json.putNumber(x, "meanSamplingFloorW1", e.meanFloor());
      Json.putNumber(x, "ratio", e.ratio());
      Json.putNumber(x, "withinShare", e.withinShare());
      x.put("steps", e.steps()).put("holds", e.holds());
    }
    return o.put("holds", holds());
  }
}
