package dev.fpk.physics.forecast;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A Fokker-Planck forecast by Monte Carlo from the replicas themselves ({@link
 * MovedReplicas#forecast}): the pooled moved copies, the replicas it started from (the "nothing
 * changes" baseline on the same footing) and its floor, the W1 of the pool to one more moved copy.
 * Scored against the data by the exact W1 between empirical laws, so neither side is smoothed: in a
 * slow phase the replicas move far less than a kernel density estimate smooths them.
 *
 * <p>Kept as floats (the snapshots' own precision; the start is exact), so a checkpoint holds 4
 * bytes per particle, and an uninterrupted run scores the same rounded particles a restored one
 * does. Weight units. Immutable.
 */
public final class ParticleForecast {
  /** No particle forecast (fewer than two moved copies): NaN scores and floor. */
  public static final ParticleForecast NONE =
      new ParticleForecast(new float[0], new float[0], Double.NaN);

  private final float[] particles;
  private final float[] start;
  private final double floor;

  private ParticleForecast(float[] particles, float[] start, double floor) {
    this.particles = particles;
    this.start = start;
    this.floor = floor;
  }

  /**
   * From the ascending pool and start; the floor is the (rounded) pool's W1 to the ascending {@code
   * heldOut} copy.
   */
  static ParticleForecast of(double[] pool, double[] start, double[] heldOut) {
    float[] p = floats(pool);
    return new ParticleForecast(p, floats(start), wasserstein1(p, heldOut, heldOut.length));
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  /** W1 of the particles to the first {@code n} values of {@code sorted} (ascending data). */
  public double w1(double[] sorted, int n) {
    return wasserstein1(particles, sorted, n);
  }

  /** W1 of the start ("nothing changes") to the first {@code n} values of {@code sorted}. */
  public double staticW1(double[] sorted, int n) {
    return wasserstein1(start, sorted, n);
  }

  /** The W1 the forecast would have if the theory were right, given the start. */
  public double floor() {
    return floor;
  }

  /**
   * Exact W1 between the empirical laws of ascending {@code a} and the first {@code m} values of
   * ascending {@code b}: the integral of {@code |F_a - F_b|} over the merged points; NaN if either
   * is empty.
   */
  static double wasserstein1(float[] a, double[] b, int m) {
    // the merge below, reading the floats as they are (no copy to doubles per score)
    int n = a.length;
    if (n == 0 || m == 0) {
      return Double.NaN;
    }
    double w1 = 0;
    int i = 0;
    int j = 0;
    double x = Math.min(a[0], b[0]);
    while (i < n || j < m) {
      boolean fromA = j >= m || (i < n && a[i] <= b[j]);
      double next = fromA ? a[i] : b[j];
      w1 += Math.abs((double) i / n - (double) j / m) * (next - x);
      x = next;
      if (fromA) {
        i++;
      } else {
        j++;
      }
    }
    return w1;
  }

  /** Writes particles, start and floor (for checkpoints). */
  void writeTo(DataOutput out) throws IOException {
    out.writeDouble(floor);
    writeFloats(out, particles);
    writeFloats(out, start);
  }

  /** The forecast {@link #writeTo} wrote. */
  static ParticleForecast readFrom(DataInput in) throws IOException {
    double floor = in.readDouble();
    return new ParticleForecast(readFloats(in), readFloats(in), floor);
  }

  private static void writeFloats(DataOutput out, float[] v) throws IOException {
    out.writeInt(v.length);
    ByteBuffer b = ByteBuffer.allocate(4 * v.length); // big-endian, as DataOutput.writeFloat
    b.asFloatBuffer().put(v);
    out.write(b.array()); // the bytes writeFloat writes, in one write
  }

  private static float[] readFloats(DataInput in) throws IOException {
    byte[] bytes = new byte[4 * in.readInt()];
    in.readFully(bytes);
    float[] v = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).asFloatBuffer().get(v);
    return v;
  }
}
