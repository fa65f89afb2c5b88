package dev.fpk.app.experiment;

import java.util.Map;
import java.util.NavigableMap;

/**
 * Where the initial transient of training ends, read off the ensemble-mean loss curve: the relative
 * loss decrease per step, {@code rate(t) = [ln m(t - w, t) - ln m(t, t + w)] / w} with {@code m(a,
 * b)} the mean loss over steps {@code (a, b]} and {@code w} = {@value #WINDOW} steps, starts at
 * {@code rate(w)}; the transient ends at the first step {@code t >= 2w} (a multiple of {@value
 * #STRIDE}) where the rate has fallen to {@value #FRACTION} of that initial rate. Relative to the
 * run's own start, so it does not depend on the loss's scale. If the rate never falls that far
 * within the run, the transient is taken to end at half the run, and the rule says so.
 *
 * @param step the first step of the slow phase, optimiser steps
 * @param rule {@code "loss-rate"} or {@code "half-of-run"} (the loss rate never fell far enough)
 * @param initialRatePerStep {@code rate(w)}, relative loss decrease per step; NaN if the curve is
 *     too short
 * @param rateAtEndPerStep the rate at {@code step}; NaN if not computable there
 */
public record TransientEnd(
    long step, String rule, double initialRatePerStep, double rateAtEndPerStep) {
  /** Window of the loss averages, optimiser steps. */
  public static final int WINDOW = 50;

  /** The transient ends where the loss rate is this fraction of the initial one. */
  public static final double FRACTION = 0.05;

  /** Candidate steps are multiples of this (the report's sampling interval). */
  public static final int STRIDE = 10;

  /**
   * The transient end of a loss curve (step to mean loss, steps >= 1) of a run of {@code lastStep}
   * steps.
   */
  public static TransientEnd of(NavigableMap<Long, Double> meanLoss, long lastStep) {
    double initial = rate(meanLoss, WINDOW);
    long half = Math.max(STRIDE, lastStep / 2 / STRIDE * STRIDE);
    if (!(initial > 0)) {
      return new TransientEnd(half, "half-of-run", initial, rate(meanLoss, half));
    }
    for (long t = 2 * WINDOW; t + WINDOW <= lastStep; t += STRIDE) {
      double r = rate(meanLoss, t);
      if (r <= FRACTION * initial) {
        return new TransientEnd(t, "loss-rate", initial, r);
      }
    }
    return new TransientEnd(half, "half-of-run", initial, rate(meanLoss, half));
  }

  /** Relative loss decrease per step around {@code t}; NaN where a window has no data. */
  static double rate(NavigableMap<Long, Double> loss, long t) {
    double before = mean(loss.subMap(t - WINDOW, false, t, true));
    double after = mean(loss.subMap(t, false, t + WINDOW, true));
    return (Math.log(before) - Math.log(after)) / WINDOW;
  }

  private static double mean(Map<Long, Double> window) {
    return window.isEmpty()
        ? Double.NaN
        : window.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
