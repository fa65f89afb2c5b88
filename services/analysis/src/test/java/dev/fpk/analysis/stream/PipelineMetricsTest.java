package dev.fpk.analysis.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import dev.fpk.protocol.v1.HorizonForecast;
import dev.fpk.protocol.v1.OutputComparison;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The alignment gauges, kept per (run, layer) and entry position, show the latest update's figures.
 */
class PipelineMetricsTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final PipelineMetrics metrics = new PipelineMetrics();
  final Random random = new Random(7);

  PipelineMetricsTest() {
    metrics.bindTo(registry);
  }

  AlignmentUpdate update(String run, long step, List<int[]> entries, boolean forecasts) {
    AlignmentUpdate.Builder u =
        AlignmentUpdate.newBuilder().setRunId(run).setLayer("fc1").setStep(step);
    for (int[] index : entries) {
      EntryAlignment.Builder e =
          EntryAlignment.newBuilder()
              .addIndex(index[0])
              .addIndex(index[1])
              .setW1(random.nextDouble())
              .setJs(random.nextDouble())
              .setHellinger(random.nextDouble())
              .setBootstrapFloorW1(random.nextDouble())
              .setPValue(random.nextDouble());
      if (forecasts) {
        for (int h : new int[] {10, 200}) {
          e.addForecasts(
              HorizonForecast.newBuilder()
                  .setHorizon(h)
                  .setW1(random.nextDouble())
                  .setStaticW1(random.nextDouble())
                  .setGaussianW1(random.nextDouble()));
        }
      }
      u.addEntries(e);
    }
    for (String model : new String[] {"entrywise", "joint"}) {
      u.addOutputs(
          OutputComparison.newBuilder()
              .setModel(model)
              .setSlicedW1(random.nextDouble())
              .setEnergy(random.nextDouble())
              .setSlicedW1Floor(random.nextDouble())
              .setEnergyFloor(random.nextDouble()));
    }
    return u.build();
  }

  static List<int[]> grid(int rows, int cols) {
    List<int[]> entries = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        entries.add(new int[] {i, j});
      }
    }
    return entries;
  }

  double gauge(String name, String run, String... tags) {
    return registry.get(name).tags("run", run, "layer", "fc1").tags(tags).gauge().value();
  }

  /** Every figure of the update, read back from the registry by name and tags. */
  void assertShows(AlignmentUpdate u) {
    for (EntryAlignment e : u.getEntriesList()) {
      String entry = "[" + e.getIndex(0) + "," + e.getIndex(1) + "]";
      assertEquals(e.getW1(), gauge("fpk.alignment.w1", u.getRunId(), "entry", entry));
      assertEquals(e.getJs(), gauge("fpk.alignment.js", u.getRunId(), "entry", entry));
      assertEquals(
          e.getHellinger(), gauge("fpk.alignment.hellinger", u.getRunId(), "entry", entry));
      assertEquals(
          e.getBootstrapFloorW1(),
          gauge("fpk.alignment.bootstrap.floor.w1", u.getRunId(), "entry", entry));
      assertEquals(e.getPValue(), gauge("fpk.alignment.p.value", u.getRunId(), "entry", entry));
      for (HorizonForecast f : e.getForecastsList()) {
        String h = Integer.toString(f.getHorizon());
        assertEquals(
            1 - f.getW1() / f.getStaticW1(),
            gauge(
                "fpk.forecast.skill",
                u.getRunId(),
                "entry",
                entry,
                "horizon",
                h,
                "baseline",
                "nothing_changes"));
        assertEquals(
            1 - f.getW1() / f.getGaussianW1(),
            gauge(
                "fpk.forecast.skill",
                u.getRunId(),
                "entry",
                entry,
                "horizon",
                h,
                "baseline",
                "gaussian_moments"));
      }
    }
    for (OutputComparison o : u.getOutputsList()) {
      assertEquals(
          o.getSlicedW1(), gauge("fpk.output.sliced.w1", u.getRunId(), "model", o.getModel()));
      assertEquals(o.getEnergy(), gauge("fpk.output.energy", u.getRunId(), "model", o.getModel()));
    }
    OutputComparison last = u.getOutputs(u.getOutputsCount() - 1);
    assertEquals(last.getSlicedW1Floor(), gauge("fpk.output.sliced.w1.floor", u.getRunId()));
    assertEquals(last.getEnergyFloor(), gauge("fpk.output.energy.floor", u.getRunId()));
  }

  @Test
  void shouldShowTheLatestFiguresOfEveryEntryAndModelWithOneGaugeEach() {
    List<int[]> entries = grid(3, 4);
    for (long step = 0; step < 25; step++) {
      AlignmentUpdate a = update("a", step, entries, step % 10 == 9);
      AlignmentUpdate b = update("b", step, entries, false);
      metrics.aligned(a);
      metrics.aligned(b);
      assertShows(a);
      assertShows(b);
    }
    // 12 entries x (3 distances + the verdict's floor and p-value + 2 horizons x 2 baselines, run a
    // only), 2 models x 2 and 2 floors per run
    int expected = 12 * (3 + 2 + 4) + 6 + 12 * (3 + 2) + 6;
    assertEquals(
        expected,
        registry.getMeters().stream()
            .filter(
                m ->
                    m.getId().getName().startsWith("fpk.alignment")
                        || m.getId().getName().startsWith("fpk.forecast")
                        || m.getId().getName().startsWith("fpk.output"))
            .count());
    assertEquals(24, registry.get("fpk.watermark").gauge().value());
  }

  @Test
  void shouldFollowEntriesThatChangePositionOrNumber() {
    List<int[]> entries = grid(2, 3);
    metrics.aligned(update("a", 0, entries, true));
    List<int[]> shuffled = new ArrayList<>(entries);
    Collections.shuffle(shuffled, random);
    AlignmentUpdate moved = update("a", 1, shuffled, true);
    metrics.aligned(moved);
    assertShows(moved);
    AlignmentUpdate fewer = update("a", 2, shuffled.subList(0, 3), true);
    metrics.aligned(fewer);
    assertShows(fewer);
    AlignmentUpdate more = update("a", 3, grid(3, 3), true);
    metrics.aligned(more);
    assertShows(more);
    long w1Gauges =
        registry.getMeters().stream()
            .map(Meter::getId)
            .filter(id -> id.getName().equals("fpk.alignment.w1"))
            .count();
    assertEquals(9, w1Gauges, "one gauge per entry, whatever the order it came in");
  }

  @Test
  void shouldShowTheVerdictAndCountConsecutiveRejectedStepsOnce() {
    double[] pValues = {0.5, 0.01, 0.04, Double.NaN, 0.001, 0.2, 0.03};
    long[] streaks = {0, 1, 2, 2, 3, 0, 1};
    for (int step = 0; step < pValues.length; step++) {
      AlignmentUpdate u =
          AlignmentUpdate.newBuilder()
              .setRunId("v")
              .setLayer("fc1")
              .setStep(step)
              .addEntries(
                  EntryAlignment.newBuilder()
                      .addIndex(0)
                      .addIndex(1)
                      .setBootstrapFloorW1(0.01 * step)
                      .setPValue(pValues[step]))
              .build();
      metrics.aligned(u);
      if (step == 4) {
        metrics.aligned(u); // republished after a restart: the same step counts once
      }
      assertEquals(pValues[step], gauge("fpk.alignment.p.value", "v", "entry", "[0,1]"));
      assertEquals(0.01 * step, gauge("fpk.alignment.bootstrap.floor.w1", "v", "entry", "[0,1]"));
      assertEquals(
          streaks[step],
          gauge("fpk.theory.rejected.streak", "v", "entry", "[0,1]"),
          "step " + step);
    }
  }

  @Test
  void shouldCountSnapshotsPerRunAndLayer() {
    LayerMeters m = metrics.layer("a", "fc1");
    for (int i = 0; i < 5; i++) {
      m.accepted();
    }
    metrics.accepted("a", "fc1");
    m.late();
    m.replicasGone(3);
    m.replicasGone(0);
    assertEquals(
        6, registry.get("fpk.snapshots.in").tags("run", "a", "layer", "fc1").counter().count());
    assertEquals(1, registry.get("fpk.snapshots.late").counter().count());
    assertEquals(3, registry.get("fpk.replicas.gone").counter().count());
    assertEquals(
        0,
        registry.get("fpk.snapshots.duplicate").counter().count(),
        "registered at zero with its layer (CountersAtZeroTest)");
  }

  @Test
  void shouldSayHowManyEntriesOfTheMatrixAreWatchedAndWhich() {
    List<int[]> some = List.of(new int[] {0, 0}, new int[] {0, 4}, new int[] {1, 0});
    metrics.aligned(
        update("a", 3, some, false).toBuilder()
            .setWatchedEntries("stride:4")
            .addShape(4)
            .addShape(8)
            .build());
    assertEquals(3, gauge("fpk.layer.watched", "a", "selection", "stride"));
    assertEquals(32, gauge("fpk.layer.matrix", "a"));
    // an alignment of a writer before v1.6 watched every entry
    metrics.aligned(update("b", 3, grid(2, 2), false));
    assertEquals(4, gauge("fpk.layer.watched", "b", "selection", "all"));
    // a restart with another selection ends the old series
    metrics.aligned(
        update("a", 4, grid(4, 8), false).toBuilder()
            .setWatchedEntries("all")
            .addShape(4)
            .addShape(8)
            .build());
    assertEquals(32, gauge("fpk.layer.watched", "a", "selection", "all"));
    assertEquals(Double.NaN, gauge("fpk.layer.watched", "a", "selection", "stride"));
  }
}
