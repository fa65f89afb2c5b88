package dev.fpk.physics.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The radix sort leaves exactly the bits Arrays.sort leaves: random values, ties, signed zeros,
 * infinities, NaN.
 */
class RadixSorterTest {
  @Test
  void sortsLikeArraysSortBitForBit() {
    SplittableRandom rnd = new SplittableRandom(23);
    double[] special = {
      0.0,
      -0.0,
      Double.MIN_VALUE,
      -Double.MIN_VALUE,
      Double.MAX_VALUE,
      -Double.MAX_VALUE,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      1.0,
      -1.0
    };
    RadixSorter sorter = new RadixSorter();
    for (int trial = 0; trial < 400; trial++) {
      int n = rnd.nextInt(3000);
      double[] a = new double[n + 5];
      int kind = trial % 5;
      for (int i = 0; i < a.length; i++) {
        a[i] =
            switch (kind) {
              case 0 -> rnd.nextGaussian();
              case 1 -> special[rnd.nextInt(special.length)];
              case 2 -> 1e-3 * rnd.nextInt(20) - 0.01; // ties around zero
              case 3 -> rnd.nextInt(50) == 0 ? Double.NaN : rnd.nextGaussian() * 1e300;
              default -> 0.5 + 1e-12 * rnd.nextGaussian(); // keys sharing their high digits
            };
      }
      double[] expected = a.clone();
      Arrays.sort(expected, 0, n);
      sorter.sort(a, n);
      assertArrayEquals(bits(expected), bits(a), "trial " + trial);
    }
  }

  private static long[] bits(double[] a) {
    long[] b = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Double.doubleToRawLongBits(a[i]);
    }
    return b;
  }
}
