package dev.fpk.app.bench;

import dev.fpk.app.loadgen.LoadGenerator;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.Arrays;
import java.util.List;

/**
 * Correctness under load: fpk's drift and diffusion estimates of loadgen runs against the known
 * Ornstein-Uhlenbeck truth of every entry ({@link LoadGenerator#rate}, {@link
 * LoadGenerator#DIFFUSION}).
 *
 * @param entries entries compared
 * @param slopeWithin3StdErr share of entries whose drift slope is within 3 of its standard errors
 *     of the truth
 * @param medianDiffusionRelativeError median over entries of |D estimated - D true| / D true
 */
record OuCheck(int entries, double slopeWithin3StdErr, double medianDiffusionRelativeError) {

  /**
   * Compares the estimates of the runs whose id starts with {@code group + "-r"}; matrices have
   * {@code cols} columns.
   */
  static OuCheck of(List<DriftDiffusionEstimate> estimates, String group, int rows, int cols) {
    int within = 0;
    int n = 0;
    double[] relative = new double[0];
    for (DriftDiffusionEstimate est : estimates) {
      if (!est.getRunId().startsWith(group + "-r")) {
        continue;
      }
      relative = Arrays.copyOf(relative, relative.length + est.getEntriesCount());
      for (EntryEstimate e : est.getEntriesList()) {
        int flat = e.getIndexCount() == 2 ? e.getIndex(0) * cols + e.getIndex(1) : e.getIndex(0);
        double k = LoadGenerator.rate(flat, rows * cols);
        double slope = OuEnsemble.discreteSlope(k);
        double d = OuEnsemble.discreteDiffusion(k, LoadGenerator.DIFFUSION);
        if (Math.abs(e.getDriftSlope() - slope) <= 3 * e.getDriftSlopeStderr()) {
          within++;
        }
        relative[n++] = Math.abs(e.getDiffusionMean() - d) / d;
      }
    }
    if (n == 0) {
      return new OuCheck(0, Double.NaN, Double.NaN);
    }
    double[] sorted = Arrays.copyOf(relative, n);
    Arrays.sort(sorted);
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new OuCheck(n, (double) within / n, median);
  }
}
