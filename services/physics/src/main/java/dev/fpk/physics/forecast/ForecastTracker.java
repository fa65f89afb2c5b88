package dev.fpk.physics.forecast;

import dev.fpk.physics.align.PreparedSamples;
import dev.fpk.physics.grid.Grid1D;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Keeps forecasts until training reaches their target step, then scores them (PHYSICS.md section
 * 4): {@link #issue} runs the Fokker-Planck forecast and both baselines {@code k} steps ahead from
 * the current density and fields; {@link #onData} scores every forecast aimed at that step against
 * the samples that arrived (with {@link ForecastScore#of}) and forgets it. Forecasts whose target
 * passes without data are dropped by {@link #onData} for a later step. Forecasts of several
 * horizons may wait at once ({@link #pending(int)}). With the replicas at the issue step, each
 * forecast also keeps what {@code floorDraws} copies of them moved by the fitted SDE give ({@link
 * MovedReplicas}, drawn once, at issue): its conditional floor and the particle forecast. Steps are
 * optimiser steps; units as in {@link Forecasts}.
 *
 * <p>Not thread-safe: drive it from one thread (it is a plain processing step, testable by hand).
 */
public final class ForecastTracker {
  private record Pending(
      long issuedAt,
      long target,
      Grid1D grid,
      double[] fp,
      double[] still,
      double[] gauss,
      double conditionalFloor,
      ParticleForecast particles) {}

  /**
   * Leads a checkpoint written with conditional floors and particle forecasts (before them, the
   * first int was the substeps, always >= 1).
   */
  private static final int WITH_FLOORS = -2;

  /**
   * Leads a checkpoint that also has each horizon's last issue step (after {@link #WITH_FLOORS}).
   */
  private static final int WITH_LAST_ISSUED = -3;

  private final int substepsPerStep;
  private final int floorDraws;
  private final List<Pending> pending = new ArrayList<>();

  /** Per horizon, the step its last forecast was issued at (kept after the forecast is scored). */
  private final Map<Integer, Long> lastIssued = new TreeMap<>();

  /**
   * @param substepsPerStep solver substeps per optimiser step of the forecast ({@code >= 1})
   * @param floorDraws moved copies of the replicas behind each forecast's conditional floor and
   *     particle forecast ({@code >= 0}; 0 = none, fewer than 2 = no particle forecast: NaN)
   */
  public ForecastTracker(int substepsPerStep, int floorDraws) {
    if (substepsPerStep < 1) {
      throw new IllegalArgumentException("need substepsPerStep >= 1, got " + substepsPerStep);
    }
    if (floorDraws < 0) {
      throw new IllegalArgumentException("need floorDraws >= 0, got " + floorDraws);
    }
    this.substepsPerStep = substepsPerStep;
    this.floorDraws = floorDraws;
  }

  /**
   * Issues a forecast from step {@code now} for step {@code now + k} ({@code k >= 1}) from {@code
   * density}, a kernel density estimate of the replicas {@code start}, whose moved copies (drawn
   * with {@code random}) give its conditional floor and the particle forecast.
   */
  public void issue(
      long now,
      int k,
      Grid1D grid,
      double[] density,
      double[] drift,
      double[] diffusion,
      double[] start,
      RandomGenerator random) {
    issue(now, k, grid, density, drift, diffusion, start, null, 0, random);
  }

  /**
   * {@link #issue(long, int, Grid1D, double[], double[], double[], double[], RandomGenerator)} with
   * the moved copies carrying each replica's own drift ({@code ownDrift[r]} for {@code start[r]})
   * and the diffusion less what those drifts explain ({@link ReplicaVelocities}; null and 0 for
   * none). The density forecast is the field's alone.
   */
  public void issue(
      long now,
      int k,
      Grid1D grid,
      double[] density,
      double[] drift,
      double[] diffusion,
      double[] start,
      double[] ownDrift,
      double explainedVariance,
      RandomGenerator random) {
    if (k < 1) {
      throw new IllegalArgumentException("need k >= 1, got " + k);
    }
    lastIssued.put(k, now);
    double[] fp = Forecasts.fokkerPlanck(grid, density, drift, diffusion, k, k * substepsPerStep);
    MovedReplicas moved =
        MovedReplicas.of(
            grid,
            drift,
            diffusion,
            start,
            ownDrift,
            explainedVariance,
            k,
            substepsPerStep,
            floorDraws,
            random);
    pending.add(
        new Pending(
            now,
            now + k,
            grid,
            fp,
            Forecasts.persistence(density),
            Forecasts.gaussianMoments(grid, density, drift, diffusion, k),
            moved.floorOf(grid, fp),
            moved.forecast()));
  }

  /** Scores (and forgets) the forecasts for {@code step}; drops those whose target has passed. */
  public List<ScoredForecast> onData(long step, double[] samples) {
    return onData(step, PreparedSamples.of(samples));
  }

  /** {@link #onData(long, double[])} with samples prepared once for every score of the step. */
  public List<ScoredForecast> onData(long step, PreparedSamples samples) {
    if (pending.isEmpty()) {
      return List.of();
    }
    List<ScoredForecast> out = new ArrayList<>();
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.target() == step) {
        out.add(
            new ScoredForecast(
                p.issuedAt(),
                p.target(),
                ForecastScore.of(p.grid(), p.fp(), samples),
                ForecastScore.of(p.grid(), p.still(), samples),
                ForecastScore.of(p.grid(), p.gauss(), samples),
                p.conditionalFloor(),
                new ScoredForecast.Particles(
                    p.particles().w1(samples.sorted(), samples.count()),
                    p.particles().staticW1(samples.sorted(), samples.count()),
                    p.particles().floor())));
        it.remove();
      } else if (p.target() < step) {
        it.remove();
      }
    }
    return out;
  }

  /** Number of forecasts waiting for their target step. */
  public int pending() {
    return pending.size();
  }

  /** Number of forecasts {@code horizon} steps ahead waiting for their target step. */
  public int pending(int horizon) {
    int n = 0; // a loop, not a stream: asked per entry and step
    for (Pending p : pending) {
      if (p.target() - p.issuedAt() == horizon) {
        n++;
      }
    }
    return n;
  }

  /**
   * Whether a forecast {@code horizon} steps ahead is due at {@code step}: none of that horizon is
   * pending, and the last one was issued at least {@code everySteps} steps before (or never). With
   * {@code everySteps = 1}, as soon as the last one has been scored.
   */
  public boolean due(int horizon, long step, int everySteps) {
    Long last = lastIssued.get(horizon);
    return pending(horizon) == 0 && (last == null || step - last >= everySteps);
  }

  /** Writes the pending forecasts and each horizon's last issue step, bit for bit (checkpoints). */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(WITH_LAST_ISSUED);
    out.writeInt(lastIssued.size());
    for (Map.Entry<Integer, Long> e : lastIssued.entrySet()) {
      out.writeInt(e.getKey());
      out.writeLong(e.getValue());
    }
    out.writeInt(WITH_FLOORS);
    out.writeInt(substepsPerStep);
    out.writeInt(floorDraws);
    out.writeInt(pending.size());
    for (Pending p : pending) {
      out.writeLong(p.issuedAt());
      out.writeLong(p.target());
      out.writeDouble(p.conditionalFloor());
      out.writeDouble(p.grid().lo());
      out.writeDouble(p.grid().width());
      out.writeInt(p.grid().cells());
      byte[] bytes = new byte[3 * 8 * p.grid().cells()];
      ByteBuffer buffer = ByteBuffer.wrap(bytes); // big-endian, as DataOutput.writeDouble
      for (double[] density : new double[][] {p.fp(), p.still(), p.gauss()}) {
        for (double v : density) {
          buffer.putLong(Double.doubleToLongBits(v)); // the bytes writeDouble writes, in one write
        }
      }
      out.write(bytes);
      p.particles().writeTo(out);
    }
  }

  /**
   * The tracker {@link #writeTo} wrote; one written before conditional floors restores with none
   * (NaN floors and particle scores for its pending forecasts, no draws for new ones), one written
   * before the last issue steps with the issue steps of its pending forecasts.
   */
  public static ForecastTracker readFrom(DataInput in) throws IOException {
    int first = in.readInt();
    Map<Integer, Long> last = new TreeMap<>();
    if (first == WITH_LAST_ISSUED) {
      for (int n = in.readInt(); n > 0; n--) {
        last.put(in.readInt(), in.readLong());
      }
      first = in.readInt();
    }
    boolean floors = first == WITH_FLOORS;
    ForecastTracker t =
        floors ? new ForecastTracker(in.readInt(), in.readInt()) : new ForecastTracker(first, 0);
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      long issuedAt = in.readLong();
      long target = in.readLong();
      double floor = floors ? in.readDouble() : Double.NaN;
      Grid1D grid = Grid1D.ofWidth(in.readDouble(), in.readDouble(), in.readInt());
      double[][] densities = new double[3][grid.cells()];
      byte[] bytes = new byte[3 * 8 * grid.cells()];
      in.readFully(bytes);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      for (double[] density : densities) {
        for (int c = 0; c < density.length; c++) {
          density[c] = Double.longBitsToDouble(buffer.getLong()); // as DataInput.readDouble
        }
      }
      ParticleForecast particles = floors ? ParticleForecast.readFrom(in) : ParticleForecast.NONE;
      t.pending.add(
          new Pending(
              issuedAt, target, grid, densities[0], densities[1], densities[2], floor, particles));
      t.lastIssued.putIfAbsent((int) (target - issuedAt), issuedAt);
    }
    t.lastIssued.putAll(last);
    return t;
  }
}
