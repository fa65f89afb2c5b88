package dev.fpk.physics.joint;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.random.RandomGenerator;

/**
 * The joint density {@code p(w_0, .., w_{d-1}, t)} of a few weights (e.g. the four entries of a 2x2
 * matrix) represented by {@code N} particles, each a point of weight space with mass {@code 1/N},
 * moved by the SDE {@code dW = mu(W) dt + sqrt(2 D(W)) dB} of a {@link JointSde} (Euler-Maruyama,
 * {@link #advance}). The particles' law solves the Fokker-Planck equation of those fields
 * (PHYSICS.md §3) with no grid: no numerical diffusion, the full diffusion matrix (off-diagonal
 * {@code D_ij} included), no walls to follow. Mass is 1 and positivity holds by construction; the
 * price is Monte Carlo error, about {@code sigma / sqrt(N)} on a mean, far below the replicas' own
 * {@code sigma / sqrt(R)} for {@code N >> R}.
 *
 * <p>Start: {@link #fromSamples} copies the points round-robin (particle {@code i} starts at point
 * {@code i mod R}): the empirical distribution itself, no kernel bandwidth to widen it; the noise
 * of the first steps spreads the copies apart.
 *
 * <p>Deterministic: every random number comes from the generator handed to {@link #advance} and
 * {@link #sample}, drawn in particle order; {@link #writeTo} / {@link #readFrom} keep the positions
 * bit for bit. Units: weight units, time in optimiser steps. Not thread-safe.
 */
public final class JointParticles {
  private final int d;

  /** Particle i's coordinate k at {@code [i * d + k]}. */
  private final double[] x;

  /**
   * @param dimension coordinates per particle, 1..8
   * @param positions particle-major positions, {@code N * dimension} finite values, {@code N >= 1}
   *     (kept)
   */
  public JointParticles(int dimension, double[] positions) {
    if (dimension < 1 || dimension > 8) {
      throw new IllegalArgumentException("dimension = " + dimension + ": need 1..8");
    }
    if (positions.length == 0 || positions.length % dimension != 0) {
      throw new IllegalArgumentException(
          positions.length + " values are not N >= 1 particles of " + dimension);
    }
    this.d = dimension;
    this.x = positions;
  }

  /** {@code n} particles on the {@code points} ({@code R x d}, {@code R >= 1}), round-robin. */
  public static JointParticles fromSamples(double[][] points, int n) {
    if (points.length == 0 || n < 1) {
      throw new IllegalArgumentException(
          "need at least one point and one particle, got " + points.length + " and " + n);
    }
    int d = points[0].length;
    double[] x = new double[n * d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(points[i % points.length], 0, x, i * d, d);
    }
    return new JointParticles(d, x);
  }

  public int dimension() {
    return d;
  }

  /** Number of particles N. */
  public int size() {
    return x.length / d;
  }

  /**
   * Moves every particle by {@code dt} steps of the SDE in {@code substeps} Euler-Maruyama steps of
   * {@code h = dt / substeps}: {@code w += mu(w) h + sqrt(h) S(w) L z}, {@code z} standard normal
   * from {@code random}. Its weak error is first order in {@code h}: keep {@code h *
   * sde.fastestRate()} small.
   */
  public void advance(JointSde sde, double dt, int substeps, RandomGenerator random) {
    if (sde.dimension() != d) {
      throw new IllegalArgumentException(
          "SDE of dimension " + sde.dimension() + " for particles of " + d);
    }
    if (!(dt >= 0) || substeps < 1) {
      throw new IllegalArgumentException("dt = " + dt + ", substeps = " + substeps);
    }
    double h = dt / substeps;
    double[] w = new double[d];
    double[] mu = new double[d];
    double[] z = new double[d];
    double[] noise = new double[d];
    for (int i = 0; i < size(); i++) {
      System.arraycopy(x, i * d, w, 0, d);
      for (int s = 0; s < substeps; s++) {
        for (int k = 0; k < d; k++) {
          z[k] = random.nextGaussian();
        }
        sde.drift(w, mu);
        sde.noise(w, z, h, noise);
        for (int k = 0; k < d; k++) {
          w[k] += mu[k] * h + noise[k];
        }
      }
      System.arraycopy(w, 0, x, i * d, d);
    }
  }

  /** Coordinate {@code k} of every particle (a new array). */
  public double[] coordinate(int k) {
    double[] c = new double[size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = x[i * d + k];
    }
    return c;
  }

  /** Mean of every coordinate (weight units). */
  public double[] mean() {
    double[] m = new double[d];
    for (int i = 0; i < x.length; i++) {
      m[i % d] += x[i];
    }
    for (int k = 0; k < d; k++) {
      m[k] /= size();
    }
    return m;
  }

  /** Covariance matrix of the particles, row-major {@code d x d}, divided by N (weight units^2). */
  public double[] covariance() {
    double[] m = mean();
    double[] cov = new double[d * d];
    for (int p = 0; p < size(); p++) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          cov[i * d + j] += (x[p * d + i] - m[i]) * (x[p * d + j] - m[j]);
        }
      }
    }
    for (int i = 0; i < cov.length; i++) {
      cov[i] /= size();
    }
    return cov;
  }

  /** {@code n} points ({@code n x d}) drawn from the particles uniformly with replacement. */
  public double[][] sample(int n, RandomGenerator random) {
    double[][] out = new double[n][d];
    for (int s = 0; s < n; s++) {
      System.arraycopy(x, random.nextInt(size()) * d, out[s], 0, d);
    }
    return out;
  }

  /** Writes the particles bit for bit (checkpoints): dimension, count, positions. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(d);
    out.writeInt(size());
    for (double v : x) {
      out.writeDouble(v);
    }
  }

  /** The particles {@link #writeTo} wrote. */
  public static JointParticles readFrom(DataInput in) throws IOException {
    int d = in.readInt();
    int n = in.readInt();
    if (d < 1 || d > 8 || n < 1 || (long) n * d > Integer.MAX_VALUE - 8) {
      throw new IOException(
          n + " particles of dimension " + d + " in a joint state: need 1..8 and N >= 1");
    }
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = in.readDouble();
    }
    return new JointParticles(d, x);
  }
}
