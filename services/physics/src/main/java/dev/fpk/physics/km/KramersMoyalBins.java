package dev.fpk.physics.km;

import dev.fpk.physics.grid.Grid1D;

/**
 * A reusable, mutable counterpart of {@link KramersMoyalEstimate} for callers that read the
 * estimate of many estimators every step (one per matrix entry) and would otherwise allocate seven
 * arrays per estimator and step: {@link BinnedKramersMoyal#resultInto} overwrites it with exactly
 * the numbers {@link BinnedKramersMoyal#result()} gives (the same code computes both).
 *
 * <p>The arrays are this object's own and are not copied: they hold {@link #bins()} valid values
 * (they may be longer) until the next fill. Units as on {@link KramersMoyalEstimate}. Not
 * thread-safe: one per thread.
 */
public final class KramersMoyalBins {
  private static final double[] NONE = new double[0];

  Grid1D grid;
  int bins;
  double[] drift = NONE;
  double[] driftStdErr = NONE;
  double[] diffusion = NONE;
  double[] diffusionStdErr = NONE;
  double[] counts = NONE;
  double[] fourth = NONE;
  double[] pawula = NONE;
  OuFit ouFit = OuFit.EMPTY;
  double pawulaRatio = Double.NaN;

  /**
   * Makes room for {@code n} bins on {@code grid} with this fit (arrays grow to exactly n when
   * short).
   */
  void reset(Grid1D grid, int n, OuFit fit) {
    this.grid = grid;
    this.bins = n;
    this.ouFit = fit;
    if (drift.length < n) {
      drift = new double[n];
      driftStdErr = new double[n];
      diffusion = new double[n];
      diffusionStdErr = new double[n];
      counts = new double[n];
      fourth = new double[n];
      pawula = new double[n];
    }
  }

  /**
   * The immutable estimate of the current contents; takes the arrays over, so only for a fresh,
   * exact-sized fill.
   */
  KramersMoyalEstimate toEstimate() {
    return new KramersMoyalEstimate(
        grid,
        drift,
        driftStdErr,
        diffusion,
        diffusionStdErr,
        counts,
        fourth,
        pawula,
        ouFit,
        pawulaRatio);
  }

  /** The bins, as of the last fill. */
  public Grid1D grid() {
    return grid;
  }

  /** Number of valid values in each array. */
  public int bins() {
    return bins;
  }

  /** Drift per bin (not a copy); see {@link KramersMoyalEstimate#drift()}. */
  public double[] drift() {
    return drift;
  }

  /** Standard error of the drift per bin (not a copy). */
  public double[] driftStdErr() {
    return driftStdErr;
  }

  /** Diffusion per bin (not a copy). */
  public double[] diffusion() {
    return diffusion;
  }

  /** Standard error of the diffusion per bin (not a copy). */
  public double[] diffusionStdErr() {
    return diffusionStdErr;
  }

  /** Effective sample count per bin (not a copy). */
  public double[] counts() {
    return counts;
  }

  /** The OU fit through all increments. */
  public OuFit ouFit() {
    return ouFit;
  }

  /** Pooled Pawula ratio over all bins. */
  public double pawulaRatio() {
    return pawulaRatio;
  }

  /**
   * Replaces, in place, the drift and diffusion of bins with fewer than {@code minCount} effective
   * samples (or none) by the OU fit: afterwards {@link #drift()} and {@link #diffusion()} hold what
   * {@link KramersMoyalEstimate#smoothedDrift} and {@link KramersMoyalEstimate#smoothedDiffusion}
   * give.
   */
  public void smooth(int minCount) {
    smoothDrift(drift, counts, bins, grid, ouFit, minCount);
    smoothDiffusion(diffusion, counts, bins, ouFit, minCount);
  }

  /**
   * Drift of the first n bins with too few samples replaced, in place, by the fit at the bin
   * centre.
   */
  static void smoothDrift(
      double[] drift, double[] counts, int n, Grid1D grid, OuFit fit, int minCount) {
    for (int i = 0; i < n; i++) {
      if (!(counts[i] >= minCount) || Double.isNaN(drift[i])) {
        drift[i] = fit.driftAt(grid.centre(i));
      }
    }
  }

  /**
   * Diffusion of the first n bins with too few samples replaced, in place, by the pooled OU
   * diffusion.
   */
  static void smoothDiffusion(double[] diffusion, double[] counts, int n, OuFit fit, int minCount) {
    for (int i = 0; i < n; i++) {
      if (!(counts[i] >= minCount) || Double.isNaN(diffusion[i])) {
        diffusion[i] = fit.diffusion();
      }
    }
  }
}
