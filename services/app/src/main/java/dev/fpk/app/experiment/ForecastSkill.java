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
 * forecasts issued in the slow phase (issued at or after the transient end), and the check of "What
 * must hold": at a checked horizon the forecast's W1 is below both baselines' averaged over the
 * entries, and on at least three quarters of the entries (3 of 4).
 *
 * <p>Skill over a baseline, from those averages: plain {@code 1 - W1 / W1_baseline}, and
 * floor-corrected {@code 1 - (W1 - floor) / (W1_baseline - floor)} with {@code floor} the mean
 * bootstrap floor of the forecasts (HorizonForecast.bootstrap_floor_w1: the W1 that as many samples
 * of the forecast itself would have), so that the sampling noise both W1 carry is not counted as
 * skill or its lack (PHYSICS.md §4). 1: the forecast is as close as its own draws would be; 0: no
 * closer than the baseline. NaN when nothing was scored, no floor was published (pre-v1.4), or the
 * baseline is not above the floor: then both distances are within sampling noise and the ratio
 * would flip sign (in the paper's experiment both sit below the floor, as the data at the target
 * step are the very replicas the forecasts' starting density was estimated from, not independent
 * draws).
 *
 * <p>The same skill with each forecast's conditional floor ({@code
 * HorizonForecast.conditional_floor_w1}, v1.5: the replicas of the issue step moved by the fitted
 * SDE) in place of the independent-draw one: the floor that applies to data that are those replicas
 * later, defined where the other is not.
 */
public final class ForecastSkill {
  /**
   * Averages of one entry at one horizon (floor: of the forecasts' bootstrap floors); NaN when none
   * was scored.
   */
  public record Row(
      int horizon,
      List<Integer> index,
      double w1,
      double baselineStatic,
      double baselineGaussian,
      double floor,
      double conditionalFloor,
      double particleW1,
      double particleStaticW1,
      double particleFloor,
      int scored) {
    boolean beatsBoth() {
      return w1 < baselineStatic && w1 < baselineGaussian;
    }
  }

  /** The check at one horizon, with its numbers (entry means, weight units). */
  public record Check(
      int horizon,
      double meanW1,
      double meanBaselineStatic,
      double meanBaselineGaussian,
      double meanFloor,
      double meanConditionalFloor,
      double meanParticleW1,
      double meanParticleStaticW1,
      double meanParticleFloor,
      int entriesBeatingBoth,
      int entries,
      boolean onAverage,
      boolean onEnoughEntries) {
    public boolean holds() {
      return onAverage && onEnoughEntries;
    }

    /** Floor-corrected skill over "nothing changes" of the entry means. */
    public double floorCorrectedSkillStatic() {
      return floorCorrectedSkill(meanW1, meanBaselineStatic, meanFloor);
    }

    /** Floor-corrected skill over Gaussian moment propagation of the entry means. */
    public double floorCorrectedSkillGaussian() {
      return floorCorrectedSkill(meanW1, meanBaselineGaussian, meanFloor);
    }

    /** Skill over "nothing changes" of the entry means, corrected by the conditional floor. */
    public double conditionalSkillStatic() {
      return floorCorrectedSkill(meanW1, meanBaselineStatic, meanConditionalFloor);
    }

    /** Skill over Gaussian moment propagation, corrected by the conditional floor. */
    public double conditionalSkillGaussian() {
      return floorCorrectedSkill(meanW1, meanBaselineGaussian, meanConditionalFloor);
    }

    /** The particle forecast's floor-corrected skill over the unmoved replicas. */
    public double particleSkill() {
      return floorCorrectedSkill(meanParticleW1, meanParticleStaticW1, meanParticleFloor);
    }
  }

  /** Plain skill {@code 1 - w1 / baseline}. */
  static double skill(double w1, double baseline) {
    return 1 - w1 / baseline;
  }

  /**
   * Floor-corrected skill {@code 1 - (w1 - floor) / (baseline - floor)}; NaN unless the baseline is
   * above the floor.
   */
  static double floorCorrectedSkill(double w1, double baseline, double floor) {
    return baseline > floor ? 1 - (w1 - floor) / (baseline - floor) : Double.NaN;
  }

  private final List<Row> rows;

  private ForecastSkill(List<Row> rows) {
    this.rows = rows;
  }

