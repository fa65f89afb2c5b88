package dev.fpk.physics.joint;

/**
 * A drift correction of a few weights taken from the replicas' own last increments: at {@code w},
 * the mean of the {@code k} values given for the replicas whose {@code W(t)} are nearest to {@code
 * w} (Euclidean distance in weight space; ties to the lower replica index). Given each replica's
 * residual rate over the interval, {@code (W(t + dt) - W(t)) / dt} less a fitted drift at {@code
 * W(t)}, it is the nearest-neighbour regression of what that fit misses of {@code E[dW | W = w] /
 * dt}, the drift that reproduces the joint law of the entries (Gyöngy's theorem in {@code d}
 * dimensions), with no shape assumed: a linear {@code A w + b} cannot hold the replicas on a curved
 * set, such as 2x2 matrices whose singular values training pins while their orientation wanders,
 * and particles moved by it drift off that set (PHYSICS.md §3). Regressing the residuals of the
 * linear fit rather than the rates themselves keeps the fit's slopes where the neighbours all lie
 * on one side (the edges of the cloud), which a local mean would flatten.
 *
 * <p>Units: weight units, optimiser steps, drift per step. Immutable (the arrays are not copied),
 * thread-safe.
 */
public final class NeighbourDrift {
  private final int d;
  private final int k;
  private final double[] points;
  private final double[] rates;

  /**
   * @param dimension coordinates per replica
   * @param neighbours {@code k}, at least 1 (fewer replicas: all of them)
   * @param points replica-major {@code W(t)}, {@code R x dimension} finite values, {@code R >= 1}
   * @param rates replica-major residual rates over the interval after {@code points}, same shape
   */
  public NeighbourDrift(int dimension, int neighbours, double[] points, double[] rates) {
    if (dimension < 1 || neighbours < 1) {
      throw new IllegalArgumentException(
          "dimension = " + dimension + ", neighbours = " + neighbours + ": need both >= 1");
    }
    if (points.length == 0 || points.length % dimension != 0 || rates.length != points.length) {
      throw new IllegalArgumentException(
          points.length
              + " positions and "
              + rates.length
              + " rates are not R >= 1 replicas of "
              + dimension);
    }
    this.d = dimension;
    this.k = Math.min(neighbours, points.length / dimension);
    this.points = points;
    this.rates = rates;
  }

  public int dimension() {
    return d;
  }

  /**
   * The mean residual rate of the neighbours of {@code w} into {@code out}, weight units per step.
   */
  public void driftAt(double[] w, double[] out) {
    int[] best = new int[k];
    double[] far = new double[k]; // ascending squared distances of the best so far
    int found = 0;
    for (int r = 0, o = 0; o < points.length; r++, o += d) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        double diff = points[o + j] - w[j];
        s += diff * diff;
      }
      if (found < k || s < far[k - 1]) {
        int i = Math.min(found, k - 1);
        while (i > 0 && far[i - 1] > s) { // insertion: strictly farther ones move up
          far[i] = far[i - 1];
          best[i] = best[i - 1];
          i--;
        }
        far[i] = s;
        best[i] = r;
        found = Math.min(found + 1, k);
      }
    }
    for (int j = 0; j < d; j++) {
      double sum = 0;
      for (int i = 0; i < k; i++) {
        sum += rates[best[i] * d + j];
      }
      out[j] = sum / k;
    }
  }
}
