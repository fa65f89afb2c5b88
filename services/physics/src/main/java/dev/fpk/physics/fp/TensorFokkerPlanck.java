package dev.fpk.physics.fp;

import dev.fpk.physics.grid.Grid1D;
import java.util.Arrays;

/**
 * Fokker-Planck solver on a tensor grid of 1 to 4 dimensions (e.g. the four entries of a 2x2
 * bottleneck matrix): {@code dp/dt = -sum_k d/dw_k J_k}, {@code J_k = mu_k p - d/dw_k (D_kk p)}, by
 * Strang operator splitting along the axes. Each axis operator is the 1-D finite-volume scheme of
 * {@link BatchFokkerPlanck1D} applied to every grid line along that axis (drift component and
 * diagonal diffusion given per cell, so they may vary in every direction), with zero-flux walls.
 *
 * <p>One substep of length {@code tau}: axes {@code 0 .. d-2} by {@code tau/2}, the last axis by
 * {@code tau}, then axes {@code d-2 .. 0} by {@code tau/2} (second order with TR-BDF2 line solves;
 * exact splitting when the axis operators commute, as for separable drift and diffusion).
 * <b>Off-diagonal diffusion {@code D_ij}, i != j, is neglected</b> ({@link #splittingNote()} says
 * so for reports).
 *
 * <p>Layout: density and fields are flat {@code double[]} in row-major order, the last axis
 * fastest: cell {@code (i_0, .., i_{d-1})} at {@code sum_k i_k * prod_{j>k} n_j}. Units: optimiser
 * steps, weight units, {@code D} in {@code dW = mu dt + sqrt(2D) dB}; density per unit volume. Mass
 * is conserved to round-off and the density stays non-negative (see {@link BatchFokkerPlanck1D}).
 * Until fields are set an axis does not move. Thread-safety: not thread-safe.
 */
public final class TensorFokkerPlanck implements FokkerPlanckSolver {
  private final Grid1D[] axes;
  private final int size;
  private final int[] stride;
  private final BatchFokkerPlanck1D[] lines;
  private final double[] buffer;

  /**
   * @param axes the grid of each axis (1 to 4, each at least 2 cells)
   * @param scheme time stepper of the line solves
   */
  public TensorFokkerPlanck(Grid1D[] axes, TimeScheme scheme) {
    if (axes.length < 1 || axes.length > 4) {
      throw new IllegalArgumentException("need 1 to 4 axes, got " + axes.length);
    }
    this.axes = axes.clone();
    int s = 1;
    stride = new int[axes.length];
    for (int k = axes.length - 1; k >= 0; k--) {
      stride[k] = s;
      s = Math.multiplyExact(s, axes[k].cells());
    }
    this.size = s;
    this.lines = new BatchFokkerPlanck1D[axes.length];
    for (int k = 0; k < axes.length; k++) {
      lines[k] = new BatchFokkerPlanck1D(size / axes[k].cells(), axes[k], scheme);
    }
    this.buffer = new double[size];
  }

  /** Number of axes. */
  public int dimensions() {
    return axes.length;
  }

  /** Grid of axis {@code k}. */
  public Grid1D axis(int k) {
    return axes[k];
  }

  /** Number of cells, the product of the axes' cell counts. */
  @Override
  public int size() {
    return size;
  }

  @Override
  public TimeScheme scheme() {
    return lines[0].scheme();
  }

  /** What the splitting does and neglects, for reports. */
  public String splittingNote() {
    return "Strang splitting over "
        + axes.length
        + " axes, "
        + lines[0].scheme()
        + " line solves; diagonal diffusion only, off-diagonal D_ij neglected";
  }

  /**
   * Sets the drift component {@code mu_k} and diagonal diffusion {@code D_kk >= 0} of axis {@code
   * k} at every cell centre (flat, row-major).
   */
  public void setFields(int k, double[] drift, double[] diffusion) {
    checkSize(drift);
    checkSize(diffusion);
    if (isContiguous(k)) {
      lines[k].setFields(drift, diffusion);
      return;
    }
    double[] d = new double[size];
    double[] m = new double[size];
    gather(k, drift, m);
    gather(k, diffusion, d);
    lines[k].setFields(m, d);
  }

  /** Advances the density (flat, row-major, per unit volume) in place by Strang splitting. */
  @Override
  public void advance(double[] density, double steps, int substeps) {
    checkSize(density);
    if (substeps < 1 || !(steps >= 0)) {
      throw new IllegalArgumentException("need steps >= 0 and substeps >= 1");
    }
    double tau = steps / substeps;
    int last = axes.length - 1;
    for (int s = 0; s < substeps; s++) {
      for (int k = 0; k < last; k++) {
        sweep(k, density, tau / 2);
      }
      sweep(last, density, tau);
      for (int k = last - 1; k >= 0; k--) {
        sweep(k, density, tau / 2);
      }
    }
  }

  /** Mass: cell volume times the sum. */
  @Override
  public double mass(double[] density) {
    checkSize(density);
    double v = 1;
    for (Grid1D g : axes) {
      v *= g.width();
    }
    return v * FpKernels.sum(density, 0, size);
  }

  private void sweep(int k, double[] density, double tau) {
    if (isContiguous(k)) {
      lines[k].advance(density, tau, 1);
      return;
    }
    gather(k, density, buffer);
    lines[k].advance(buffer, tau, 1);
    scatter(k, buffer, density);
  }

  private boolean isContiguous(int k) {
    return stride[k] == 1;
  }

  /** Lines along axis k, one after another: line (outer o, inner r), element i. */
  private void gather(int k, double[] src, double[] dst) {
    int n = axes[k].cells();
    int s = stride[k];
    int outer = size / (n * s);
    int line = 0;
    for (int o = 0; o < outer; o++) {
      int base = o * n * s;
      for (int r = 0; r < s; r++) {
        int from = base + r;
        int to = line * n;
        for (int i = 0; i < n; i++) {
          dst[to + i] = src[from + i * s];
        }
        line++;
      }
    }
  }

  /**
   * The mirror of {@link #gather}, written apart so that neither copy loop carries a direction
   * test.
   */
  private void scatter(int k, double[] src, double[] dst) {
    int n = axes[k].cells();
    int s = stride[k];
    int outer = size / (n * s);
    int line = 0;
    for (int o = 0; o < outer; o++) {
      int base = o * n * s;
      for (int r = 0; r < s; r++) {
        int to = base + r;
        int from = line * n;
        for (int i = 0; i < n; i++) {
          dst[to + i * s] = src[from + i];
        }
        line++;
      }
    }
  }

  private void checkSize(double[] x) {
    if (x.length != size) {
      throw new IllegalArgumentException("need " + size + " values, got " + x.length);
    }
  }

  @Override
  public String toString() {
    return "TensorFokkerPlanck" + Arrays.toString(axes);
  }
}
