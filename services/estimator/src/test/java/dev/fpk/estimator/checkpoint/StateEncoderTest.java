package dev.fpk.estimator.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The encoder's bytes are those a {@link DataOutputStream} over a {@link ByteArrayOutputStream}
 * writes, whether a state is larger than the last one (the buffer grows, by single bytes and by
 * arrays), the same size or smaller.
 */
class StateEncoderTest {
  /** A state of mixed writes, {@code size} records long. */
  private static StateEncoder.Writer state(int size, long seed) {
    return out -> {
      Random r = new Random(seed);
      for (int i = 0; i < size; i++) {
        switch (r.nextInt(5)) {
          case 0 -> out.writeInt(r.nextInt());
          case 1 -> out.writeDouble(Double.longBitsToDouble(r.nextLong()));
          case 2 -> out.writeBoolean(r.nextBoolean());
          case 3 -> out.writeUTF("entry " + r.nextInt(1000));
          default -> {
            byte[] b = new byte[r.nextInt(3000)];
            r.nextBytes(b);
            out.write(b, r.nextInt(Math.max(1, b.length / 2)), b.length / 2);
          }
        }
      }
    };
  }

  @Test
  void shouldWriteTheBytesOfADataOutputStreamAsStatesGrowAndShrink() throws IOException {
    StateEncoder encoder = new StateEncoder();
    int[] sizes = {0, 1, 10, 500, 510, 5000, 5000, 300, 20000, 20100, 1};
    for (int k = 0; k < sizes.length; k++) {
      StateEncoder.Writer w = state(sizes[k], k);
      assertArrayEquals(WrittenBytes.of(w), encoder.encode(w), "state " + k + " of " + sizes[k]);
    }
  }
}
