package dev.fpk.app.loadgen;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic snapshots with known dynamics: every entry of every replica is an exact
 * Ornstein-Uhlenbeck process {@code dW = -k (W - a) dt + sqrt(2D) dB}, sampled once per optimiser
 * step with the exact transition {@code W' = a + (W - a) e^{-k} + sqrt(D (1 - e^{-2k}) / k)
 * N(0,1)}.
 *
 * <p>A Kramers-Moyal estimator on unit steps therefore sees drift slope {@link #discreteSlope}
 * {@code = -(1 - e^{-k})} and diffusion {@link #discreteDiffusion} {@code = D (1 - e^{-2k}) /
 * (2k)}: the continuous-time k and D up to O(k). Deterministic for a seed. Not thread-safe.
 */
public final class OuEnsemble {
  private final String runId;
  private final String layer;
  private final int[] shape;
  private final double[] rates;
  private final double[] means;
  private final double[] decays;
  private final double[] noiseScales;
  private final double[][] w;
  private final SplittableRandom random;
  private long step;

  /**
   * @param rates k per entry, per step
   * @param means a per entry, weight units
   * @param diffusion D, weight units^2 per step
   * @param start initial mean of every entry; replicas start spread by {@code startSpread}
   */
  public OuEnsemble(
      String runId,
      String layer,
      int[] shape,
      double[] rates,
      double[] means,
      double diffusion,
      int replicas,
      double start,
      double startSpread,
      long seed) {
    this.runId = runId;
    this.layer = layer;
    this.shape = shape.clone();
    this.rates = rates.clone();
    this.means = means.clone();
    // the exact transition's factors, once per entry rather than once per entry and step
    this.decays = new double[rates.length];
    this.noiseScales = new double[rates.length];
    for (int e = 0; e < rates.length; e++) {
      double k = rates[e];
      decays[e] = Math.exp(-k);
      noiseScales[e] = Math.sqrt(diffusion * (1 - decays[e] * decays[e]) / k);
    }
    this.random = new SplittableRandom(seed);
    this.w = new double[replicas][rates.length];
    for (double[] replica : w) {
      for (int e = 0; e < replica.length; e++) {
        replica[e] = start + startSpread * gaussian();
      }
    }
  }

  public static double discreteSlope(double k) {
    return -(1 - Math.exp(-k));
  }

  public static double discreteDiffusion(double k, double d) {
    return d * (1 - Math.exp(-2 * k)) / (2 * k);
  }

  /** The snapshots of every replica at the current step. */
  public List<WeightSnapshot> snapshots() {
    List<WeightSnapshot> out = new ArrayList<>(w.length);
    for (int r = 0; r < w.length; r++) {
      WeightSnapshot.Builder b =
          WeightSnapshot.newBuilder()
              .setRunId(runId)
              .setLayer(layer)
              .setReplica(r)
              .setStep(step)
              .setEnsembleSize(w.length)
              .setLearningRate(0.01)
              .setBatchSize(32)
              .setTimeUnixMillis(System.currentTimeMillis());
      for (int d : shape) {
        b.addShape(d);
      }
      for (double x : w[r]) {
        b.addValues((float) x);
      }
      out.add(b.build());
    }
    return out;
  }

  /** Advances every replica one optimiser step. */
  public void advance() {
    for (double[] replica : w) {
      for (int e = 0; e < replica.length; e++) {
        replica[e] = means[e] + (replica[e] - means[e]) * decays[e] + noiseScales[e] * gaussian();
      }
    }
    step++;
  }

  private double gaussian() {
    // Box-Muller on the seeded generator: reproducible across JVMs
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
