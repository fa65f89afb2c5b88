package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.app.experiment.ExperimentSettings.Variant;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.SpectrumUpdate;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The experiment's report (DIR/report.json): the replay report's fields of the main run, and beside
 * them the transient, the sampling floors, the forecasts per horizon, the output distributions with
 * the joint model's gain, the Callan-Symanzik and KPZ views, the Pawula ratio over time, the
 * sensitivity runs, and the checks of "What must hold" as booleans with their numbers. Units: time
 * in optimiser steps, weights in weight units, drift per step, D in weight units^2 per step (dW =
 * mu dt + sqrt(2D) dB), outputs in output units.
 */
public final class ExperimentReport {
  private final ExperimentSettings settings;
  private final ExperimentRecorder.RunRecord main;
  private final TransientEnd transientEnd;
  private final ForecastSkill forecasts;
  private final SamplingFloorCheck floors;
  private final VerdictCheck verdict;
  private final VerdictCheck conditionalVerdict;
  private final Map<Variant, DriftDiffusionEstimate> atWindow = new EnumMap<>(Variant.class);
  private final TemperatureSensitivity temperature;

  public ExperimentReport(ExperimentSettings settings, ExperimentRecorder recorder) {
    this.settings = settings;
    this.main = recorder.run(settings.runId(Variant.MAIN));
    this.transientEnd = TransientEnd.of(main.meanLoss(), settings.steps());
    Collection<AlignmentUpdate> alignment = main.alignment().values();
    this.forecasts = ForecastSkill.of(alignment, ExperimentSettings.HORIZONS, transientEnd.step());
    this.floors = SamplingFloorCheck.of(alignment, transientEnd.step());
    this.verdict = VerdictCheck.of(alignment, transientEnd.step());
    this.conditionalVerdict = VerdictCheck.conditional(alignment, transientEnd.step());
    for (Variant v : Variant.values()) {
      DriftDiffusionEstimate e =
          recorder.run(settings.runId(v)).estimates().get(settings.comparisonStep(v));
      if (e != null) {
        atWindow.put(v, e);
      }
    }
    Map<Variant, NavigableMap<Long, SpectrumUpdate>> spectra = new EnumMap<>(Variant.class);
    for (Variant v : Variant.values()) {
      spectra.put(v, recorder.run(settings.runId(v)).spectra());
    }
    this.temperature = new TemperatureSensitivity(settings, spectra);
  }

  public TransientEnd transientEnd() {
    return transientEnd;
  }

  /**
   * The whole report; {@code replayReport} is the replay report of the main run (its {@code runs}
   * and {@code records} are taken over as they are).
   */
  public ObjectNode toJson(ObjectMapper mapper, ObjectNode replayReport, double wallSeconds) {
    ObjectNode root = mapper.createObjectNode();
    root.putObject("experiment")
        .put("layer", ExperimentRunner.LAYER)
        .put("replicas", settings.replicas())
        .put("steps", settings.steps())
        .put("seed", settings.seed())
        .put("learningRate", settings.learningRate())
        .put("batchSize", settings.batchSize())
        .put("optimizer", "sgd")
        .put("runId", settings.runId(Variant.MAIN))
        .put("wallSeconds", wallSeconds)
        .put(
            "units",
            "time in optimiser steps; w and W1 in weight units; drift per step; D in weight units^2"
                + " per step (dW = mu dt + sqrt(2D) dB); outputs y = W h in output units")
        .<ObjectNode>set("horizons", mapper.valueToTree(ExperimentSettings.HORIZONS));
    root.set("runs", replayReport.get("runs"));
    root.set("records", replayReport.get("records"));
    writeTransient(root.putObject("transient"));
    writeLoss(root.putObject("loss"));
    writeFloors(root.putArray("samplingFloorW1"));
    forecasts.writeRows(root.putArray("forecast"));
    OutputDistances outputs = new OutputDistances(main.alignment().values(), transientEnd.step());
    outputs.writeSeries(root.putArray("outputs"));
    outputs.writeSummary(root.putObject("outputsSummary"));
    JointView.write(main.alignment(), transientEnd.step(), root.putObject("joint"));
    writeAlignmentSeries(root.putArray("alignmentSeries"));
    writeDensities(root.putArray("densityCheckpoints"));
    CallanSymanzikView.write(
        main.estimates(),
        settings.checkpoints(),
        root.putObject("callanSymanzik").putArray("checkpoints"));
    KpzView.write(
        main.estimates(),
        main.densities(),
        settings.checkpoints(),
        ExperimentSettings.KPZ_DT_STEPS,
        root.putObject("kpz")
            .put("cells", KpzView.CELLS)
            .put("densityFloor", KpzView.FLOOR)
            .putArray("checkpoints"));
    PawulaSeries.write(main.estimates(), transientEnd.step(), root.putArray("pawula"));
    Sensitivity.write(settings, atWindow, root.putObject("sensitivity"));
    temperature.write(settings, root.putObject("temperatureSensitivity"));
    writeChecks(root.putObject("checks"));
    return root;
  }

