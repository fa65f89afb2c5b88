package dev.fpk.physics.forecast;

import dev.fpk.physics.grid.Grid1D;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Each replica's own drift beyond the fitted field, for forecasts conditioned on the replicas
 * (PHYSICS.md §4). The field {@code mu(w) = E[mu | W = w]} is what moves the one-entry marginal
 * (Gyöngy), but a replica's drift also depends on its other weights, which persist: a replica that
 * moved faster than the field over the last steps will mostly keep doing so. Over one step that
 * spread of drifts looks like noise (it is in the estimator's diffusion); over a forecast's {@code
 * k} steps it adds up {@code k} times faster than noise, so a forecast that moves each replica by
 * the field alone misses where the replicas go (the paper's experiment, seed 3 after the transient:
 * no better than "nothing changes" at 50 steps).
 *
 * <p>Per replica, the residual rate {@code e = (W(t + dt) - W(t)) / dt - mu(W(t))} (the field the
 * density advanced with, linear between the cell centres) is averaged with forgetting of half-life
 * {@code H} steps: {@code v_r = sum c e_r / sum c}. Its scatter across replicas holds the
 * persistent drifts' variance {@code s^2} plus the average's own noise, {@code sigma^2 sum c^2 /
 * (sum c)^2} with {@code sigma^2} the forgetting-weighted mean of each step's residual variance
 * across replicas; so {@code s^2 = max(0, var_r(v) - noise)} and each replica's own drift is shrunk
 * towards the replicas' mean by the empirical-Bayes factor {@code k = s^2 / (s^2 + noise)}: {@code
 * m + k (v_r - m)} ({@link #ownDrift}). The mean {@code m} is kept whole: it is the field's error
 * common to every replica (a field estimated from past increments lags a changing landscape). What
 * the own drifts explain of a step's variance, {@code k s^2} ({@link #explainedVariance}), was
 * counted as diffusion by the estimator ({@code Var[dW | w] = 2D + s^2} over one step); a forecast
 * moving replicas by their own drift takes it out of {@code 2D}.
 *
 * <p>A replica with a non-finite value at either step adds the step's mean residual (no drift of
 * its own). Replicas are identified by their place in the samples: the caller starts afresh when
 * the replicas change ({@link #fits}). Units: weight units, optimiser steps, drifts per step,
 * {@code D} in {@code dW = mu dt + sqrt(2D) dB}. Not thread-safe.
 */
public final class ReplicaVelocities {
  private final double halfLifeSteps;

  /** The replicas' values at the last step. */
  private double[] from;

  /** Per replica, {@code sum c e}. */
  private double[] sums;

  private double weight;
  private double weight2;

  /** {@code sum c sigma_t^2}: each step's residual variance across replicas. */
  private double scatter;

  /** Scratch of {@link #observe}: the step's residual rates (not state). */
  private double[] rates = new double[0];

  private ReplicaVelocities(
      double halfLifeSteps,
      double[] from,
      double[] sums,
      double weight,
      double weight2,
      double scatter) {
    this.halfLifeSteps = halfLifeSteps;
    this.from = from;
    this.sums = sums;
    this.weight = weight;
    this.weight2 = weight2;
    this.scatter = scatter;
  }

  /**
   * Starts at the replicas' values {@code samples} (no residual yet).
   *
   * @param halfLifeSteps the residuals' forgetting half-life, optimiser steps ({@code > 0})
   */
  public static ReplicaVelocities start(double[] samples, double halfLifeSteps) {
    if (!(halfLifeSteps > 0)) {
      throw new IllegalArgumentException("need halfLifeSteps > 0, got " + halfLifeSteps);
    }
    return new ReplicaVelocities(
        halfLifeSteps, samples.clone(), new double[samples.length], 0, 0, 0);
  }

  /** Whether these are the velocities of as many replicas as {@code samples} holds. */
  public boolean fits(double[] samples) {
    return samples.length == from.length;
  }

  /**
   * Adds the residuals of the step from the last values to {@code samples}, {@code dt} steps later,
   * against the drift {@code drift} at the cell centres of {@code g} (the field the density moved
   * with over that step).
   */
  public void observe(double[] samples, double dt, Grid1D g, double[] drift) {
    int n = from.length;
    if (rates.length != n) {
      rates = new double[n];
    }
    double[] e = rates;
    double sum = 0;
    int finite = 0;
    for (int r = 0; r < n; r++) {
      double w = from[r];
      double rate = (samples[r] - w) / dt - MovedReplicas.fieldAt(g, drift, w);
      e[r] = rate;
      if (Double.isFinite(rate)) {
        sum += rate;
        finite++;
      }
    }
    System.arraycopy(samples, 0, from, 0, n);
    if (finite == 0) {
      return;
    }
    double mean = sum / finite;
    double squares = 0;
    for (double rate : e) {
      squares += Double.isFinite(rate) ? (rate - mean) * (rate - mean) : 0;
    }
    double q = Math.pow(2, -dt / halfLifeSteps);
    for (int r = 0; r < n; r++) {
      sums[r] = q * sums[r] + (Double.isFinite(e[r]) ? e[r] : mean);
    }
    weight = q * weight + 1;
    weight2 = q * q * weight2 + 1;
    scatter = q * scatter + (finite > 1 ? squares / (finite - 1) : 0);
  }

  /**
   * Each replica's own drift for a forecast, in the order of the samples (weight units per step):
   * the replicas' mean residual plus the shrunk deviation from it; all zero before any residual.
   */
  public double[] ownDrift() {
    double[] v = averages();
    if (v.length == 0) {
      return new double[sums.length];
    }
    double mean = mean(v);
    double k = shrinkage(persistentVariance(v, mean));
    for (int r = 0; r < v.length; r++) {
      v[r] = mean + k * (v[r] - mean);
    }
    return v;
  }

  /**
   * The share of one step's increment variance that the own drifts explain, {@code k s^2} (weight
   * units^2 per step^2; 0 before any residual).
   */
  public double explainedVariance() {
    double[] v = averages();
    if (v.length == 0) {
      return 0;
    }
    double s2 = persistentVariance(v, mean(v));
    return shrinkage(s2) * s2;
  }

  /** Each replica's average residual {@code v_r}; empty before any residual. */
  private double[] averages() {
    if (!(weight > 0)) {
      return new double[0];
    }
    double[] v = new double[sums.length];
    for (int r = 0; r < v.length; r++) {
      v[r] = sums[r] / weight;
    }
    return v;
  }

  private static double mean(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  /** {@code k = s^2 / (s^2 + noise)}, 0 when both vanish. */
  private double shrinkage(double s2) {
    double noise = noise();
    return s2 + noise > 0 ? s2 / (s2 + noise) : 0;
  }

  /** {@code s^2 = max(0, var_r(v) - noise)}; 0 for one replica. */
  private double persistentVariance(double[] v, double mean) {
    if (v.length < 2) {
      return 0;
    }
    double squares = 0;
    for (double x : v) {
      squares += (x - mean) * (x - mean);
    }
    return Math.max(0, squares / (v.length - 1) - noise());
  }

  /** The variance of one replica's average residual from noise alone. */
  private double noise() {
    return scatter / weight * weight2 / (weight * weight);
  }

  /** Writes the state (for checkpoints). */
  public void writeTo(DataOutput out) throws IOException {
    out.writeDouble(halfLifeSteps);
    out.writeDouble(weight);
    out.writeDouble(weight2);
    out.writeDouble(scatter);
    out.writeInt(from.length);
    for (int r = 0; r < from.length; r++) {
      out.writeDouble(from[r]);
      out.writeDouble(sums[r]);
    }
  }

  /** The velocities {@link #writeTo} wrote, bit for bit. */
  public static ReplicaVelocities readFrom(DataInput in) throws IOException {
    double halfLife = in.readDouble();
    double weight = in.readDouble();
    double weight2 = in.readDouble();
    double scatter = in.readDouble();
    int n = in.readInt();
    double[] from = new double[n];
    double[] sums = new double[n];
    for (int r = 0; r < n; r++) {
      from[r] = in.readDouble();
      sums[r] = in.readDouble();
    }
    return new ReplicaVelocities(halfLife, from, sums, weight, weight2, scatter);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaVelocities v
        && Double.compare(halfLifeSteps, v.halfLifeSteps) == 0
        && Double.compare(weight, v.weight) == 0
        && Double.compare(weight2, v.weight2) == 0
        && Double.compare(scatter, v.scatter) == 0
        && Arrays.equals(from, v.from)
        && Arrays.equals(sums, v.sums);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sums);
  }
}
