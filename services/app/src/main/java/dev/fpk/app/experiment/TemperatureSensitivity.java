package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.app.experiment.ExperimentSettings.Variant;
import dev.fpk.protocol.v1.SpectrumUpdate;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The Dyson temperature against SGD theory, beside the diffusion's {@link Sensitivity}: the
 * temperature of the eigenvalues of {@code W W^T} is their diffusion per unit of gradient-flow time
 * {@code eta t} (weight units^4 per unit of eta t), so it scales as {@code eta / B}: learning rate
 * x2 should double it, batch size x2 halve it.
 *
 * <p>Where: the same three runs of the same seed and initial weights, over the same gradient-flow
 * time (the first {@code windowSteps} steps, the first half of them for lr x2), in layer {@value
 * #LAYER}: the experiment's 2x2 bottleneck has 2 eigenvalues per replica, which the temperature's
 * per-replica line (shift and scale of the spectrum, 2 degrees of freedom) uses up. What: the mean
 * of the run's temperatures over its spectral updates up to its comparison step (one per {@code
 * fpk.spectral.every-steps} steps), variant over base. Holds within the diffusion's tolerance.
 */
final class TemperatureSensitivity {
  /** The layer whose spectra are compared: enc1, [16, inputDim], 16 eigenvalues per replica. */
  static final String LAYER = "enc1";

  /** Measured factor of one variant against the base run, with the theory's. */
  record Factor(double predicted, double measured, double baseMean, double variantMean) {
    boolean holds() {
      double r = measured / predicted;
      return r <= 1 + Sensitivity.TOLERANCE && r >= 1 / (1 + Sensitivity.TOLERANCE);
    }
  }

  private final Map<Variant, Double> means = new EnumMap<>(Variant.class);
  private final Map<Variant, Integer> counts = new EnumMap<>(Variant.class);

  /** From each sensitivity run's spectra, by step. */
  TemperatureSensitivity(
      ExperimentSettings s, Map<Variant, NavigableMap<Long, SpectrumUpdate>> spectra) {
    for (Variant v :
        new Variant[] {Variant.SENSITIVITY_BASE, Variant.LEARNING_RATE_X2, Variant.BATCH_X2}) {
      double sum = 0;
      int n = 0;
      for (SpectrumUpdate u :
          spectra
              .getOrDefault(v, new java.util.TreeMap<>())
              .headMap(s.comparisonStep(v), true)
              .values()) {
        if (Double.isFinite(u.getTemperature())) {
          sum += u.getTemperature();
          n++;
        }
      }
      means.put(v, n == 0 ? Double.NaN : sum / n);
      counts.put(v, n);
    }
  }

  /** Theory: the temperature scales as eta / B. */
  static double predicted(Variant v) {
    return v.learningRateFactor / v.batchFactor;
  }

  Factor factor(Variant v) {
    double base = means.get(Variant.SENSITIVITY_BASE);
    double variant = means.get(v);
    return new Factor(predicted(v), variant / base, base, variant);
  }

  /** The report's section: per run the mean temperature and how many updates; the factors. */
  void write(ExperimentSettings s, ObjectNode o) {
    o.put("layer", LAYER)
        .put(
            "where",
            "the Dyson temperature of the eigenvalues of W W^T (weight units^4 per unit of eta t), mean"
                + " over the spectral updates of the same three runs up to the same gradient-flow time as"
                + " the diffusion's comparison; theory: proportional to eta / B")
        .put("tolerance", Sensitivity.TOLERANCE);
    ArrayNode runs = o.putArray("runs");
    for (Variant v : means.keySet()) {
      ObjectNode r =
          runs.addObject().put("runId", s.runId(v)).put("comparedAtStep", s.comparisonStep(v));
      Json.putNumber(r, "meanTemperature", means.get(v));
      r.put("updates", counts.get(v));
    }
    for (Variant v : new Variant[] {Variant.LEARNING_RATE_X2, Variant.BATCH_X2}) {
      writeFactor(v, o);
    }
  }

  /**
   * The check of one variant: predicted, measured, holds; under the variant's name in {@code o}.
   */
  ObjectNode writeFactor(Variant v, ObjectNode o) {
    Factor f = factor(v);
    ObjectNode x = o.putObject(name(v)).put("predicted", f.predicted());
    Json.putNumber(x, "measured", f.measured());
    x.put("holds", f.holds());
    return x;
  }

  static String name(Variant v) {
    return v == Variant.LEARNING_RATE_X2 ? "learningRateX2" : "batchSizeX2";
  }
}
