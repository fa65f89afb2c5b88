package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The statistical verdict over the slow phase (PHYSICS.md §4, "A verdict, not only a distance"):
 * the share of (entry, step), from the transient end on, where the theory is rejected at {@value
 * #LEVEL}, that is where the parametric bootstrap's p-value of the entry's W1
 * (EntryAlignment.p_value) is below it. When the theory is right about {@value #LEVEL} of them fall
 * there by chance; the check holds when the share is at most {@value #BAR}. Per entry and over all
 * entries together (each (entry, step) counts once). Steps without a verdict (a NaN p-value, or
 * records written before v1.4, whose bootstrap floor is unset) are left out; a share of nothing is
 * NaN and does not hold. {@link #conditional} counts the verdict conditioned on where the replicas
 * started (EntryAlignment.conditional_p_value, v1.5) the same way.
 */
public final class VerdictCheck {
  /** Significance level: rejected where the p-value is below it. */
  public static final double LEVEL = 0.05;

  /** The share of rejected (entry, step) may be at most this. */
  public static final double BAR = 0.10;

  /** One entry's count over the slow phase. */
  public record Entry(List<Integer> index, int steps, int rejected) {
    public double share() {
      return steps == 0 ? Double.NaN : (double) rejected / steps;
    }
  }

  private final List<Entry> entries;

  private VerdictCheck(List<Entry> entries) {
    this.entries = entries;
  }

  /**
   * Counts of the independent-draw verdict over the alignment updates at or after {@code fromStep}.
   */
  public static VerdictCheck of(Collection<AlignmentUpdate> alignment, long fromStep) {
    return of(
        alignment, fromStep, ea -> ea.getBootstrapFloorW1() > 0 ? ea.getPValue() : Double.NaN);
  }

  /** Counts of the conditional verdict over the alignment updates at or after {@code fromStep}. */
  public static VerdictCheck conditional(Collection<AlignmentUpdate> alignment, long fromStep) {
    return of(
        alignment,
        fromStep,
        ea -> ea.getConditionalFloorW1() > 0 ? ea.getConditionalPValue() : Double.NaN);
  }

  /** Counts of the p-values {@code pValue} gives (NaN: no verdict). */
  private static VerdictCheck of(
      Collection<AlignmentUpdate> alignment,
      long fromStep,
      java.util.function.ToDoubleFunction<EntryAlignment> pValue) {
    List<Entry> out = new ArrayList<>();
    AlignmentUpdate first = alignment.stream().findFirst().orElse(null);
    int count = first == null ? 0 : first.getEntriesCount();
    for (int e = 0; e < count; e++) {
      int steps = 0;
      int rejected = 0;
      for (AlignmentUpdate a : alignment) {
        if (a.getStep() < fromStep || e >= a.getEntriesCount()) {
          continue;
        }
        double p = pValue.applyAsDouble(a.getEntries(e));
        if (!Double.isNaN(p)) {
          steps++;
          rejected += p < LEVEL ? 1 : 0;
        }
      }
      out.add(new Entry(List.copyOf(first.getEntries(e).getIndexList()), steps, rejected));
    }
    return new VerdictCheck(out);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The share of all (entry, step) with a verdict where the theory is rejected; NaN if none. */
  public double share() {
    int steps = entries.stream().mapToInt(Entry::steps).sum();
    int rejected = entries.stream().mapToInt(Entry::rejected).sum();
    return steps == 0 ? Double.NaN : (double) rejected / steps;
  }

  /** True when the share is at most {@link #BAR} (false when there is none). */
  public boolean holds() {
    return share() <= BAR;
  }

  public ObjectNode write(ObjectNode o) {
    o.put("level", LEVEL).put("bar", BAR);
    ArrayNode a = o.putArray("entries");
    for (Entry e : entries) {
      ObjectNode x = a.addObject();
      e.index().forEach(x.putArray("index")::add);
      x.put("steps", e.steps()).put("rejected", e.rejected());
      Json.putNumber(x, "share", e.share());
    }
    Json.putNumber(o, "share", share());
    return o.put("holds", holds());
  }
}
