package dev.fpk.protocol;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a matrix too large for one message into chunks (fields chunk_index, chunk_count,
 * chunk_offset of WeightSnapshot); {@link ChunkAssembler} puts them back together.
 *
 * <p>Every chunk is a complete WeightSnapshot header (run_id, replica, step, layer, the full shape,
 * learning_rate, batch_size, ...) with a contiguous row-major slice of values starting at flat
 * index chunk_offset, and the same slice of gradient_mean and gradient_variance if present.
 * probe_inputs travel in chunk 0 only. The full shape in every chunk states the total size.
 */
public final class Chunks {
  /**
   * A value budget under Kafka's default message limit (about 1 MB, {@code message.max.bytes} =
   * 1,048,588): 900,000 bytes per serialized chunk leaves room for the key and headers.
   */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 900_000;

  private Chunks() {}

  /**
   * Splits into chunks of at most {@code maxValuesPerChunk} values each; a snapshot with at most
   * that many values comes back unchanged as the only element.
   *
   * @throws IllegalArgumentException if maxValuesPerChunk {@literal < 1} or the snapshot is already
   *     a chunk (chunk_count {@literal > 1})
   */
  public static List<WeightSnapshot> split(WeightSnapshot s, int maxValuesPerChunk) {
    if (maxValuesPerChunk < 1) {
      throw new IllegalArgumentException(
          "maxValuesPerChunk = " + maxValuesPerChunk + ": must be >= 1");
    }
    if (s.getChunkCount() > 1) {
      throw new IllegalArgumentException(
          "snapshot "
              + describe(s)
              + " is already chunk "
              + s.getChunkIndex()
              + " of "
              + s.getChunkCount());
    }
    int n = s.getValuesCount();
    if (n <= maxValuesPerChunk) {
      return List.of(s);
    }
    int count = (n + maxValuesPerChunk - 1) / maxValuesPerChunk;
    boolean hasMean = s.getGradientMeanCount() > 0;
    boolean hasVar = s.getGradientVarianceCount() > 0;
    WeightSnapshot header =
        s.toBuilder()
            .clearValues()
            .clearGradientMean()
            .clearGradientVariance()
            .clearProbeInputs()
            .build();
    List<WeightSnapshot> chunks = new ArrayList<>(count);
    for (int c = 0; c < count; c++) {
      int from = c * maxValuesPerChunk;
      int to = Math.min(n, from + maxValuesPerChunk);
      WeightSnapshot.Builder b =
          header.toBuilder().setChunkIndex(c).setChunkCount(count).setChunkOffset(from);
      for (int i = from; i < to; i++) {
        b.addValues(s.getValues(i));
      }
      if (hasMean) {
        for (int i = from; i < to; i++) {
          b.addGradientMean(s.getGradientMean(i));
        }
      }
      if (hasVar) {
        for (int i = from; i < to; i++) {
          b.addGradientVariance(s.getGradientVariance(i));
        }
      }
      if (c == 0) {
        b.addAllProbeInputs(s.getProbeInputsList());
      }
      chunks.add(b.build());
    }
    return chunks;
  }

  /**
   * Splits so that every serialized chunk has at most {@code maxMessageBytes} bytes (for example
   * {@link #DEFAULT_MAX_MESSAGE_BYTES}).
   *
   * @throws IllegalArgumentException if even one value per chunk does not fit (the header and
   *     probe_inputs alone exceed the budget)
   */
  public static List<WeightSnapshot> splitToBytes(WeightSnapshot s, int maxMessageBytes) {
    if (s.getSerializedSize() <= maxMessageBytes) {
      return List.of(s);
    }
    int perValue =
        4
            * (1
                + (s.getGradientMeanCount() > 0 ? 1 : 0)
                + (s.getGradientVarianceCount() > 0 ? 1 : 0));
    // header of chunk 0 (with probe inputs and chunk fields), plus a tag and up to 5 length bytes
    // per packed field
    int header =
        s.toBuilder()
                .clearValues()
                .clearGradientMean()
                .clearGradientVariance()
                .setChunkIndex(Integer.MAX_VALUE)
                .setChunkCount(Integer.MAX_VALUE)
                .setChunkOffset(Long.MAX_VALUE)
                .build()
                .getSerializedSize()
            + 3 * 6;
    int perChunk = (maxMessageBytes - header) / perValue;
    if (perChunk < 1) {
      throw new IllegalArgumentException(
          "snapshot "
              + describe(s)
              + ": header and probe_inputs take "
              + header
              + " bytes, over the budget of "
              + maxMessageBytes);
    }
    return split(s, perChunk);
  }

  static String describe(WeightSnapshot s) {
    return "(run_id="
        + s.getRunId()
        + ", replica="
        + s.getReplica()
        + ", step="
        + s.getStep()
        + ", layer="
        + s.getLayer()
        + ")";
  }
}
