package dev.fpk.trainer.data;

/**
 * A mixture of {@code components} isotropic Gaussians in {@code dim} dimensions with equal weights:
 * means {@code m_c ~ N(0, 0.5^2 I)} fixed by the seed, each sample {@code x = m_c + std * eps} with
 * {@code c} uniform and {@code eps ~ N(0, I)}.
 */
public final class GaussianMixtureDataset extends Dataset {
  public static final int DEFAULT_COMPONENTS = 4;
  public static final double MEAN_SCALE = 0.5;

  private final long seed;
  private final int components;
  private final double std;
  private final double[] means; // [components, dim]

  public GaussianMixtureDataset(int dim, int size, int components, double std, long seed) {
    super(dim, size, seed);
    if (components < 1)
      throw new IllegalArgumentException("components must be >= 1, was " + components);
    if (!(std >= 0) || Double.isInfinite(std))
      throw new IllegalArgumentException("std must be finite and >= 0, was " + std);
    this.seed = seed;
    this.components = components;
    this.std = std;
    SplitMix64 meanRng = new SplitMix64(SplitMix64.derive(seed, 0x3ea5));
    means = new double[components * dim];
    for (int i = 0; i < means.length; i++) means[i] = MEAN_SCALE * meanRng.nextGaussian();
    fill(seed);
  }

  @Override
  protected void generate(SplitMix64 rng, float[] out, int n) {
    int d = dim();
    for (int s = 0; s < n; s++) {
      int c = rng.nextInt(components);
      for (int k = 0; k < d; k++)
        out[s * d + k] = (float) (means[c * d + k] + std * rng.nextGaussian());
    }
  }

  @Override
  public long seed() {
    return seed;
  }

  @Override
  public String name() {
    return "mixture";
  }

  public int components() {
    return components;
  }

  public double std() {
    return std;
  }

  /** Copy of the component means, row-major {@code [components, dim]}. */
  public double[] means() {
    return means.clone();
  }
}
