package dev.fpk.physics.joint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.physics.density.Gaussians;
import dev.fpk.physics.fp.TimeScheme;
import dev.fpk.physics.grid.Grid1D;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JointDensityTest {
  private static final int D = CoupledOu.D;
  private static final double[] M0 = {0.2, -0.1, 0.0, 0.1};
  private static final double S0 = 0.1;

  /** The coupled drift with the diagonal of the diffusion (what the tensor solver represents). */
  private static JointFit coupledFit() {
    double[] diag = diagonalDiffusion();
    double[] nan4 = new double[D];
    return new JointFit(D, CoupledOu.A, new double[D * D], CoupledOu.B, nan4, diag, nan4, 1);
  }

  private static double[] diagonalDiffusion() {
    double[] diag = new double[D * D];
    for (int k = 0; k < D; k++) {
      diag[k * D + k] = CoupledOu.DIFF[k * D + k];
    }
    return diag;
  }

  private static JointDensity startingGaussian(int cells) {
    Grid1D[] axes = new Grid1D[D];
    double[][] f = new double[D][];
    for (int k = 0; k < D; k++) {
      axes[k] = Grid1D.of(M0[k] - 4.5 * S0, M0[k] + 4.5 * S0, cells);
      f[k] = Gaussians.cellAverages(axes[k], M0[k], S0, false);
    }
    double[] p = new double[(int) Math.pow(cells, D)];
    for (int c = 0; c < p.length; c++) {
      double v = 1;
      int rest = c;
      for (int k = D - 1; k >= 0; k--) {
        v *= f[k][rest % cells];
        rest /= cells;
      }
      p[c] = v;
    }
    return new JointDensity(axes, p, TimeScheme.TR_BDF2);
  }

  /**
   * The coupled OU transient from N(m0, 0.1^2) for 100 steps (10 steps of 10 substeps, re-gridding as
   * the density contracts): {worst mean error in sd, worst covariance error relative to sd_i sd_j,
   * worst marginal L1} over t = 10, 20, .., 100 against the exact moments and marginals.
   */
  private static double[] transientErrors(int cells) {
    JointDensity p = startingGaussian(cells);
    double m0 = p.mass(); // the Gaussian's tails beyond 4.5 sd are not on the grid
    JointFit fit = coupledFit();
    double[] worst = new double[3];
    int regrids = 0;
    for (int t = 10; t <= 100; t += 10) {
      p.advance(fit, null, null, 10, 10);
      regrids += p.follow(new double[0][]) ? 1 : 0;
      double[][] exact = CoupledOu.moments(M0, S0, diagonalDiffusion(), t);
      double[] mean = p.mean();
      double[] cov = p.covariance();
      for (int k = 0; k < D; k++) {
        double sd = Math.sqrt(exact[1][k * D + k]);
        worst[0] = Math.max(worst[0], Math.abs(mean[k] - exact[0][k]) / sd);
        for (int j = 0; j < D; j++) {
          double scale = Math.sqrt(exact[1][k * D + k] * exact[1][j * D + j]);
          worst[1] = Math.max(worst[1], Math.abs(cov[k * D + j] - exact[1][k * D + j]) / scale);
        }
        Grid1D g = p.axis(k);
        double[] marginal = p.marginal(k);
        double[] gauss = Gaussians.cellAverages(g, exact[0][k], sd, false);
        double l1 = 0;
        for (int i = 0; i < marginal.length; i++) {
          l1 += Math.abs(marginal[i] - gauss[i]) * g.width();
        }
        worst[2] = Math.max(worst[2], l1);
      }
      assertEquals(m0, p.mass(), 1e-12);
    }
    System.out.printf("4-D coupled OU transient, %d^4 cells, 100 steps (%d re-grids): worst mean error %.3f sd, "
        + "worst covariance error %.3f (relative to sd_i sd_j), worst marginal L1 %.4f%n",
        cells, regrids, worst[0], worst[1], worst[2]);
    assertTrue(regrids > 0, "the contracting density re-grids");
    return worst;
  }

  /**
   * Drift-dominated transient (cell Peclet number mu h / D up to about 4 at 24 cells), where the
   * exponentially fitted fluxes are first order: the bars state what 24 cells per axis achieve, and
   * halving the cells must roughly double the marginal error (first-order convergence).
   */
  @Test
  void shouldFollowTheExact4dCoupledOuTransientOn24CellsPerAxisWithinL1Of013() {
    double[] fine = transientErrors(24);
    double[] coarse = transientErrors(12);
    assertTrue(fine[0] < 0.12, "mean error " + fine[0] + " sd");
    assertTrue(fine[1] < 0.3, "covariance error " + fine[1]);
    assertTrue(fine[2] < 0.13, "marginal L1 " + fine[2]);
    assertTrue(coarse[2] / fine[2] > 1.6, "first-order convergence: L1 " + coarse[2] + " -> " + fine[2]);
  }

  @Test
  void shouldConserveMassAndPositivityThroughKernelStartRegridsAndSteps() {
    SplittableRandom rnd = new SplittableRandom(9);
    double[][] w = CoupledOu.start(128, M0, S0, rnd);
    JointDensity p = JointDensity.fromSamples(w, 12, TimeScheme.TR_BDF2);
    Grid1D first = p.axis(0);
    assertEquals(1.0, p.mass(), 1e-12);
    for (int t = 0; t < 40; t++) {
      CoupledOu.step(w, rnd);
      for (double[] x : w) {
        x[0] += 0.03; // drift the data to the right wall: forces re-grids
      }
      p.follow(w);
      p.advance(coupledFit(), null, null, 1, 1);
      assertEquals(1.0, p.mass(), 1e-12);
      for (double v : p.values()) {
        assertTrue(v >= 0);
      }
    }
    assertTrue(p.axis(0).hi() > first.hi(), "axis 0 followed the data: " + first + " -> " + p.axis(0));
    for (double[] x : w) {
      assertTrue(p.axis(0).contains(x[0]), x[0] + " on " + p.axis(0));
    }
  }

  @Test
  void shouldStartFromKernelEstimateWithTheSamplesMeanAndCorrelation() {
    SplittableRandom rnd = new SplittableRandom(4);
    double[][] w = new double[256][D];
    for (double[] x : w) {
      double z = rnd.nextGaussian();
      x[0] = z;
      x[1] = 0.8 * z + 0.6 * rnd.nextGaussian();
      x[2] = rnd.nextGaussian();
      x[3] = 0.5 * rnd.nextGaussian();
    }
    JointDensity p = JointDensity.fromSamples(w, 20, TimeScheme.TR_BDF2);
    double[] mean = p.mean();
    double[] cov = p.covariance();
    double[] sm = new double[D];
    for (double[] x : w) {
      for (int k = 0; k < D; k++) {
        sm[k] += x[k] / w.length;
      }
    }
    for (int k = 0; k < D; k++) {
      assertEquals(sm[k], mean[k], 0.02, "mean of axis " + k);
    }
    double corr = cov[1] / Math.sqrt(cov[0] * cov[1 * D + 1]);
    // the kernel adds bw^2 = (0.9 n^(-1/5))^2 sigma^2 to each variance (Silverman, Gaussian data), so a
    // sample correlation of about 0.8 (+-0.025 at n = 256) shrinks by 1 / 1.089 to about 0.73
    assertTrue(corr > 0.68 && corr < 0.78, "correlation kept (shrunk by the kernel): " + corr);
    double[] marginal = p.marginal(3);
    double[] oneD = dev.fpk.physics.density.KernelDensity.estimate(p.axis(3), column(w, 3));
    for (int i = 0; i < marginal.length; i++) {
      assertEquals(oneD[i], marginal[i], 1e-12, "a marginal is the 1-D kernel estimate, cell " + i);
    }
  }

  @Test
  void shouldSampleTheDensityItsMeanAndVarianceWithin4StdErr() {
    JointDensity p = startingGaussian(16);
    double[][] s = p.sample(20_000, new SplittableRandom(1));
    double[] mean = p.mean();
    double[] cov = p.covariance();
    for (int k = 0; k < D; k++) {
      double m = 0;
      for (double[] x : s) {
        m += x[k] / s.length;
      }
      double se = Math.sqrt(cov[k * D + k] / s.length);
      assertEquals(mean[k], m, 4 * se, "axis " + k);
    }
  }

  private static double[] column(double[][] w, int k) {
    double[] c = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      c[i] = w[i][k];
    }
    return c;
  }
}