  private void writeTransient(ObjectNode o) {
    o.put("endStep", transientEnd.step())
        .put("rule", transientEnd.rule())
        .put(
            "definition",
            "first step t >= "
                + 2 * TransientEnd.WINDOW
                + " where the ensemble-mean loss falls by at most "
                + TransientEnd.FRACTION
                + " of its initial relative rate per step (windows of "
                + TransientEnd.WINDOW
                + " steps); half the run if never; forecasts issued and steps scored from endStep on are averaged");
    Json.putNumber(o, "initialLossRatePerStep", transientEnd.initialRatePerStep());
    Json.putNumber(o, "lossRateAtEndPerStep", transientEnd.rateAtEndPerStep());
  }

  private void writeLoss(ObjectNode o) {
    ArrayNode steps = o.putArray("steps");
    ArrayNode loss = o.putArray("meanLoss");
    main.meanLoss()
        .forEach(
            (step, l) -> {
              if (step % ExperimentSettings.SAMPLE_EVERY_STEPS == 0) {
                steps.add(step);
                Json.addNumber(loss, l);
              }
            });
  }

  private void writeFloors(ArrayNode out) {
    for (SamplingFloorCheck.Entry e : floors.entries()) {
      ObjectNode o = out.addObject();
      e.index().forEach(o.putArray("index")::add);
      Json.putNumber(o, "mean", e.meanFloorWholeRun());
      Json.putNumber(o, "meanAfterTransient", e.meanFloor());
    }
  }

  /** W1 and its sampling floor per entry every few steps, for the alignment plot. */
  private void writeAlignmentSeries(ArrayNode out) {
    NavigableMap<Long, AlignmentUpdate> alignment = main.alignment();
    if (alignment.isEmpty()) {
      return;
    }
    int entries = alignment.firstEntry().getValue().getEntriesCount();
    for (int e = 0; e < entries; e++) {
      ObjectNode o = out.addObject();
      alignment
          .firstEntry()
          .getValue()
          .getEntries(e)
          .getIndexList()
          .forEach(o.putArray("index")::add);
      ArrayNode steps = o.putArray("steps");
      ArrayNode w1 = o.putArray("w1");
      ArrayNode floor = o.putArray("samplingFloorW1");
      for (AlignmentUpdate a : alignment.values()) {
        if (a.getStep() % ExperimentSettings.SAMPLE_EVERY_STEPS == 0 && e < a.getEntriesCount()) {
          EntryAlignment ea = a.getEntries(e);
          steps.add(a.getStep());
          Json.addNumber(w1, ea.getW1());
          Json.addNumber(floor, ea.getSamplingFloorW1());
        }
      }
    }
  }

