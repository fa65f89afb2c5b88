package dev.fpk.physics.verdict;

import dev.fpk.physics.align.Alignment;
import dev.fpk.physics.forecast.MovedReplicas;
import dev.fpk.physics.grid.Grid1D;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The verdict on the never-reset density conditioned on where the replicas started (PHYSICS.md §4):
 * {@code B} shadow ensembles start as copies of the replicas at the density's first step and are
 * moved every step by the same fitted SDE {@code dW = mu(W) dt + sqrt(2 D(W)) dB} that moves the
 * density (Euler-Maruyama, {@link MovedReplicas#move}). If the theory were right, the replicas
 * would be one more such ensemble, so the density's W1 to them is a draw from the law of its W1 to
 * the shadows: {@link #floor} is that law's mean and {@link #pValue} the observed W1's rank among
 * the {@code B} draws, {@code (1 + #{draws >= observed}) / (B + 1)} (a Monte Carlo test: exact
 * level, resolution {@code 1 / (B + 1)}; 39 draws resolve p < 0.05).
 *
 * <p>Why: the parametric bootstrap of independent draws ({@link W1Verdict}) asks whether the
 * replicas could be R fresh draws from the density. They are not: the density started as a kernel
 * estimate of these very replicas, and with a small diffusion they stay close to where they were,
 * so their W1 sits below that null's floor and the verdict cannot reject (the paper's experiment:
 * 0.0% of entry-steps, p about 0.5-0.7 throughout). The shadows carry the same start, so the null
 * here is the theory's own prediction for these replicas.
 *
 * <p>Cost: {@code B x R x n} field lookups and normal draws per step ({@code n} Euler steps, as
 * {@link MovedReplicas#substeps}), and {@code B} sorts of R values for the W1; state {@code B x R}
 * doubles. Units: weight units, optimiser steps. Not thread-safe; confine to one thread.
 */
public final class ConditionalVerdict {
  private final double[][] shadows;

  private ConditionalVerdict(double[][] shadows) {
    this.shadows = shadows;
  }

  /** {@code draws} shadow ensembles, each a copy of the finite values of {@code replicas}. */
  public static ConditionalVerdict start(double[] replicas, int draws) {
    double[] finite = Arrays.stream(replicas).filter(Double::isFinite).toArray();
    double[][] s = new double[draws][];
    for (int b = 0; b < draws; b++) {
      s[b] = finite.clone();
    }
    return new ConditionalVerdict(s);
  }

  /** Replicas per shadow ensemble (the finite replicas it started from). */
  public int replicas() {
    return shadows.length == 0 ? 0 : shadows[0].length;
  }

  /** Whether the shadows are copies of as many replicas as {@code replicas} has finite values. */
  public boolean fits(double[] replicas) {
    int finite = 0;
    for (double w : replicas) {
      finite += Double.isFinite(w) ? 1 : 0;
    }
    return finite == replicas();
  }

  /** Number of shadow ensembles B. */
  public int draws() {
    return shadows.length;
  }

  /**
   * Moves every shadow {@code steps} optimiser steps by the SDE of {@code drift} and {@code
   * diffusion} (at the cell centres of {@code g}), with at most {@code maxSubstepsPerStep} Euler
   * steps per optimiser step.
   */
  public void advance(
      Grid1D g,
      double[] drift,
      double[] diffusion,
      double steps,
      int maxSubstepsPerStep,
      RandomGenerator random) {
    if (shadows.length == 0) {
      return;
    }
    int substeps = MovedReplicas.substeps(g, drift, diffusion, steps, maxSubstepsPerStep);
    for (double[] s : shadows) {
      MovedReplicas.move(g, drift, diffusion, s, steps, substeps, random);
    }
  }

  /** W1 of {@code density} (on {@code g}) to each shadow, weight units. */
  public double[] distances(Grid1D g, double[] density) {
    double[] d = new double[shadows.length];
    for (int b = 0; b < d.length; b++) {
      d[b] = Alignment.wasserstein1(g, density, shadows[b]);
    }
    return d;
  }

  /** Mean of {@code distances}: the conditional floor; NaN without shadows. */
  public static double floor(double[] distances) {
    return distances.length == 0 ? Double.NaN : Arrays.stream(distances).sum() / distances.length;
  }

  /**
   * The Monte Carlo p-value of {@code observed} among {@code distances}: {@code (1 + #{d >=
   * observed}) / (B + 1)}; NaN without shadows or for a NaN observation.
   */
  public static double pValue(double[] distances, double observed) {
    if (distances.length == 0 || Double.isNaN(observed)) {
      return Double.NaN;
    }
    int atLeast = 0;
    for (double d : distances) {
      atLeast += d >= observed ? 1 : 0;
    }
    return (1.0 + atLeast) / (distances.length + 1);
  }

  /** Writes the shadows bit for bit (for checkpoints). */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(shadows.length);
    out.writeInt(replicas());
    ByteBuffer b = ByteBuffer.allocate(8 * shadows.length * replicas());
    for (double[] s : shadows) {
      b.asDoubleBuffer().put(s); // big-endian, as DataOutput.writeDouble
      b.position(b.position() + 8 * s.length);
    }
    out.write(b.array());
  }

  /** The verdict {@link #writeTo} wrote. */
  public static ConditionalVerdict readFrom(DataInput in) throws IOException {
    int draws = in.readInt();
    int r = in.readInt();
    byte[] bytes = new byte[8 * draws * r];
    in.readFully(bytes);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    double[][] s = new double[draws][r];
    for (double[] one : s) {
      b.asDoubleBuffer().get(one);
      b.position(b.position() + 8 * r);
    }
    return new ConditionalVerdict(s);
  }
}
