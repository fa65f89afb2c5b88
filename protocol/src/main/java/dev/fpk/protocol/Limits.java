package dev.fpk.protocol;

/**
 * Size limits applied to input records before and after parsing.
 *
 * @param maxValues most entries of one matrix: the product of {@code shape}, and the length of each
 *     of values, probe_inputs, gradient_mean, gradient_variance. Default 4,194,304 = 2048 x 2048. A
 *     larger claim is rejected as {@link RejectReason#TOO_LARGE} before anything of that size is
 *     allocated.
 * @param maxIdLength most characters (Unicode code points) of run_id and of layer. Default 256.
 * @param maxRecordBytes most bytes of one serialized record (Kafka value or replay-file record),
 *     checked before parsing. Default 64 MiB (a whole 2048 x 2048 matrix with both gradient fields
 *     fits; on Kafka, where messages are about 1 MB at most, large matrices travel in chunks, see
 *     {@link Chunks}).
 */
public record Limits(int maxValues, int maxIdLength, int maxRecordBytes) {

  public static final int DEFAULT_MAX_VALUES = 2048 * 2048;
  public static final int DEFAULT_MAX_ID_LENGTH = 256;
  public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

  public static final Limits DEFAULT =
      new Limits(DEFAULT_MAX_VALUES, DEFAULT_MAX_ID_LENGTH, DEFAULT_MAX_RECORD_BYTES);

  public Limits {
    if (maxValues < 1) {
      throw new IllegalArgumentException("maxValues = " + maxValues + ": must be >= 1");
    }
    if (maxIdLength < 1) {
      throw new IllegalArgumentException("maxIdLength = " + maxIdLength + ": must be >= 1");
    }
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes = " + maxRecordBytes + ": must be >= 1");
    }
  }

  public Limits withMaxValues(int v) {
    return new Limits(v, maxIdLength, maxRecordBytes);
  }

  public Limits withMaxIdLength(int v) {
    return new Limits(maxValues, v, maxRecordBytes);
  }

  public Limits withMaxRecordBytes(int v) {
    return new Limits(maxValues, maxIdLength, v);
  }

  /**
   * Longest line of a JSON Lines replay file, in bytes: 4 x maxRecordBytes (JSON numbers take about
   * four times the bytes of binary floats), at most {@code Integer.MAX_VALUE - 64}.
   */
  public int maxJsonLineBytes() {
    return (int) Math.min(4L * maxRecordBytes, Integer.MAX_VALUE - 64L);
  }
}
