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
 * <p>The fields are estimates. Moved by the point estimate alone, the shadows would ask whether the
 * replicas follow exactly the fitted SDE, and a drift off by its own standard error, which the
 * density accumulates over the memory, would be rejected as a wrong theory. So each shadow can
 * carry its own drift error ({@link #evolveDriftErrors}): per estimator bin a standard normal
 * score, correlated over the estimates as the forgetting estimator's errors are, which the caller
 * turns into {@code mu + se z} ({@link #advance(Grid1D, double[][], double[], double, int,
 * RandomGenerator)}). The replicas are then exchangeable with the shadows if the true drift is one
 * the estimate's errors allow.
 *
 * <p>Cost: {@code B x R x n} field lookups and normal draws per step ({@code n} Euler steps, as
 * {@link MovedReplicas#substeps}), and {@code B} sorts of R values for the W1; state {@code B x R}
 * doubles. Units: weight units, optimiser steps. Not thread-safe; confine to one thread.
 */
public final class ConditionalVerdict {
  /** Leads a state with drift-error scores (before them, the first int was the draws, >= 1). */
  private static final int WITH_DRIFT_ERRORS = -1;

  private final double[][] shadows;

  /**
   * Per shadow, its drift's estimation error in standard errors, one score per estimator bin (empty
   * until {@link #evolveDriftErrors}).
   */
  private double[][] driftErrors;

  private ConditionalVerdict(double[][] shadows, double[][] driftErrors) {
    this.shadows = shadows;
    this.driftErrors = driftErrors;
  }

  /** {@code draws} shadow ensembles, each a copy of the finite values of {@code replicas}. */
  public static ConditionalVerdict start(double[] replicas, int draws) {
    double[] finite = Arrays.stream(replicas).filter(Double::isFinite).toArray();
    double[][] s = new double[draws][];
    for (int b = 0; b < draws; b++) {
      s[b] = finite.clone();
    }
    return new ConditionalVerdict(s, new double[draws][0]);
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
    int n = MovedReplicas.substeps(g, drift, diffusion, steps, maxSubstepsPerStep); // once for all
    double[] normals = new double[0]; // the draws' scratch, one for all shadows
    for (double[] s : shadows) {
      normals = MovedReplicas.move(g, drift, diffusion, s, steps, n, random, normals);
    }
  }

  /**
   * Moves shadow {@code b} {@code steps} optimiser steps by the SDE of its own drift {@code
   * drifts[b]} and the common {@code diffusion} (at the cell centres of {@code g}): the fitted
   * drift with that shadow's estimation error ({@link #driftErrors}), so that the null covers the
   * fields the data allow, not only the point estimate.
   */
  public void advance(
      Grid1D g,
      double[][] drifts,
      double[] diffusion,
      double steps,
      int maxSubstepsPerStep,
      RandomGenerator random) {
    double[] normals = new double[0];
    for (int b = 0; b < shadows.length; b++) {
      int n = MovedReplicas.substeps(g, drifts[b], diffusion, steps, maxSubstepsPerStep);
      normals = MovedReplicas.move(g, drifts[b], diffusion, shadows[b], steps, n, random, normals);
    }
  }

  /**
   * Moves each shadow's drift-error scores on by one estimate: {@code z <- q z + sqrt(1 - q^2) xi},
   * {@code xi} standard normal, so each score stays standard normal and its correlation across
   * estimates {@code L} steps apart is {@code q^L}, as the errors of an exponentially forgetting
   * estimator's means are ({@code q = 2^(-dt / h)}, {@code h} its half-life; 1 without forgetting).
   * With {@code bins} other than before (the estimate's bins changed), the scores start afresh.
   *
   * @param persistence {@code q} in [0, 1]
   */
  public void evolveDriftErrors(int bins, double persistence, RandomGenerator random) {
    if (!(persistence >= 0 && persistence <= 1)) {
      throw new IllegalArgumentException("need persistence in [0, 1], got " + persistence);
    }
    double fresh = Math.sqrt(1 - persistence * persistence);
    for (int b = 0; b < driftErrors.length; b++) {
      if (driftErrors[b].length != bins) {
        driftErrors[b] = new double[bins];
        for (int i = 0; i < bins; i++) {
          driftErrors[b][i] = random.nextGaussian();
        }
      } else {
        double[] z = driftErrors[b];
        for (int i = 0; i < bins; i++) {
          z[i] = persistence * z[i] + fresh * random.nextGaussian();
        }
      }
    }
  }

  /** Shadow {@code b}'s drift-error scores, one per estimator bin, in standard errors. */
  public double[] driftErrors(int b) {
    return driftErrors[b];
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

  /** Writes the shadows and their drift-error scores bit for bit (for checkpoints). */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(WITH_DRIFT_ERRORS);
    out.writeInt(shadows.length);
    out.writeInt(replicas());
    writeRows(out, shadows);
    out.writeInt(driftErrors.length == 0 ? 0 : driftErrors[0].length);
    writeRows(out, driftErrors);
  }

  /** The verdict {@link #writeTo} wrote (or one written before the drift errors, without them). */
  public static ConditionalVerdict readFrom(DataInput in) throws IOException {
    int first = in.readInt();
    boolean withErrors = first == WITH_DRIFT_ERRORS;
    int draws = withErrors ? in.readInt() : first;
    double[][] shadows = readRows(in, draws, in.readInt());
    double[][] errors = withErrors ? readRows(in, draws, in.readInt()) : new double[draws][0];
    return new ConditionalVerdict(shadows, errors);
  }

  private static void writeRows(DataOutput out, double[][] rows) throws IOException {
    int n = rows.length == 0 ? 0 : rows[0].length;
    ByteBuffer b = ByteBuffer.allocate(8 * rows.length * n);
    for (double[] row : rows) {
      b.asDoubleBuffer().put(row); // big-endian, as DataOutput.writeDouble
      b.position(b.position() + 8 * row.length);
    }
    out.write(b.array());
  }

  private static double[][] readRows(DataInput in, int rows, int n) throws IOException {
    byte[] bytes = new byte[8 * rows * n];
    in.readFully(bytes);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    double[][] out = new double[rows][n];
    for (double[] row : out) {
      b.asDoubleBuffer().get(row);
      b.position(b.position() + 8 * n);
    }
    return out;
  }
}
