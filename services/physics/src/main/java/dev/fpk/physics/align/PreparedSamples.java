package dev.fpk.physics.align;

import dev.fpk.physics.grid.Grid1D;
import java.util.Arrays;

/**
 * The samples of one variable at one step (e.g. one matrix entry across the replicas), prepared
 * once for every figure computed against them: the finite samples in their order and sorted, their
 * mean and variance, the sampling floor, and their histogram on each grid asked for. Every figure
 * equals, bit for bit, what the static methods give on the raw samples ({@link
 * Alignment#sampleMean}, {@link Alignment#sampleVariance}, {@link Alignment#histogram}, the sorting
 * inside {@link Alignment#wasserstein1}), so the solver's scores and its forecasts' scores share
 * one sort and one histogram instead of making their own.
 *
 * <p>The sampling floor is the exact W1 between the samples at even and at odd positions ({@link
 * PointClouds#wasserstein1} of the two halves): the halves are sorted apart, which the floor needs
 * anyway, and merged in one pass into the sorted whole.
 *
 * <p>Reusable: {@link #prepare} overwrites everything (buffers grow as needed), so one instance
 * serves every entry of a layer in turn without allocating; arrays it returns are views of its
 * buffers, valid until the next {@link #prepare}. Not thread-safe.
 */
public final class PreparedSamples {
  private double[] raw = new double[0];
  private double[] finite = new double[0];
  private double[] sorted = new double[0];
  private double[] even = new double[0];
  private double[] odd = new double[0];
  private int count;
  private double mean;
  private double squares;
  private double floor;
  private CellMasses[] histograms = new CellMasses[0];
  private int histogramsUsed;
  private final CellMasses theory = new CellMasses();
  private final ReplicaOrder.Scratch orderScratch = new ReplicaOrder.Scratch();

  /** Samples prepared once, e.g. for a test or a one-off score. */
  public static PreparedSamples of(double[] samples) {
    return new PreparedSamples().prepare(samples);
  }

  /** Prepares {@code samples} (not modified; the array must not change until the next prepare). */
  public PreparedSamples prepare(double[] samples) {
    return prepare(samples, null);
  }

  /**
   * Prepares {@code samples} like {@link #prepare(double[])}, with the same figures bit for bit,
   * sorting the halves from the order {@code order} kept at the last step of the same variable and
   * keeping the new one ({@link ReplicaOrder}: about {@code O(n)} when the samples moved little).
   * Samples with a non-finite value are sorted in full and the order forgotten.
   */
  public PreparedSamples prepare(double[] samples, ReplicaOrder order) {
    int n = samples.length;
    if (finite.length < n) {
      finite = new double[n];
      sorted = new double[n];
      even = new double[(n + 1) / 2];
      odd = new double[n / 2];
    }
    raw = samples;
    count = 0;
    double sum = 0;
    for (double v : samples) {
      if (Double.isFinite(v)) {
        finite[count++] = v;
        sum += v;
      }
    }
    mean = count == 0 ? Double.NaN : sum / count;
    squares = 0;
    for (int i = 0; i < count; i++) {
      squares += (finite[i] - mean) * (finite[i] - mean);
    }
    int ne = (n + 1) / 2;
    int no = n / 2;
    if (order != null && count == n && ReplicaOrder.fits(n)) {
      order.sortHalves(samples, even, odd, orderScratch);
    } else {
      if (order != null) {
        order.clear();
      }
      for (int i = 0; i < n; i++) {
        (i % 2 == 0 ? even : odd)[i / 2] = samples[i];
      }
      Arrays.sort(even, 0, ne);
      Arrays.sort(odd, 0, no);
    }
    floor = ne == 0 || no == 0 ? Double.NaN : PointClouds.wasserstein1Sorted(even, ne, odd, no);
    if (count == n) {
      merge(ne, no);
    } else {
      System.arraycopy(finite, 0, sorted, 0, count);
      Arrays.sort(sorted, 0, count);
    }
    histogramsUsed = 0;
    return this;
  }

  /**
   * The sorted halves (all finite here) into the sorted whole, -0.0 before 0.0 as Arrays.sort has
   * it.
   */
  private void merge(int ne, int no) {
    int i = 0;
    int j = 0;
    for (int k = 0; k < ne + no; k++) {
      sorted[k] =
          j >= no || (i < ne && Double.compare(even[i], odd[j]) <= 0) ? even[i++] : odd[j++];
    }
  }

  /** Number of finite samples. */
  public int count() {
    return count;
  }

  /** The finite samples in their order (the first {@link #count()} values count; read only). */
  public double[] finite() {
    return finite;
  }

  /** The finite samples in ascending order (the first {@link #count()} values count; read only). */
  public double[] sorted() {
    return sorted;
  }

  /** {@link Alignment#sampleMean}: mean of the finite samples, NaN if none. */
  public double mean() {
    return mean;
  }

  /** {@link Alignment#sampleVariance}: population variance of the finite samples, NaN if none. */
  public double variance() {
    return count == 0 ? Double.NaN : squares / count;
  }

  /** {@code sum (x - mean)^2} over the finite samples (0 if none). */
  public double squaredDeviations() {
    return squares;
  }

  /**
   * Exact W1 between the samples at even and at odd positions (weight units), the noise floor of a
   * W1 against this many samples; NaN below 2 samples.
   */
  public double samplingFloor() {
    return floor;
  }

  /**
   * The samples' histogram on {@code g} ({@link Alignment#histogram}) with its masses and moments,
   * computed on the first call for a grid and reused for further calls with an equal grid.
   */
  public CellMasses histogram(Grid1D g) {
    for (int k = 0; k < histogramsUsed; k++) {
      if (histograms[k].grid().equals(g)) {
        return histograms[k];
      }
    }
    if (histogramsUsed == histograms.length) {
      histograms = Arrays.copyOf(histograms, histogramsUsed + 1);
      histograms[histogramsUsed] = new CellMasses();
    }
    CellMasses h = histograms[histogramsUsed++];
    Alignment.histogram(g, raw, h.valuesBuffer(g.cells()));
    return h.prepare(g);
  }

  /**
   * {@code density} on {@code g} prepared for scoring against these samples, in a scratch buffer of
   * this object that the next call overwrites.
   */
  public CellMasses theory(Grid1D g, double[] density) {
    return theory.set(g, density);
  }
}
