package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.HorizonForecast;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The Fokker-Planck forecasts of each entry against their two baselines ("nothing changes",
 * Gaussian moment propagation), W1 in weight units averaged per horizon and entry over the
 * forecasts issued in the slow phase (issued at or after the transient end), and the check of
 * "What must hold": at a checked horizon the forecast's W1 is below both baselines' averaged over
 * the entries, and on at least three quarters of the entries (3 of 4).
 */
public final class ForecastSkill {
  /** Averages of one entry at one horizon; NaN when none was scored. */
  public record Row(int horizon, List<Integer> index, double w1, double baselineStatic, double baselineGaussian,
      int scored) {
    boolean beatsBoth() {
      return w1 < baselineStatic && w1 < baselineGaussian;
    }
  }

  /** The check at one horizon, with its numbers (entry means, weight units). */
  public record Check(int horizon, double meanW1, double meanBaselineStatic, double meanBaselineGaussian,
      int entriesBeatingBoth, int entries, boolean onAverage, boolean onEnoughEntries) {
    public boolean holds() {
      return onAverage && onEnoughEntries;
    }
  }

  private final List<Row> rows;

  private ForecastSkill(List<Row> rows) {
    this.rows = rows;
  }

  /** Averages over the alignment updates' forecasts issued at or after {@code fromStep}. */
  public static ForecastSkill of(Collection<AlignmentUpdate> alignment, List<Integer> horizons, long fromStep) {
    List<Row> rows = new ArrayList<>();
    AlignmentUpdate first = alignment.stream().findFirst().orElse(null);
    int entries = first == null ? 0 : first.getEntriesCount();
    for (int h : horizons) {
      for (int e = 0; e < entries; e++) {
        double[] sums = new double[3];
        int n = 0;
        for (AlignmentUpdate a : alignment) {
          if (e >= a.getEntriesCount()) {
            continue;
          }
          for (HorizonForecast f : a.getEntries(e).getForecastsList()) {
            if (f.getHorizon() == h && f.getIssuedStep() >= fromStep) {
              sums[0] += f.getW1();
              sums[1] += f.getStaticW1();
              sums[2] += f.getGaussianW1();
              n++;
            }
          }
        }
        EntryAlignment ea = first.getEntries(e);
        rows.add(new Row(h, List.copyOf(ea.getIndexList()), sums[0] / n, sums[1] / n, sums[2] / n, n));
      }
    }
    return new ForecastSkill(rows);
  }

  public List<Row> rows() {
    return rows;
  }

  /** The check at horizon {@code h}: false with NaN means when nothing was scored there. */
  public Check check(int h) {
    List<Row> at = rows.stream().filter(r -> r.horizon() == h).toList();
    double w1 = at.stream().mapToDouble(Row::w1).average().orElse(Double.NaN);
    double st = at.stream().mapToDouble(Row::baselineStatic).average().orElse(Double.NaN);
    double ga = at.stream().mapToDouble(Row::baselineGaussian).average().orElse(Double.NaN);
    int beating = (int) at.stream().filter(Row::beatsBoth).count();
    int needed = (int) Math.ceil(0.75 * at.size());
    return new Check(h, w1, st, ga, beating, at.size(), w1 < st && w1 < ga, !at.isEmpty() && beating >= needed);
  }

  /** The report's {@code forecast} array. */
  public void writeRows(ArrayNode out) {
    for (Row r : rows) {
      ObjectNode o = out.addObject().put("horizon", r.horizon());
      r.index().forEach(o.putArray("index")::add);
      Json.putNumber(o, "w1", r.w1());
      Json.putNumber(o, "baselineStatic", r.baselineStatic());
      Json.putNumber(o, "baselineGaussian", r.baselineGaussian());
      Json.putNumber(o, "skillStatic", 1 - r.w1() / r.baselineStatic());
      Json.putNumber(o, "skillGaussian", 1 - r.w1() / r.baselineGaussian());
      o.put("scored", r.scored());
    }
  }

  /** One check as JSON. */
  public static ObjectNode write(Check c, ObjectNode o) {
    o.put("horizon", c.horizon());
    Json.putNumber(o, "meanW1", c.meanW1());
    Json.putNumber(o, "meanBaselineStatic", c.meanBaselineStatic());
    Json.putNumber(o, "meanBaselineGaussian", c.meanBaselineGaussian());
    return o.put("entriesBeatingBoth", c.entriesBeatingBoth()).put("entries", c.entries())
        .put("onAverage", c.onAverage()).put("onEnoughEntries", c.onEnoughEntries()).put("holds", c.holds());
  }
}
