package dev.fpk.app.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.HorizonForecast;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastSkillTest {

  /**
   * An update at {@code step} whose entry e scored a forecast (w1, static, gaussian) = rows[e],
   * with bootstrap floor rows[e][3], conditional floor rows[e][4] and particle forecast (w1,
   * unmoved, floor) rows[e][5..7] where given (else unset, as before v1.4 and v1.5).
   */
  static AlignmentUpdate update(long step, int horizon, double[][] rows) {
    AlignmentUpdate.Builder a =
        AlignmentUpdate.newBuilder().setRunId("r").setLayer("bottleneck").setStep(step);
    for (int e = 0; e < rows.length; e++) {
      EntryAlignment.Builder ea =
          a.addEntriesBuilder().addIndex(e / 2).addIndex(e % 2).setW1(0.01 * (e + 1));
      if (rows[e] != null) {
        ea.addForecasts(
            HorizonForecast.newBuilder()
                .setHorizon(horizon)
                .setIssuedStep(step - horizon)
                .setW1(rows[e][0])
                .setStaticW1(rows[e][1])
                .setGaussianW1(rows[e][2])
                .setBootstrapFloorW1(rows[e].length > 3 ? rows[e][3] : 0)
                .setConditionalFloorW1(rows[e].length > 4 ? rows[e][4] : 0)
                .setParticleW1(rows[e].length > 7 ? rows[e][5] : 0)
                .setParticleStaticW1(rows[e].length > 7 ? rows[e][6] : 0)
                .setParticleFloorW1(rows[e].length > 7 ? rows[e][7] : 0));
      }
    }
    return a.build();
  }

  @Test
  void shouldAverageOnlyForecastsIssuedFromTheTransientEndOn() {
    List<AlignmentUpdate> updates = new ArrayList<>();
    double[][] early = {{9, 1, 1}, {9, 1, 1}, {9, 1, 1}, {9, 1, 1}};
    updates.add(update(100, 50, early)); // issued at 50, before the transient end
    updates.add(update(250, 50, new double[][] {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}, {5, 2, 3}}));
    updates.add(update(300, 50, new double[][] {{3, 4, 5}, {3, 4, 5}, {3, 4, 5}, {5, 4, 5}}));
    ForecastSkill skill = ForecastSkill.of(updates, List.of(50, 200), 200);
    ForecastSkill.Row first = skill.rows().get(0);
    assertEquals(50, first.horizon());
    assertEquals(List.of(0, 0), first.index());
    assertEquals(2.0, first.w1(), 1e-12);
    assertEquals(3.0, first.baselineStatic(), 1e-12);
    assertEquals(4.0, first.baselineGaussian(), 1e-12);
    assertEquals(2, first.scored());

    ForecastSkill.Check c = skill.check(50);
    assertEquals(3, c.entriesBeatingBoth()); // entry 3: W1 5 against static 3
    assertEquals((2 + 2 + 2 + 5) / 4.0, c.meanW1(), 1e-12);
    assertTrue(c.onAverage());
    assertTrue(c.onEnoughEntries());
    assertTrue(c.holds());
  }

  @Test
  void shouldSubtractTheMeanBootstrapFloorFromBothDistances() {
    List<AlignmentUpdate> updates =
        List.of(
            update(
                300,
                50,
                new double[][] {
                  {0.10, 0.14, 0.12, 0.08},
                  {0.1, 0.2, 0.3, 0.05},
                  {0.1, 0.2, 0.3, 0.05},
                  {0.1, 0.2, 0.3, 0.05}
                }),
            update(
                350,
                50,
                new double[][] {
                  {0.12, 0.16, 0.14, 0.10},
                  {0.1, 0.2, 0.3, 0.05},
                  {0.1, 0.2, 0.3, 0.05},
                  {0.1, 0.2, 0.3, 0.05}
                }));
    ForecastSkill skill = ForecastSkill.of(updates, List.of(50), 0);
    ForecastSkill.Row first = skill.rows().get(0);
    assertEquals(0.09, first.floor(), 1e-12);
    // W1 0.11 against nothing-changes 0.15 over a floor of 0.09: (0.11 - 0.09) / (0.15 - 0.09) =
    // 1/3 left
    assertEquals(
        1 - 0.02 / 0.06,
        ForecastSkill.floorCorrectedSkill(first.w1(), first.baselineStatic(), first.floor()),
        1e-12);
    assertEquals(1 - 0.11 / 0.15, ForecastSkill.skill(first.w1(), first.baselineStatic()), 1e-12);
    ForecastSkill.Check c = skill.check(50);
    assertEquals((0.09 + 3 * 0.05) / 4, c.meanFloor(), 1e-12);
    double w1 = (0.11 + 3 * 0.1) / 4;
    assertEquals(
        1 - (w1 - c.meanFloor()) / ((0.15 + 3 * 0.2) / 4 - c.meanFloor()),
        c.floorCorrectedSkillStatic(),
        1e-12);
    assertEquals(
        1 - (w1 - c.meanFloor()) / ((0.13 + 3 * 0.3) / 4 - c.meanFloor()),
        c.floorCorrectedSkillGaussian(),
        1e-12);
    // the report's rows carry both skills
    com.fasterxml.jackson.databind.node.ArrayNode rows =
        new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
    skill.writeRows(rows);
    assertEquals(1 - 0.02 / 0.06, rows.get(0).get("floorCorrectedSkillStatic").asDouble(), 1e-12);
    assertEquals(1 - 0.11 / 0.15, rows.get(0).get("skillStatic").asDouble(), 1e-12);
    assertEquals(0.09, rows.get(0).get("bootstrapFloorW1").asDouble(), 1e-12);
  }

  @Test
  void shouldCorrectByTheConditionalFloorWhereTheIndependentOneLeavesTheSkillUndefined() {
    // the paper's case: both distances below the independent-draw floor (0.066), above the
    // conditional one
    double[] row = {0.0579, 0.0600, 0.2, 0.066, 0.0560};
    ForecastSkill skill =
        ForecastSkill.of(
            List.of(update(300, 50, new double[][] {row, row, row, row})), List.of(50), 0);
    ForecastSkill.Check c = skill.check(50);
    assertTrue(Double.isNaN(c.floorCorrectedSkillStatic()));
    assertEquals(0.0560, c.meanConditionalFloor(), 1e-12);
    assertEquals(1 - 0.0019 / 0.0040, c.conditionalSkillStatic(), 1e-9);
    com.fasterxml.jackson.databind.node.ObjectNode o =
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    ForecastSkill.write(c, o);
    assertEquals(1 - 0.0019 / 0.0040, o.get("conditionalSkillStatic").asDouble(), 1e-9);
    com.fasterxml.jackson.databind.node.ArrayNode rows =
        new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
    skill.writeRows(rows);
    assertEquals(0.0560, rows.get(0).get("conditionalFloorW1").asDouble(), 1e-12);
    assertTrue(
        Double.isNaN(
            ForecastSkill.of(
                    List.of(update(300, 50, new double[][] {{1, 2, 3, 0.5}})), List.of(50), 0)
                .check(50)
                .meanConditionalFloor()),
        "records before v1.5 carry no conditional floor");
  }

  @Test
  void shouldScoreTheParticleForecastAgainstItsOwnUnmovedReplicasAndFloor() {
    double[] a = {0.0579, 0.0600, 0.2, 0.066, 0.0560, 0.0030, 0.0050, 0.0020};
    double[] b = {0.0579, 0.0600, 0.2, 0.066, 0.0560, 0.0050, 0.0070, 0.0020};
    ForecastSkill.Check c =
        ForecastSkill.of(List.of(update(300, 50, new double[][] {a, b})), List.of(50), 0).check(50);
    // means 0.004 against unmoved 0.006 over a floor of 0.002: (0.002) / (0.004) left
    assertEquals(0.5, c.particleSkill(), 1e-12);
    com.fasterxml.jackson.databind.node.ObjectNode o =
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    assertEquals(0.5, ForecastSkill.write(c, o).get("particleSkill").asDouble(), 1e-12);
    assertTrue(
        Double.isNaN(
            ForecastSkill.of(
                    List.of(update(300, 50, new double[][] {{1, 2, 3, 0.5, 0.4}})), List.of(50), 0)
                .check(50)
                .particleSkill()),
        "no particle forecast: no skill");
  }

  @Test
  void shouldLeaveTheFloorCorrectedSkillUndefinedWithoutFloors() {
    ForecastSkill skill =
        ForecastSkill.of(List.of(update(300, 50, new double[][] {{1, 2, 3}})), List.of(50), 0);
    assertTrue(Double.isNaN(skill.rows().get(0).floor()), "records before v1.4 carry no floor");
    assertTrue(Double.isNaN(skill.check(50).floorCorrectedSkillStatic()));
    assertEquals(
        0.5,
        ForecastSkill.skill(skill.rows().get(0).w1(), skill.rows().get(0).baselineStatic()),
        1e-12);
  }

  @Test
  void shouldLeaveTheFloorCorrectedSkillUndefinedWhereTheBaselineIsNotAboveTheFloor() {
    // both below the floor: (0.075 - 0.097) / (0.076 - 0.097) would give -0.05 for a closer
    // forecast
    assertTrue(Double.isNaN(ForecastSkill.floorCorrectedSkill(0.075, 0.076, 0.097)));
    assertTrue(Double.isNaN(ForecastSkill.floorCorrectedSkill(0.05, 0.097, 0.097)));
    assertEquals(
        1 - (0.05 - 0.04) / (0.06 - 0.04),
        ForecastSkill.floorCorrectedSkill(0.05, 0.06, 0.04),
        1e-12);
  }

  @Test
  void shouldNotHoldWhereNothingWasScoredOrTooFewEntriesBeatTheBaselines() {
    List<AlignmentUpdate> updates =
        List.of(update(300, 50, new double[][] {{1, 2, 3}, {1, 2, 3}, {5, 2, 3}, {5, 2, 3}}));
    ForecastSkill skill = ForecastSkill.of(updates, List.of(50, 200), 0);
    ForecastSkill.Check at50 = skill.check(50);
    assertEquals(2, at50.entriesBeatingBoth());
    assertFalse(at50.onEnoughEntries());
    assertFalse(at50.holds());
    ForecastSkill.Check at200 = skill.check(200);
    assertEquals(
        0,
        skill.rows().stream()
            .filter(r -> r.horizon() == 200)
            .mapToInt(ForecastSkill.Row::scored)
            .sum());
    assertTrue(Double.isNaN(at200.meanW1()));
    assertFalse(at200.holds());
  }
}
