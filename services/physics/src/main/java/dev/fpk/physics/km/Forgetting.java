package dev.fpk.physics.km;

/** Exponential forgetting factor {@code 2^(-steps / halfLife)}; package-private helper. */
final class Forgetting {
  private Forgetting() {}

  static double factor(double halfLife, double steps) {
    if (!(steps >= 0)) {
      throw new IllegalArgumentException("need steps >= 0, got " + steps);
    }
    if (halfLife == Double.POSITIVE_INFINITY || steps == 0) {
      return 1;
    }
    return Math.pow(0.5, steps / halfLife);
  }
}