  /** Theory and histogram at the checkpoints, for the "theory over histogram" plots. */
  private void writeDensities(ArrayNode out) {
    for (long c : settings.checkpoints()) {
      DensityUpdate d = main.densities().get(c);
      if (d == null) {
        continue;
      }
      ObjectNode cp = out.addObject().put("step", c).put("scheme", d.getScheme());
      ArrayNode entries = cp.putArray("entries");
      for (EntryDensity ed : d.getEntriesList()) {
        ObjectNode o = entries.addObject();
        ed.getIndexList().forEach(o.putArray("index")::add);
        ed.getEdgesList().forEach(o.putArray("edges")::add);
        ed.getTheoryList().forEach(o.putArray("theory")::add);
        ed.getEmpiricalList().forEach(o.putArray("empirical")::add);
      }
    }
  }

  private void writeChecks(ObjectNode o) {
    boolean all = true;
    ArrayNode fc = o.putArray("forecastBeatsBaselines");
    for (int h : ExperimentSettings.CHECKED_HORIZONS) {
      ForecastSkill.Check c = forecasts.check(h);
      ForecastSkill.write(c, fc.addObject());
      all &= c.holds();
    }
    floors.write(o.putObject("w1WithinTwiceSamplingFloor"));
    all &= floors.holds();
    verdict.write(o.putObject("theoryNotRejected"));
    all &= verdict.holds();
    conditionalVerdict.write(o.putObject("theoryNotRejectedConditional"));
    all &= conditionalVerdict.holds();
    ObjectNode sens = o.putObject("sensitivity");
    for (Variant v : new Variant[] {Variant.LEARNING_RATE_X2, Variant.BATCH_X2}) {
      Sensitivity.Factor f =
          Sensitivity.factor(atWindow.get(Variant.SENSITIVITY_BASE), atWindow.get(v), v);
      ObjectNode x =
          sens.putObject(v == Variant.LEARNING_RATE_X2 ? "learningRateX2" : "batchSizeX2")
              .put("predicted", f.predicted());
      Json.putNumber(x, "measured", f.measured());
      x.put("holds", f.holds());
      all &= f.holds();
    }
    ObjectNode temp = o.putObject("temperatureSensitivity");
    for (Variant v : new Variant[] {Variant.LEARNING_RATE_X2, Variant.BATCH_X2}) {
      all &= temperature.writeFactor(v, temp).get("holds").asBoolean();
    }
    o.put("allHold", all);
  }

