package dev.fpk.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.fpk.protocol.internal.WireScan;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.List;
import java.util.StringJoiner;

/**
 * Checks input {@link WeightSnapshot}s against the rules of {@code protocol/README.md}
 * ("Validation"); every rejection names the field and the value. Stateless and thread-safe.
 *
 * <p>Rules, in the order they are checked (the first failing one is reported):
 *
 * <ol>
 *   <li>{@code too_large}: the record has more than {@link Limits#maxRecordBytes()} bytes, or (read
 *       from the wire before parsing) claims more than {@link Limits#maxValues()} entries in shape
 *       or in any float field;
 *   <li>{@code unparseable}: not a protobuf WeightSnapshot;
 *   <li>{@code bad_id}: run_id or layer empty, longer than {@link Limits#maxIdLength()} code
 *       points, or containing a control character;
 *   <li>{@code negative_step}, {@code negative_replica}, {@code bad_replica} (ensemble_size
 *       {@literal < 0}, or replica {@literal >=} a positive ensemble_size);
 *   <li>{@code bad_shape}: shape empty or a dimension {@literal <= 0}; {@code too_large}: product
 *       of shape (computed in long, overflow-safe) or number of values above maxValues;
 *   <li>{@code bad_chunk}: chunk_count {@literal < 0}; for chunk_count {@literal <= 1}, chunk_index
 *       and chunk_offset not 0; for chunk_count {@literal > 1}, chunk_index outside [0,
 *       chunk_count), chunk_offset {@literal < 0}, no values, chunk_offset + values {@literal >}
 *       product(shape), or probe_inputs outside chunk 0;
 *   <li>{@code bad_shape}: (unchunked) product(shape) != number of values; gradient_mean or
 *       gradient_variance neither empty nor as long as values; probe_inputs not a whole number of
 *       rows of product(shape[1..]) entries (for rank {@literal >= 2});
 *   <li>{@code non_finite}: NaN or infinity in values, probe_inputs, gradient_mean,
 *       gradient_variance (the detail names the index), or a non-finite learning_rate.
 * </ol>
 */
public final class SnapshotValidator {
  private final Limits limits;

