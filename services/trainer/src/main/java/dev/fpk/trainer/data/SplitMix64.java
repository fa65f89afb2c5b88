package dev.fpk.trainer.data;

/**
 * A small, fully specified pseudo-random generator (SplitMix64, Steele, Lea and Flood 2014), so
 * that data, initial weights and minibatch order are the same on every JVM and platform. Gaussians
 * use Box-Muller with {@link StrictMath}. Not thread-safe.
 */
public final class SplitMix64 {
  private static final long GOLDEN = 0x9e3779b97f4a7c15L;
  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** A well-mixed seed for the sub-stream {@code salt} of {@code seed}. */
  public static long derive(long seed, long salt) {
    return mix(seed ^ mix(salt * GOLDEN + 0x632be59bd9b4e019L));
  }

  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    state += GOLDEN;
    return mix(state);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [lo, hi). */
  public double uniform(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  /** Uniform integer in [0, n), unbiased (rejection). */
  public int nextInt(int n) {
    if (n <= 0) throw new IllegalArgumentException("n must be > 0, was " + n);
    long bound = n;
    long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
    while (true) {
      long r = nextLong() >>> 1;
      if (r < limit) return (int) (r % bound);
    }
  }

  /** Standard normal (Box-Muller, one value per call). */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble(); // (0, 1]
    double u2 = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
  }
}
