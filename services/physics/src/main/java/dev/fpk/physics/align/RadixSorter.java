package dev.fpk.physics.align;

import java.util.Arrays;

/**
 * Sorts arrays of doubles into exactly what {@code Arrays.sort} gives, by a least-significant-digit
 * radix sort (8 bits a pass, passes whose digit all keys share skipped) for arrays of at least
 * {@link #MIN_RADIX} values: {@code O(n)} per pass instead of the quicksort's {@code O(n log n)}
 * compares, about twice as fast from a thousand values on (the sliced W1 sorts every point of a
 * cloud once per direction). Keys are the bits mapped to an unsigned order equal to {@link
 * Double#compare}'s (-0.0 before 0.0); an array holding a NaN, and short arrays, go to {@code
 * Arrays.sort}, so its NaN handling is kept. Reusable buffers: not thread-safe.
 */
final class RadixSorter {
  static final int MIN_RADIX = 256;
  private long[] keys = new long[0];
  private long[] scratch = new long[0];
  private final int[] count = new int[257];

  /** Sorts the first n values of a ascending, as {@code Arrays.sort(a, 0, n)} does. */
  void sort(double[] a, int n) {
    if (n < MIN_RADIX) {
      Arrays.sort(a, 0, n);
      return;
    }
    if (keys.length < n) {
      keys = new long[n];
      scratch = new long[n];
    }
    long[] k = keys;
    long[] t = scratch;
    long and = -1L;
    long or = 0;
    for (int i = 0; i < n; i++) {
      double v = a[i];
      if (v != v) {
        Arrays.sort(a, 0, n);
        return;
      }
      long bits = Double.doubleToRawLongBits(v);
      long key =
          bits
              ^ ((bits >> 63) | Long.MIN_VALUE); // negatives: all bits flipped; positives: sign set
      k[i] = key;
      and &= key;
      or |= key;
    }
    long varying = and ^ or;
    for (int shift = 0; shift < 64; shift += 8) {
      if (((varying >>> shift) & 0xFF) == 0) {
        continue; // every key has this digit: the pass would not move anything
      }
      Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) ((k[i] >>> shift) & 0xFF) + 1]++;
      }
      for (int b = 0; b < 256; b++) {
        count[b + 1] += count[b];
      }
      for (int i = 0; i < n; i++) {
        t[count[(int) ((k[i] >>> shift) & 0xFF)]++] = k[i];
      }
      long[] swap = k;
      k = t;
      t = swap;
    }
    for (int i = 0; i < n; i++) {
      long key = k[i];
      long bits = key < 0 ? key ^ Long.MIN_VALUE : ~key;
      a[i] = Double.longBitsToDouble(bits);
    }
  }
}