  /** The short text summary printed at the end. */
  public String summary(ObjectNode report) {
    StringBuilder s = new StringBuilder();
    ObjectNode checks = (ObjectNode) report.get("checks");
    line(
        s,
        "fpk experiment: %d replicas x %d steps, seed %d; transient ends at step %d (%s)%n",
        settings.replicas(),
        settings.steps(),
        settings.seed(),
        transientEnd.step(),
        transientEnd.rule());
    for (var c : checks.get("forecastBeatsBaselines")) {
      line(
          s,
          "forecast %3d steps: W1 %.3g vs nothing-changes %.3g, Gaussian %.3g (mean of entries); beats both on %d of %d entries -> %s%n",
          c.get("horizon").asInt(),
          c.get("meanW1").asDouble(Double.NaN),
          c.get("meanBaselineStatic").asDouble(Double.NaN),
          c.get("meanBaselineGaussian").asDouble(Double.NaN),
          c.get("entriesBeatingBoth").asInt(),
          c.get("entries").asInt(),
          c.get("holds").asBoolean() ? "holds" : "does not hold");
      line(
          s,
          "  floor-corrected skill (floor %.3g): over nothing-changes %.3f, over Gaussian %.3f%n",
          c.get("meanBootstrapFloorW1").asDouble(Double.NaN),
          c.get("floorCorrectedSkillStatic").asDouble(Double.NaN),
          c.get("floorCorrectedSkillGaussian").asDouble(Double.NaN));
      line(
          s,
          "  conditional floor %.3g (the replicas moved by the fitted SDE): skill over nothing-changes %.3f, over Gaussian %.3f%n",
          c.get("meanConditionalFloorW1").asDouble(Double.NaN),
          c.get("conditionalSkillStatic").asDouble(Double.NaN),
          c.get("conditionalSkillGaussian").asDouble(Double.NaN));
      line(
          s,
          "  particle forecast (the replicas moved with their own drifts): W1 %.3g vs unmoved %.3g, floor %.3g: skill %.3f%n",
          c.get("meanParticleW1").asDouble(Double.NaN),
          c.get("meanParticleStaticW1").asDouble(Double.NaN),
          c.get("meanParticleFloorW1").asDouble(Double.NaN),
          c.get("particleSkill").asDouble(Double.NaN));
    }
    line(
        s,
        "theory rejected at p < %.2f on %.1f%% of (entry, step) after the transient (bar %.0f%%) -> %s%n",
        VerdictCheck.LEVEL,
        100 * verdict.share(),
        100 * VerdictCheck.BAR,
        verdict.holds() ? "holds" : "does not hold");
    line(
        s,
        "  conditioned on where the replicas started (shadow ensembles): rejected on %.1f%% -> %s%n",
        100 * conditionalVerdict.share(),
        conditionalVerdict.holds() ? "holds" : "does not hold");
    for (SamplingFloorCheck.Entry e : floors.entries()) {
      line(
          s,
          "entry %-6s W1 %.3g = %.2f x sampling floor %.3g (bar %.0fx) -> %s%n",
          e.index().toString().replace(" ", ""),
          e.meanW1(),
          e.ratio(),
          e.meanFloor(),
          SamplingFloorCheck.BAR,
          e.holds() ? "holds" : "does not hold");
    }
    appendFactors(s, "diffusion", (ObjectNode) checks.get("sensitivity"));
    appendFactors(s, "Dyson temperature", (ObjectNode) checks.get("temperatureSensitivity"));
    ObjectNode joint = (ObjectNode) report.get("joint");
    line(
        s,
        "joint 4-D model against entry by entry (slow phase): output sliced W1 ratio %.3g,"
            + " per-entry W1 ratio %.3g (below 1: joint closer)%n",
        joint.path("slicedW1Ratio").asDouble(Double.NaN),
        joint.path("marginalW1Ratio").asDouble(Double.NaN));
    s.append("output sliced W1 over its floor (slow phase):");
    report
        .path("outputsSummary")
        .fields()
        .forEachRemaining(
            m ->
                line(
                    s,
                    " %s %.2fx",
                    m.getKey(),
                    m.getValue().path("meanSlicedW1").asDouble(Double.NaN)
                        / m.getValue().path("meanSlicedW1Floor").asDouble(Double.NaN)));
    s.append(" (")
        .append(OutputDistances.SHUFFLED)
        .append(": the bound of any theory of W alone)\n");
    s.append("all checks hold: ").append(checks.get("allHold").asBoolean()).append('\n');
    return s.toString();
  }

  /** Appends {@code format} with {@code args}, numbers as in the ROOT locale. */
  private static void line(StringBuilder s, String format, Object... args) {
    s.append(String.format(java.util.Locale.ROOT, format, args));
  }

  /** One line per factor check: "what name: measured xM, theory xP -> holds". */
  private static void appendFactors(StringBuilder s, String what, ObjectNode factors) {
    factors
        .properties()
        .forEach(
            f ->
                line(
                    s,
                    "%s %s: measured x%.2f, theory x%.2f -> %s%n",
                    what,
                    f.getKey(),
                    f.getValue().get("measured").asDouble(Double.NaN),
                    f.getValue().get("predicted").asDouble(),
                    f.getValue().get("holds").asBoolean() ? "holds" : "does not hold"));
  }
}
