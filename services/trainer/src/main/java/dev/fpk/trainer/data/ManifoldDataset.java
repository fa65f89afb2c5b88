package dev.fpk.trainer.data;

/**
 * A 2-D latent pushed through a fixed random smooth nonlinear map into {@code dim} dimensions, plus
 * Gaussian noise: {@code z ~ U[-1, 1]^2}, {@code x_k = sin(omega_k . z + phi_k) + noise * eps_k}
 * with {@code omega_k ~ N(0, 1.5^2 I_2)}, {@code phi_k ~ U[0, 2 pi)} fixed by the seed and {@code
 * eps_k ~ N(0, 1)}. The clean data lie on a curved 2-D sheet inside {@code [-1, 1]^dim}, so a
 * 2-wide bottleneck can in principle reconstruct them.
 */
public final class ManifoldDataset extends Dataset {
  public static final int LATENT_DIM = 2;
  public static final double FREQUENCY_SCALE = 1.5;

  private final long seed;
  private final double noise;
  private final double[] omega; // [dim, 2]
  private final double[] phase; // [dim]

  public ManifoldDataset(int dim, int size, double noise, long seed) {
    super(dim, size, seed);
    if (!(noise >= 0) || Double.isInfinite(noise))
      throw new IllegalArgumentException("noise must be finite and >= 0, was " + noise);
    this.seed = seed;
    this.noise = noise;
    SplitMix64 mapRng = new SplitMix64(SplitMix64.derive(seed, 0x3a9));
    omega = new double[dim * LATENT_DIM];
    phase = new double[dim];
    for (int k = 0; k < dim; k++) {
      for (int j = 0; j < LATENT_DIM; j++)
        omega[k * LATENT_DIM + j] = FREQUENCY_SCALE * mapRng.nextGaussian();
      phase[k] = mapRng.uniform(0, 2 * StrictMath.PI);
    }
    fill(seed);
  }

  @Override
  protected void generate(SplitMix64 rng, float[] out, int n) {
    int d = dim();
    for (int s = 0; s < n; s++) {
      double z0 = rng.uniform(-1, 1), z1 = rng.uniform(-1, 1);
      for (int k = 0; k < d; k++) {
        double v = StrictMath.sin(omega[2 * k] * z0 + omega[2 * k + 1] * z1 + phase[k]);
        out[s * d + k] = (float) (v + noise * rng.nextGaussian());
      }
    }
  }

  @Override
  public long seed() {
    return seed;
  }

  @Override
  public String name() {
    return "manifold";
  }

  public double noise() {
    return noise;
  }
}
