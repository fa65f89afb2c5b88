package dev.fpk.physics.align;

/**
 * The order one variable's samples (e.g. one matrix entry across the replicas) had after sorting at
 * the last step, kept to sort the next step's samples cheaply: replicas move little between steps,
 * so the last order nearly sorts the new values and an insertion sort finishes them in about {@code
 * O(n)} instead of a full sort's {@code O(n log n)}. Used by {@link
 * PreparedSamples#prepare(double[], ReplicaOrder)} for the even and odd halves of the samples (the
 * sampling floor sorts them apart; the whole is their merge).
 *
 * <p>Only a speed-up: the sorted values are those of {@code Arrays.sort} whatever order is kept
 * (finite doubles in {@link Double#compare} order, -0.0 before 0.0, are one sequence of bit
 * patterns however they were sorted), so an order need not be checkpointed: a solver restored
 * without it starts from a full sort and gives the same figures bit for bit. When the sample count
 * changes, or the last order is missing, the halves start from their position order; when the
 * insertion sort moves more than {@link #MOVES_PER_VALUE} values per sample (data far from the last
 * order, e.g. at the first step), it finishes with a merge sort ({@code O(n log n)}).
 *
 * <p>Indices are stored as {@code char} (2 bytes per sample; a solver keeps one order per entry),
 * so halves of at most 65,536 samples; larger ones are sorted in full every step. Not thread-safe.
 */
public final class ReplicaOrder {
  /** Shifts per sample beyond which the insertion sort gives up for a merge sort. */
  static final int MOVES_PER_VALUE = 4;

  /** Run length the merge sort starts from (sorted by insertion). */
  private static final int RUN = 16;

  /** Largest half this order can index. */
  static final int MAX_HALF = 1 << 16;

  private char[] even = new char[0];
  private char[] odd = new char[0];

  /** Sample count the kept order is of; -1 for none. */
  private int count = -1;

  /**
   * The merge sort's buffers, owned by the caller ({@link PreparedSamples}) so that a solver's one
   * order per entry holds only its indices (2 bytes a sample).
   */
  static final class Scratch {
    private double[] values = new double[0];
    private char[] indices = new char[0];

    private void ensure(int m) {
      if (values.length < m) {
        values = new double[m];
        indices = new char[m];
      }
    }
  }

  /** Whether samples of this count can use an order (halves small enough to index). */
  static boolean fits(int n) {
    return (n + 1) / 2 <= MAX_HALF;
  }

  /** Forgets the kept order: the next sort starts from the position order. */
  public void clear() {
    count = -1;
  }

  /**
   * The even ({@code parity} 0) and odd (1) halves of {@code samples}, all finite, ascending into
   * the first {@code n / 2} (odd) or {@code (n + 1) / 2} (even) values of the two outputs, and the
   * new order kept.
   */
  void sortHalves(double[] samples, double[] evenOut, double[] oddOut, Scratch scratch) {
    int n = samples.length;
    boolean reuse = count == n;
    if (even.length < (n + 1) / 2 || odd.length < n / 2) {
      even = new char[(n + 1) / 2];
      odd = new char[n / 2];
    }
    scratch.ensure((n + 1) / 2);
    sortHalf(samples, 0, evenOut, even, reuse, scratch);
    sortHalf(samples, 1, oddOut, odd, reuse, scratch);
    count = n;
  }

  /** The samples at positions {@code parity + 2 k}, gathered in the kept order and sorted. */
  private static void sortHalf(
      double[] samples, int parity, double[] out, char[] order, boolean reuse, Scratch scratch) {
    int m = (samples.length + 1 - parity) / 2;
    if (!reuse) {
      for (int k = 0; k < m; k++) {
        order[k] = (char) k;
      }
    }
    for (int k = 0; k < m; k++) {
      out[k] = samples[parity + 2 * order[k]];
    }
    long budget = (long) MOVES_PER_VALUE * m;
    long moves = 0;
    for (int i = 1; i < m; i++) {
      double v = out[i];
      char c = order[i];
      int j = i - 1;
      while (j >= 0 && Double.compare(out[j], v) > 0) {
        out[j + 1] = out[j];
        order[j + 1] = order[j];
        j--;
      }
      out[j + 1] = v;
      order[j + 1] = c;
      moves += i - 1 - j;
      if (moves > budget) {
        mergeSort(out, order, m, scratch);
        return;
      }
    }
  }

  /**
   * Stable merge sort of the first m values (with their indices), {@link Double#compare} order:
   * runs of {@link #RUN} sorted by insertion, then merged bottom-up (a pair of runs already in
   * order is copied as is).
   */
  private static void mergeSort(double[] a, char[] ia, int m, Scratch scratch) {
    for (int lo = 0; lo < m; lo += RUN) {
      insertionSort(a, ia, lo, Math.min(lo + RUN, m));
    }
    double[] b = scratch.values;
    char[] ib = scratch.indices;
    for (int width = RUN; width < m; width *= 2) {
      for (int lo = 0; lo < m; lo += 2 * width) {
        int mid = Math.min(lo + width, m);
        int hi = Math.min(lo + 2 * width, m);
        if (mid == hi || Double.compare(a[mid - 1], a[mid]) <= 0) {
          System.arraycopy(a, lo, b, lo, hi - lo);
          System.arraycopy(ia, lo, ib, lo, hi - lo);
          continue;
        }
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
          if (j >= hi || (i < mid && Double.compare(a[i], a[j]) <= 0)) {
            b[k] = a[i];
            ib[k] = ia[i++];
          } else {
            b[k] = a[j];
            ib[k] = ia[j++];
          }
        }
      }
      double[] t = a;
      a = b;
      b = t;
      char[] it = ia;
      ia = ib;
      ib = it;
    }
    if (a
        == scratch
            .values) { // the last pass wrote the scratch: back into the caller's arrays (now b, ib)
      System.arraycopy(a, 0, b, 0, m);
      System.arraycopy(ia, 0, ib, 0, m);
    }
  }

  /** Insertion sort of a[lo, hi) with its indices. */
  private static void insertionSort(double[] a, char[] ia, int lo, int hi) {
    for (int i = lo + 1; i < hi; i++) {
      double v = a[i];
      char c = ia[i];
      int j = i - 1;
      while (j >= lo && Double.compare(a[j], v) > 0) {
        a[j + 1] = a[j];
        ia[j + 1] = ia[j];
        j--;
      }
      a[j + 1] = v;
      ia[j + 1] = c;
    }
  }
}
