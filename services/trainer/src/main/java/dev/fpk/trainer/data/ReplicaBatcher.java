package dev.fpk.trainer.data;

/**
 * Minibatches for one replica: epochs over a fixed {@link Dataset} in an order shuffled
 * (Fisher-Yates) from {@code orderSeed}; a final partial batch of an epoch is dropped. The same
 * seed gives the same sequence of batches. Not thread-safe (one replica, one thread at a time).
 */
public final class ReplicaBatcher {
  private final Dataset data;
  private final int batchSize;
  private final SplitMix64 rng;
  private final int[] order;
  private int position;
  private long epoch;

  ReplicaBatcher(Dataset data, long orderSeed, int batchSize) {
    if (batchSize < 1 || batchSize > data.size())
      throw new IllegalArgumentException(
          "batchSize must be in [1, " + data.size() + "], was " + batchSize);
    this.data = data;
    this.batchSize = batchSize;
    this.rng = new SplitMix64(SplitMix64.derive(orderSeed, 0x0bde));
    this.order = new int[data.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    shuffle();
  }

  private void shuffle() {
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    position = 0;
  }

  /** Indices of the next minibatch (a fresh array). */
  public int[] nextIndices() {
    if (position + batchSize > order.length) {
      shuffle();
      epoch++;
    }
    int[] idx = new int[batchSize];
    System.arraycopy(order, position, idx, 0, batchSize);
    position += batchSize;
    return idx;
  }

  /** Next minibatch, sample-major {@code [batchSize, dim]}, into {@code dst} at {@code offset}. */
  public void next(float[] dst, int offset) {
    int d = data.dim();
    for (int idx : nextIndices()) {
      data.copySample(idx, dst, offset);
      offset += d;
    }
  }

  /**
   * Next minibatch, feature-major {@code [dim, batchSize]} (column b is sample b), into {@code dst}
   * at {@code offset}.
   */
  public void nextFeatureMajor(float[] dst, int offset) {
    int d = data.dim();
    int[] idx = nextIndices();
    for (int b = 0; b < batchSize; b++)
      for (int k = 0; k < d; k++) dst[offset + k * batchSize + b] = data.get(idx[b], k);
  }

  /** Next minibatch, feature-major: {@code rows[k][b]} is element k of sample b. */
  public void nextFeatureMajor(float[][] rows) {
    int d = data.dim();
    int[] idx = nextIndices();
    for (int b = 0; b < batchSize; b++)
      for (int k = 0; k < d; k++) rows[k][b] = data.get(idx[b], k);
  }

  public int batchSize() {
    return batchSize;
  }

  /** Completed epochs. */
  public long epoch() {
    return epoch;
  }
}
