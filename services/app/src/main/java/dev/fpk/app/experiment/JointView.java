package dev.fpk.app.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.physics.cs.Jacobians;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.JointAlignment;
import dev.fpk.solver.JointGain;
import java.util.Collection;
import java.util.NavigableMap;

/**
 * The joint 4-D model of the 2x2 matrix against the entry-by-entry one: the solver's {@link
 * JointGain} over the slow phase (ratios joint / entrywise of the output distances and of the
 * per-entry W1, below 1 = the joint model is closer; reported also as gains {@code 1 - ratio}), and
 * from the last step its linear drift {@code mu = A w + b} (per step): the coupling between entries
 * in standard errors, the neglected diffusion correlation, and the Callan-Symanzik reading of the
 * 4-D flow: the fixed point {@code w* = -A^-1 b} with the eigenvalues of {@code A} as its
 * exponents.
 */
public final class JointView {
  private JointView() {}

  public static ObjectNode write(
      NavigableMap<Long, AlignmentUpdate> alignment, long fromStep, ObjectNode o) {
    Collection<AlignmentUpdate> updates = alignment.values();
    JointGain g = JointGain.of(updates, fromStep);
    o.put("available", g.steps() > 0).put("steps", g.steps()).put("outputSteps", g.outputSteps());
    Json.putNumber(o, "slicedW1Ratio", g.slicedW1Ratio());
    Json.putNumber(o, "energyRatio", g.energyRatio());
    Json.putNumber(o, "marginalW1Ratio", g.marginalW1Ratio());
    Json.putNumber(o, "gainSlicedW1", 1 - g.slicedW1Ratio());
    Json.putNumber(o, "gainEnergy", 1 - g.energyRatio());
    Json.putNumber(o, "meanJointSlicedW1", g.meanJointSlicedW1());
    Json.putNumber(o, "meanEntrywiseSlicedW1", g.meanEntrywiseSlicedW1());
    Json.putNumber(o, "meanSlicedW1Floor", g.meanSlicedW1Floor());
    o.put(
        "definition",
        "ratios joint / entrywise of the means over the slow phase; gain = 1 - ratio (> 0: joint closer)");
    AlignmentUpdate last =
        alignment.descendingMap().values().stream()
            .filter(AlignmentUpdate::hasJoint)
            .findFirst()
            .orElse(null);
    if (last != null) {
      writeFlow(last.getJoint(), o.putObject("last").put("step", last.getStep()));
    }
    return o;
  }

  private static void writeFlow(JointAlignment j, ObjectNode o) {
    o.put("particles", j.getParticles());
    Json.putNumber(o, "largestCouplingZ", j.getLargestCouplingZ());
    Json.putNumber(o, "largestNeglectedCorrelation", j.getLargestNeglectedCorrelation());
    int n = j.getDriftOffsetCount();
    if (j.getDriftMatrixCount() != n * n || n == 0) {
      return;
    }
    double[][] a = new double[n][n];
    for (int k = 0; k < n * n; k++) {
      a[k / n][k % n] = j.getDriftMatrix(k);
      if (!Double.isFinite(a[k / n][k % n])) {
        return; // the fit is not usable yet
      }
    }
    Json.numbers(
        o.putArray("driftMatrix"),
        j.getDriftMatrixList().stream().mapToDouble(Double::doubleValue).toArray());
    Json.numbers(
        o.putArray("driftOffset"),
        j.getDriftOffsetList().stream().mapToDouble(Double::doubleValue).toArray());
    double[] b = j.getDriftOffsetList().stream().mapToDouble(Double::doubleValue).toArray();
    double[] fixed = solve(a, b);
    if (fixed != null) {
      Json.numbers(o.putArray("fixedPoint"), fixed);
    }
    var eig = o.putArray("exponents");
    for (double[] ev : Jacobians.eigenvalues(a)) {
      var x = eig.addObject();
      Json.putNumber(x, "re", ev[0]);
      Json.putNumber(x, "im", ev[1]);
    }
  }

  /**
   * {@code w* = -A^-1 b} by Gaussian elimination with partial pivoting; null if A is singular or
   * not finite.
   */
  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][n + 1];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n] = -b[i];
    }
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
          p = r;
        }
      }
      if (!(Math.abs(m[p][c]) > 0)) {
        return null;
      }
      double[] t = m[c];
      m[c] = m[p];
      m[p] = t;
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double f = m[r][c] / m[c][c];
          for (int k = c; k <= n; k++) {
            m[r][k] -= f * m[c][k];
          }
        }
      }
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = m[i][n] / m[i][i];
    }
    return x;
  }
}
