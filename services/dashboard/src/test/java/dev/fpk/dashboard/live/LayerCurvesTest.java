package dev.fpk.dashboard.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.EntryDensity;
import dev.fpk.protocol.v1.EntryEstimate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The distribution bands and the update size the page draws over the steps: quantiles from the
 * densities' CDFs, the RMS increment per step from the estimator's fields, kept per step.
 */
class LayerCurvesTest {
  static final double[] Z = {-1.6448536, -0.6744898, 0, 0.6744898, 1.6448536};

  @Test
  void shouldGiveTheQuantilesOfTheTheoryAndOfTheReplicas() {
    // Outputs.density: theory N(0, 0.02) on 20 cells of 0.1; the replicas' histogram skewed by
    // 1 + 0.1 sin(i)
    EntryDensity entry = Outputs.density("r", "l", 5, 1).getEntries(0);
    double[] theory = LayerCurves.quantiles(entry, entry.getTheoryList());
    for (int k = 0; k < Z.length; k++) {
      // the cell-centred density's CDF is exact to within half a cell
      assertEquals(Z[k] * Math.sqrt(0.02), theory[k], 0.05, "theory quantile " + k);
    }
    double[] replicas = LayerCurves.quantiles(entry, entry.getEmpiricalList());
    for (int k = 1; k < Z.length; k++) {
      assertTrue(
          replicas[k] > replicas[k - 1], "increasing: " + java.util.Arrays.toString(replicas));
    }
    assertTrue(Math.abs(replicas[2] - theory[2]) < 0.1, "medians within a cell");
    EntryDensity broken = entry.toBuilder().clearEdges().addEdges(1).addEdges(1).build();
    assertTrue(Double.isNaN(LayerCurves.quantiles(broken, broken.getTheoryList())[2]));
  }

  @Test
  void shouldGiveTheRmsIncrementOfSimulatedStepsFromTheFields() {
    // Outputs.estimate: mu = -0.5 w, D = 0.01 on 9 bins with equal counts; simulate one step of
    // dW = mu dt + sqrt(2D) dB from each bin and compare the RMS increment
    EntryEstimate e = Outputs.estimate("r", "l", 5, 1).getEntries(0);
    SplittableRandom random = new SplittableRandom(3);
    double squares = 0;
    int n = 400_000;
    for (int i = 0; i < n; i++) {
      double w = e.getGrid(i % e.getGridCount());
      double dw = -0.5 * w + Math.sqrt(2 * 0.01) * random.nextGaussian();
      squares += dw * dw;
    }
    assertEquals(Math.sqrt(squares / n), LayerCurves.rmsIncrement(e), 0.002);
    EntryEstimate empty = e.toBuilder().clearCount().build();
    assertTrue(Double.isNaN(LayerCurves.rmsIncrement(empty)));
  }

  @Test
  void shouldServeTheBandsAndUpdateSizePerStepInTheEntryJson() {
    RunStore store = new RunStore();
    for (long step : new long[] {10, 20, 30}) {
      store.onEstimate(Outputs.estimate("r", "l", step, 2));
      store.onDensity(Outputs.density("r", "l", step, 2));
    }
    DensityUpdate late = Outputs.density("r", "l", 15, 2);
    store.onDensity(late); // older than the newest: not a new point
    JsonNode e = new LiveJson(new ObjectMapper()).entry(store.layer("r", "l").orElseThrow(), 1);
    assertEquals("[0.05,0.25,0.5,0.75,0.95]", e.path("quantileLevels").toString());
    JsonNode q = e.path("quantiles");
    assertEquals(3, q.size(), q.toString());
    assertEquals(30, q.get(2).path("step").asLong());
    assertEquals(5, q.get(2).path("theory").size());
    assertEquals(5, q.get(2).path("replicas").size());
    assertEquals(0, q.get(0).path("theory").get(2).asDouble(), 0.05, "the theory's median");
    JsonNode u = e.path("updateSize");
    assertEquals(3, u.size());
    assertEquals(
        LayerCurves.rmsIncrement(Outputs.estimate("r", "l", 30, 2).getEntries(1)),
        u.get(2).path("rms").asDouble());
  }
}
