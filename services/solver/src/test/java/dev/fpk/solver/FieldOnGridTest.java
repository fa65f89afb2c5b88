package dev.fpk.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fpk.physics.grid.Grid1D;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A shadow's drift error is carried to the cells as the drift is, and only inside the bins. */
class FieldOnGridTest {
  private static final EntryEstimate FIELD =
      EntryEstimate.newBuilder()
          .addAllGrid(List.of(0.0, 1.0, 2.0))
          .addAllDrift(List.of(1.0, 2.0, 3.0))
          .addAllDriftStderr(List.of(0.1, Double.NaN, 0.3))
          .addAllDiffusion(List.of(1e-3, 1e-3, 1e-3))
          .setDriftSlope(1)
          .setDriftIntercept(1)
          .setDiffusionMean(1e-3)
          .build();

  @Test
  void shouldAddEachBinsErrorInterpolatedLikeTheDrift() {
    Grid1D g = Grid1D.of(-1, 3, 8); // centres -0.75, -0.25, 0.25, ..., 2.75
    double[] drift = new double[g.cells()];
    FieldOnGrid.drift(FIELD, g, drift);
    double[] scores = {1, 5, 2};
    double[] out = new double[g.cells()];
    FieldOnGrid.driftWithError(FIELD, g, drift, scores, out);
    for (int c = 0; c < g.cells(); c++) {
      double w = g.centre(c);
      double expected;
      if (w < 0 || w > 2) {
        expected = 0; // the fit's region: no error drawn
      } else if (w <= 1) {
        expected = (1 - w) * 0.1 * 1; // bin 1 has no standard error: none
      } else {
        expected = (w - 1) * 0.3 * 2;
      }
      assertEquals(expected, out[c] - drift[c], 1e-12, "at " + w);
    }
  }
}
