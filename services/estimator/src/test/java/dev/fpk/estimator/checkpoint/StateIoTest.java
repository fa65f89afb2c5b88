package dev.fpk.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Arrays written in pieces through the scratch are the bytes {@link DataOutputStream} writes
 * element by element (the format every stored checkpoint has), and read back bit for bit, at
 * lengths on either side of the scratch's size.
 */
class StateIoTest {
  private static final int[] LENGTHS = {
    0,
    1,
    StateIo.SCRATCH_BYTES / Double.BYTES - 1,
    StateIo.SCRATCH_BYTES / Double.BYTES,
    StateIo.SCRATCH_BYTES / Double.BYTES + 1,
    StateIo.SCRATCH_BYTES / Float.BYTES,
    StateIo.SCRATCH_BYTES / Float.BYTES + 1,
    5 * StateIo.SCRATCH_BYTES / Double.BYTES + 7
  };

  @Test
  void shouldWriteDoublesAsDataOutputWritesThemOneByOne() throws IOException {
    Random r = new Random(7);
    for (int n : LENGTHS) {
      double[] xs = new double[n];
      for (int i = 0; i < n; i++) {
        xs[i] = Double.longBitsToDouble(r.nextLong()); // every bit pattern, NaN payloads included
      }
      if (n > 3) {
        xs[0] = -0.0;
        xs[1] = Double.NEGATIVE_INFINITY;
        xs[2] = Double.MIN_VALUE;
      }
      byte[] expected =
          WrittenBytes.of(
              out -> {
                out.writeInt(n);
                for (double x : xs) {
                  out.writeLong(Double.doubleToRawLongBits(x));
                }
              });
      byte[] actual = WrittenBytes.of(out -> StateIo.writeDoubles(out, xs));
      assertArrayEquals(expected, actual, "length " + n);
      double[] back = StateIo.readDoubles(new DataInputStream(new ByteArrayInputStream(actual)));
      assertEquals(n, back.length);
      for (int i = 0; i < n; i++) {
        assertEquals(
            Double.doubleToRawLongBits(xs[i]),
            Double.doubleToRawLongBits(back[i]),
            "length " + n + ", element " + i);
      }
    }
  }

  @Test
  void shouldWriteAPrefixAsTheArrayOfThatPrefix() throws IOException {
    double[] xs = new double[3 * StateIo.SCRATCH_BYTES / Double.BYTES];
    Random r = new Random(5);
    for (int i = 0; i < xs.length; i++) {
      xs[i] = r.nextGaussian();
    }
    for (int n : new int[] {0, 1, StateIo.SCRATCH_BYTES / Double.BYTES + 3, xs.length}) {
      byte[] whole =
          WrittenBytes.of(out -> StateIo.writeDoubles(out, java.util.Arrays.copyOf(xs, n)));
      assertArrayEquals(
          whole, WrittenBytes.of(out -> StateIo.writeDoubles(out, xs, n)), "prefix " + n);
    }
  }

  @Test
  void shouldWriteFloatsAsDataOutputWritesThemOneByOne() throws IOException {
    Random r = new Random(11);
    for (int n : LENGTHS) {
      float[] xs = new float[n];
      for (int i = 0; i < n; i++) {
        xs[i] = Float.intBitsToFloat(r.nextInt());
      }
      byte[] expected =
          WrittenBytes.of(
              out -> {
                out.writeInt(n);
                for (float x : xs) {
                  out.writeInt(Float.floatToRawIntBits(x));
                }
              });
      byte[] actual = WrittenBytes.of(out -> StateIo.writeFloats(out, xs));
      assertArrayEquals(expected, actual, "length " + n);
      float[] back = StateIo.readFloats(new DataInputStream(new ByteArrayInputStream(actual)));
      for (int i = 0; i < n; i++) {
        assertEquals(
            Float.floatToRawIntBits(xs[i]),
            Float.floatToRawIntBits(back[i]),
            "length " + n + ", element " + i);
      }
    }
  }
}