  /** Averages over the alignment updates' forecasts issued at or after {@code fromStep}. */
  public static ForecastSkill of(
      Collection<AlignmentUpdate> alignment, List<Integer> horizons, long fromStep) {
    List<Row> rows = new ArrayList<>();
    AlignmentUpdate first = alignment.stream().findFirst().orElse(null);
    int entries = first == null ? 0 : first.getEntriesCount();
    for (int h : horizons) {
      for (int e = 0; e < entries; e++) {
        double[] sums = new double[8];
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
              sums[3] +=
                  f.getBootstrapFloorW1() > 0
                      ? f.getBootstrapFloorW1()
                      : Double.NaN; // unset before v1.4
              sums[4] +=
                  f.getConditionalFloorW1() > 0
                      ? f.getConditionalFloorW1()
                      : Double.NaN; // unset before v1.5
              sums[5] += f.getParticleFloorW1() > 0 ? f.getParticleW1() : Double.NaN;
              sums[6] += f.getParticleFloorW1() > 0 ? f.getParticleStaticW1() : Double.NaN;
              sums[7] += f.getParticleFloorW1() > 0 ? f.getParticleFloorW1() : Double.NaN;
              n++;
            }
          }
        }
        EntryAlignment ea = first.getEntries(e);
        rows.add(
            new Row(
                h,
                List.copyOf(ea.getIndexList()),
                sums[0] / n,
                sums[1] / n,
                sums[2] / n,
                sums[3] / n,
                sums[4] / n,
                sums[5] / n,
                sums[6] / n,
                sums[7] / n,
                n));
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
    double floor = at.stream().mapToDouble(Row::floor).average().orElse(Double.NaN);
    double conditional =
        at.stream().mapToDouble(Row::conditionalFloor).average().orElse(Double.NaN);
    double pw = at.stream().mapToDouble(Row::particleW1).average().orElse(Double.NaN);
    double ps = at.stream().mapToDouble(Row::particleStaticW1).average().orElse(Double.NaN);
    double pf = at.stream().mapToDouble(Row::particleFloor).average().orElse(Double.NaN);
    int beating = (int) at.stream().filter(Row::beatsBoth).count();
    int needed = (int) Math.ceil(0.75 * at.size());
    return new Check(
        h,
        w1,
        st,
        ga,
        floor,
        conditional,
        pw,
        ps,
        pf,
        beating,
        at.size(),
        w1 < st && w1 < ga,
        !at.isEmpty() && beating >= needed);
  }

  /** The report's {@code forecast} array. */
  public void writeRows(ArrayNode out) {
    for (Row r : rows) {
      ObjectNode o = out.addObject().put("horizon", r.horizon());
      r.index().forEach(o.putArray("index")::add);
      Json.putNumber(o, "w1", r.w1());
      Json.putNumber(o, "baselineStatic", r.baselineStatic());
      Json.putNumber(o, "baselineGaussian", r.baselineGaussian());
      Json.putNumber(o, "skillStatic", skill(r.w1(), r.baselineStatic()));
      Json.putNumber(o, "skillGaussian", skill(r.w1(), r.baselineGaussian()));
      Json.putNumber(o, "bootstrapFloorW1", r.floor());
      Json.putNumber(
          o,
          "floorCorrectedSkillStatic",
          floorCorrectedSkill(r.w1(), r.baselineStatic(), r.floor()));
      Json.putNumber(
          o,
          "floorCorrectedSkillGaussian",
          floorCorrectedSkill(r.w1(), r.baselineGaussian(), r.floor()));
      Json.putNumber(o, "conditionalFloorW1", r.conditionalFloor());
      Json.putNumber(
          o,
          "conditionalSkillStatic",
          floorCorrectedSkill(r.w1(), r.baselineStatic(), r.conditionalFloor()));
      Json.putNumber(
          o,
          "conditionalSkillGaussian",
          floorCorrectedSkill(r.w1(), r.baselineGaussian(), r.conditionalFloor()));
      Json.putNumber(o, "particleW1", r.particleW1());
      Json.putNumber(o, "particleStaticW1", r.particleStaticW1());
      Json.putNumber(o, "particleFloorW1", r.particleFloor());
      Json.putNumber(
          o,
          "particleSkill",
          floorCorrectedSkill(r.particleW1(), r.particleStaticW1(), r.particleFloor()));
      o.put("scored", r.scored());
    }
  }

  /** One check as JSON. */
  public static ObjectNode write(Check c, ObjectNode o) {
    o.put("horizon", c.horizon());
    Json.putNumber(o, "meanW1", c.meanW1());
    Json.putNumber(o, "meanBaselineStatic", c.meanBaselineStatic());
    Json.putNumber(o, "meanBaselineGaussian", c.meanBaselineGaussian());
    Json.putNumber(o, "meanBootstrapFloorW1", c.meanFloor());
    Json.putNumber(o, "floorCorrectedSkillStatic", c.floorCorrectedSkillStatic());
    Json.putNumber(o, "floorCorrectedSkillGaussian", c.floorCorrectedSkillGaussian());
    Json.putNumber(o, "meanConditionalFloorW1", c.meanConditionalFloor());
    Json.putNumber(o, "conditionalSkillStatic", c.conditionalSkillStatic());
    Json.putNumber(o, "conditionalSkillGaussian", c.conditionalSkillGaussian());
    Json.putNumber(o, "meanParticleW1", c.meanParticleW1());
    Json.putNumber(o, "meanParticleStaticW1", c.meanParticleStaticW1());
    Json.putNumber(o, "meanParticleFloorW1", c.meanParticleFloor());
    Json.putNumber(o, "particleSkill", c.particleSkill());
    return o.put("entriesBeatingBoth", c.entriesBeatingBoth())
        .put("entries", c.entries())
        .put("onAverage", c.onAverage())
        .put("onEnoughEntries", c.onEnoughEntries())
        .put("holds", c.holds());
  }
}
