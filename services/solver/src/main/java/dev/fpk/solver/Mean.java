package dev.fpk.solver;

/**
 * The mean of figures added one by one, in the unit of the figures: their sum over their count, NaN
 * before the first (0 / 0). The folds over a layer's alignment updates from the transient end on
 * ({@link JointGain}, the experiment's sampling-floor check and output distances) keep one per
 * figure. Not thread-safe.
 */
public final class Mean {
  private double sum;
  private int count;

  public void add(double x) {
    sum += x;
    count++;
  }

  public int count() {
    return count;
  }

  public double mean() {
    return sum / count;
  }

  /**
   * This mean over {@code other}'s when both count the same figures (a ratio of two models over the
   * same steps): taken as the ratio of the sums, NaN when both are empty.
   */
  public double ratioTo(Mean other) {
    return sum / other.sum;
  }
}
