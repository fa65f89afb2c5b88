package dev.fpk.trainer.data;

/**
 * A fixed, generated data set of {@link #size()} samples in {@link #dim()} dimensions, row-major,
 * plus a separate fixed probe set drawn from the same distribution. Everything is a pure function
 * of the constructor arguments (seed included). Immutable and thread-safe.
 */
public abstract class Dataset {
  private final int dim;
  private final float[] samples;

  protected Dataset(int dim, int size, long seed) {
    if (dim < 1) throw new IllegalArgumentException("dim must be >= 1, was " + dim);
    if (size < 1) throw new IllegalArgumentException("size must be >= 1, was " + size);
    this.dim = dim;
    this.samples = new float[Math.multiplyExact(dim, size)];
  }

  /** Fills the training samples; subclasses call it at the end of their constructor. */
  protected final void fill(long seed) {
    generate(new SplitMix64(SplitMix64.derive(seed, 0x5a11)), samples, samples.length / dim);
  }

  /**
   * Writes {@code n} fresh samples, row-major {@code [n, dim]}, into {@code out}, drawing from
   * {@code rng}.
   */
  protected abstract void generate(SplitMix64 rng, float[] out, int n);

  /** The seed the generator and all its random choices come from. */
  public abstract long seed();

  /** A short name, e.g. "manifold". */
  public abstract String name();

  public final int dim() {
    return dim;
  }

  public final int size() {
    return samples.length / dim;
  }

  /** Copy of the samples, row-major {@code [size, dim]}. */
  public final float[] samples() {
    return samples.clone();
  }

  /** Copies sample {@code index} into {@code dst[offset .. offset + dim)}. */
  public final void copySample(int index, float[] dst, int offset) {
    System.arraycopy(samples, index * dim, dst, offset, dim);
  }

  /** Element {@code k} of sample {@code index} (no copy). */
  public final float get(int index, int k) {
    return samples[index * dim + k];
  }

  /**
   * A fixed probe batch of {@code n} samples, row-major {@code [n, dim]}: fresh draws from the same
   * distribution (not training samples), the same for every replica and every call.
   */
  public final float[] probe(int n) {
    float[] out = new float[Math.multiplyExact(n, dim)];
    generate(new SplitMix64(SplitMix64.derive(seed(), 0x960be)), out, n);
    return out;
  }

  /** A per-replica minibatch stream over this data set with its own shuffling seed. */
  public final ReplicaBatcher batcher(long orderSeed, int batchSize) {
    return new ReplicaBatcher(this, orderSeed, batchSize);
  }

  /** The data set a trainer uses: "manifold" or "mixture", {@code noise} as in the settings. */
  public static Dataset named(String name, int dim, int size, double noise, long seed) {
    return switch (name) {
      case "manifold" -> new ManifoldDataset(dim, size, noise, seed);
      case "mixture" ->
          new GaussianMixtureDataset(
              dim, size, GaussianMixtureDataset.DEFAULT_COMPONENTS, noise, seed);
      default ->
          throw new IllegalArgumentException(
              "dataset must be one of [manifold, mixture], was " + name);
    };
  }
}