  public SnapshotValidator(Limits limits) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
  }

  /** A validator with {@link Limits#DEFAULT}. */
  public SnapshotValidator() {
    this(Limits.DEFAULT);
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Parses and validates a serialized record (a Kafka value or a replay-file record). Sizes are
   * checked first on the raw bytes, so a record claiming a huge matrix is rejected without
   * allocating it.
   */
  public Validation<WeightSnapshot> parse(byte[] recordValue) {
    if (recordValue == null) {
      return Validation.rejected(RejectReason.UNPARSEABLE, "record value is null (a tombstone)");
    }
    if (recordValue.length > limits.maxRecordBytes()) {
      return Validation.rejected(
          RejectReason.TOO_LARGE,
          "record has " + recordValue.length + " bytes, at most " + limits.maxRecordBytes());
    }
    WireScan scan;
    try {
      scan = WireScan.scan(recordValue);
    } catch (InvalidProtocolBufferException e) {
      return Validation.rejected(
          RejectReason.UNPARSEABLE, "not a WeightSnapshot: " + e.getMessage());
    }
    Validation<WeightSnapshot> sizes = checkScannedSizes(scan);
    if (sizes != null) {
      return sizes;
    }
    WeightSnapshot s;
    try {
      s = WeightSnapshot.parseFrom(recordValue);
    } catch (InvalidProtocolBufferException e) {
      return Validation.rejected(
          RejectReason.UNPARSEABLE, "not a WeightSnapshot: " + e.getMessage());
    }
    return validate(s);
  }

  /**
   * Like {@link #parse(byte[])}, first checking the record's {@link Topics#SCHEMA_HEADER} value
   * (null when the record has no such header, which reads as this version): another message type is
   * rejected as {@link RejectReason#UNKNOWN_VERSION}.
   */
  public Validation<WeightSnapshot> parse(byte[] recordValue, byte[] schemaHeader) {
    if (schemaHeader != null) {
      String expected = WeightSnapshot.getDescriptor().getFullName();
      String got = new String(schemaHeader, java.nio.charset.StandardCharsets.UTF_8);
      if (!got.equals(expected)) {
        return Validation.rejected(
            RejectReason.UNKNOWN_VERSION,
            Topics.SCHEMA_HEADER + " = '" + got + "': this reader knows " + expected);
      }
    }
    return parse(recordValue);
  }

  private Validation<WeightSnapshot> checkScannedSizes(WireScan scan) {
    long max = limits.maxValues();
    if (scan.shapeProduct > max) {
      return tooLargeShape(
          scan.shapeHead, Math.min(scan.rank, scan.shapeHead.length), scan.rank, scan.shapeProduct);
    }
    String[] names = {"values", "probe_inputs", "gradient_mean", "gradient_variance"};
    long[] counts = {scan.values, scan.probeInputs, scan.gradientMean, scan.gradientVariance};
    for (int i = 0; i < names.length; i++) {
      if (counts[i] > max) {
        return Validation.rejected(
            RejectReason.TOO_LARGE, names[i] + " has " + counts[i] + " entries, at most " + max);
      }
    }
    return null;
  }

  private Validation<WeightSnapshot> tooLargeShape(int[] dims, int kept, int rank, long product) {
    StringJoiner j = new StringJoiner(", ", "[", kept < rank ? ", ...]" : "]");
    for (int i = 0; i < kept; i++) {
      j.add(Integer.toString(dims[i]));
    }
    String count = product == Long.MAX_VALUE ? "more than 2^63" : Long.toString(product);
    return Validation.rejected(
        RejectReason.TOO_LARGE,
        "shape " + j + " has " + count + " elements, at most " + limits.maxValues());
  }

  /** Validates a parsed snapshot (from Kafka, a replay file, JSON, or built in process). */
  public Validation<WeightSnapshot> validate(WeightSnapshot s) {
    Validation<WeightSnapshot> r;
    if ((r = checkId("run_id", s.getRunId())) != null
        || (r = checkId("layer", s.getLayer())) != null
        || (r = checkCounters(s)) != null
        || (r = checkShape(s)) != null
        || (r = checkChunk(s)) != null
        || (r = checkLengths(s)) != null
        || (r = checkFinite(s)) != null) {
      return r;
    }
    return Validation.accepted(s);
  }

  private Validation<WeightSnapshot> checkId(String field, String value) {
    if (value.isEmpty()) {
      return Validation.rejected(RejectReason.BAD_ID, field + " is empty");
    }
    int n = value.codePointCount(0, value.length());
    if (n > limits.maxIdLength()) {
      return Validation.rejected(
          RejectReason.BAD_ID,
          field + " has " + n + " characters, at most " + limits.maxIdLength());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        return Validation.rejected(
            RejectReason.BAD_ID,
            String.format("%s contains control character U+%04X at index %d", field, (int) c, i));
      }
    }
    return null;
  }

  private static Validation<WeightSnapshot> checkCounters(WeightSnapshot s) {
    if (s.getStep() < 0) {
      return Validation.rejected(
          RejectReason.NEGATIVE_STEP, "step = " + s.getStep() + ": must be >= 0");
    }
    if (s.getReplica() < 0) {
      return Validation.rejected(
          RejectReason.NEGATIVE_REPLICA, "replica = " + s.getReplica() + ": must be >= 0");
    }
    if (s.getEnsembleSize() < 0) {
      return Validation.rejected(
          RejectReason.BAD_REPLICA,
          "ensemble_size = " + s.getEnsembleSize() + ": must be >= 0 (0 = unknown)");
    }
    if (s.getEnsembleSize() > 0 && s.getReplica() >= s.getEnsembleSize()) {
      return Validation.rejected(
          RejectReason.BAD_REPLICA,
          "replica = "
              + s.getReplica()
              + " but ensemble_size = "
              + s.getEnsembleSize()
              + ": replica must be < ensemble_size");
    }
    return null;
  }

  private Validation<WeightSnapshot> checkShape(WeightSnapshot s) {
    if (s.getShapeCount() == 0) {
      return Validation.rejected(
          RejectReason.BAD_SHAPE, "shape is empty: at least one dimension is needed");
    }
    for (int i = 0; i < s.getShapeCount(); i++) {
      if (s.getShape(i) <= 0) {
        return Validation.rejected(
            RejectReason.BAD_SHAPE,
            "shape[" + i + "] = " + s.getShape(i) + ": every dimension must be >= 1");
      }
    }
    long product = product(s.getShapeList());
    if (product > limits.maxValues()) {
      int[] dims = s.getShapeList().stream().limit(64).mapToInt(Integer::intValue).toArray();
      return tooLargeShape(dims, dims.length, s.getShapeCount(), product);
    }
    if (s.getValuesCount() > limits.maxValues()) {
      return Validation.rejected(
          RejectReason.TOO_LARGE,
          "values has " + s.getValuesCount() + " entries, at most " + limits.maxValues());
    }
    return null;
  }

  private static Validation<WeightSnapshot> checkChunk(WeightSnapshot s) {
    int count = s.getChunkCount();
    int index = s.getChunkIndex();
    long offset = s.getChunkOffset();
    if (count < 0) {
      return Validation.rejected(
          RejectReason.BAD_CHUNK, "chunk_count = " + count + ": must be >= 0");
    }
    if (count <= 1) {
      if (index != 0) {
        return Validation.rejected(
            RejectReason.BAD_CHUNK,
            "chunk_index = "
                + index
                + " but chunk_count = "
                + count
                + ": an unchunked snapshot has chunk_index 0");
      }
      if (offset != 0) {
        return Validation.rejected(
            RejectReason.BAD_CHUNK,
            "chunk_offset = "
                + offset
                + " but chunk_count = "
                + count
                + ": an unchunked snapshot has chunk_offset 0");
      }
      return null;
    }
    if (index < 0 || index >= count) {
      return Validation.rejected(
          RejectReason.BAD_CHUNK,
          "chunk_index = " + index + ": must be in [0, chunk_count = " + count + ")");
    }
    if (offset < 0) {
      return Validation.rejected(
          RejectReason.BAD_CHUNK, "chunk_offset = " + offset + ": must be >= 0");
    }
    if (s.getValuesCount() == 0) {
      return Validation.rejected(
          RejectReason.BAD_CHUNK,
          "values is empty in chunk " + index + " of " + count + ": every chunk carries values");
    }
    long total = product(s.getShapeList());
    if (offset + s.getValuesCount() > total) {
      return Validation.rejected(
          RejectReason.BAD_CHUNK,
          "chunk_offset = "
              + offset
              + " plus "
              + s.getValuesCount()
              + " values exceeds the "
              + total
              + " elements of shape "
              + s.getShapeList());
    }
    if (count > total) {
      return Validation.rejected(
          RejectReason.BAD_CHUNK,
          "chunk_count = "
              + count
              + " exceeds the "
              + total
              + " elements of shape "
              + s.getShapeList());
    }
    if (index != 0 && s.getProbeInputsCount() > 0) {
      return Validation.rejected(
          RejectReason.BAD_CHUNK,
          "probe_inputs has "
              + s.getProbeInputsCount()
              + " entries in chunk "
              + index
              + ": only chunk 0 carries them");
    }
    return null;
  }

  private static Validation<WeightSnapshot> checkLengths(WeightSnapshot s) {
    long total = product(s.getShapeList());
    int n = s.getValuesCount();
    if (s.getChunkCount() <= 1 && total != n) {
      return Validation.rejected(
          RejectReason.BAD_SHAPE,
          "shape " + s.getShapeList() + " has " + total + " elements but values has " + n);
    }
    if (s.getGradientMeanCount() != 0 && s.getGradientMeanCount() != n) {
      return Validation.rejected(
          RejectReason.BAD_SHAPE,
          "gradient_mean has "
              + s.getGradientMeanCount()
              + " entries: must be empty or as many as values ("
              + n
              + ")");
    }
    if (s.getGradientVarianceCount() != 0 && s.getGradientVarianceCount() != n) {
      return Validation.rejected(
          RejectReason.BAD_SHAPE,
          "gradient_variance has "
              + s.getGradientVarianceCount()
              + " entries: must be empty or as many as values ("
              + n
              + ")");
    }
    if (s.getProbeInputsCount() > 0 && s.getShapeCount() >= 2) {
      long inFeatures = total / s.getShape(0);
      if (s.getProbeInputsCount() % inFeatures != 0) {
        return Validation.rejected(
            RejectReason.BAD_SHAPE,
            "probe_inputs has "
                + s.getProbeInputsCount()
                + " entries: not a multiple of in_features = "
                + inFeatures
                + " (shape "
                + s.getShapeList()
                + ")");
      }
    }
    return null;
  }

  private static Validation<WeightSnapshot> checkFinite(WeightSnapshot s) {
    for (int i = 0; i < s.getValuesCount(); i++) {
      float v = s.getValues(i);
      if (!Float.isFinite(v)) {
        return nonFinite("values", i, v, s.getChunkOffset());
      }
    }
    for (int i = 0; i < s.getProbeInputsCount(); i++) {
      if (!Float.isFinite(s.getProbeInputs(i))) {
        return nonFinite("probe_inputs", i, s.getProbeInputs(i), 0);
      }
    }
    for (int i = 0; i < s.getGradientMeanCount(); i++) {
      if (!Float.isFinite(s.getGradientMean(i))) {
        return nonFinite("gradient_mean", i, s.getGradientMean(i), s.getChunkOffset());
      }
    }
    for (int i = 0; i < s.getGradientVarianceCount(); i++) {
      if (!Float.isFinite(s.getGradientVariance(i))) {
        return nonFinite("gradient_variance", i, s.getGradientVariance(i), s.getChunkOffset());
      }
    }
    if (!Double.isFinite(s.getLearningRate())) {
      return Validation.rejected(
          RejectReason.NON_FINITE, "learning_rate = " + s.getLearningRate() + ": must be finite");
    }
    return null;
  }

  private static Validation<WeightSnapshot> nonFinite(
      String field, int i, float v, long chunkOffset) {
    String where = chunkOffset > 0 ? " (flat index " + (chunkOffset + i) + " of the matrix)" : "";
    return Validation.rejected(
        RejectReason.NON_FINITE,
        field + "[" + i + "] = " + v + ": " + field + " must be finite" + where);
  }

  /**
   * Product of the dimensions in long; Long.MAX_VALUE on overflow (callers check dims >= 1 first).
   */
  static long product(List<Integer> shape) {
    long p = 1;
    for (int d : shape) {
      try {
        p = Math.multiplyExact(p, (long) d);
      } catch (ArithmeticException overflow) {
        return Long.MAX_VALUE;
      }
    }
    return p;
  }
}
