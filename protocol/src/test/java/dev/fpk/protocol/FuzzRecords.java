package dev.fpk.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Seeded generator of hostile ingest records, shared by the validator-level fuzz ({@code
 * IngestFuzzTest}) and the Kafka-level one in the app module (through this module's test jar). Each
 * case says what it is and, where the outcome is determined by construction, the reason it must be
 * rejected with; random, truncated and bit-flipped bytes may also happen to parse and be valid, so
 * their outcome is not determined.
 */
public final class FuzzRecords {
  /** Kinds of case, in the order {@link #next(SplittableRandom, int)} numbers them. */
  public static final int KINDS = 6;

  private final String runId;
  private final String layer;

  /**
   * @param runId run id of the valid messages the cases are derived from (bit flips and truncation
   *     may change it, never into a longer one)
   * @param layer their layer
   */
  public FuzzRecords(String runId, String layer) {
    this.runId = runId;
    this.layer = layer;
  }

  /** The generator IngestFuzzTest always used: runs "run-0" to "run-4", layer "layer". */
  public static FuzzRecords standard() {
    return new FuzzRecords(null, "layer");
  }

  /**
   * One fuzz case.
   *
   * @param kind what the generator did, e.g. "bit_flipped" or "absurd:negative_step"
   * @param bytes the record value
   * @param expected the reason it must be rejected with, where that is determined
   */
  public record Case(String kind, byte[] bytes, Optional<RejectReason> expected) {}

  /**
   * A case of the given kind (0 to {@link #KINDS} - 1): random, truncated, bit-flipped, absurd,
   * unknown field, valid.
   */
  public Case next(SplittableRandom random, int kind) {
    return switch (kind) {
      case 0 ->
          new Case("random_bytes", randomBytes(random, random.nextInt(2_000)), Optional.empty());
      case 1 ->
          new Case("truncated", truncated(random, valid(random).toByteArray()), Optional.empty());
      case 2 ->
          new Case(
              "bit_flipped", bitFlipped(random, valid(random).toByteArray()), Optional.empty());
      case 3 -> absurd(random);
      // an unknown field is skipped by protobuf: the message stays valid
      case 4 ->
          new Case(
              "unknown_field",
              withUnknownField(random, valid(random).toByteArray()),
              Optional.empty());
      default -> new Case("valid", valid(random).toByteArray(), Optional.empty());
    };
  }

  /** A valid snapshot of 1 to 8 x 1 to 8 Gaussian values. */
  public WeightSnapshot valid(SplittableRandom random) {
    int rows = 1 + random.nextInt(8);
    int cols = 1 + random.nextInt(8);
    WeightSnapshot.Builder b =
        WeightSnapshot.newBuilder()
            .setRunId(runId != null ? runId : "run-" + random.nextInt(5))
            .setLayer(layer)
            .setReplica(random.nextInt(64))
            .setStep(random.nextInt(10_000))
            .addShape(rows)
            .addShape(cols)
            .setLearningRate(0.01)
            .setBatchSize(32);
    for (int k = 0; k < rows * cols; k++) {
      b.addValues((float) random.nextGaussian());
    }
    return b.build();
  }

  /** A message that parses but breaks a rule, or claims something absurd. */
  private Case absurd(SplittableRandom random) {
    WeightSnapshot.Builder b = valid(random).toBuilder();
    int what = random.nextInt(10);
    RejectReason expected =
        switch (what) {
          case 0 -> {
            b.setShape(0, -random.nextInt(1_000));
            yield RejectReason.BAD_SHAPE;
          }
          case 1 -> {
            b.clearShape().addShape(1 << 16).addShape(1 << 15); // 2^31 elements claimed
            yield RejectReason.TOO_LARGE;
          }
          case 2 -> {
            b.setValues(
                random.nextInt(b.getValuesCount()),
                random.nextBoolean()
                    ? Float.NaN
                    : random.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY);
            yield RejectReason.NON_FINITE;
          }
          case 3 -> {
            b.setStep(-1 - random.nextInt(1_000_000)); // a step going backwards past zero
            yield RejectReason.NEGATIVE_STEP;
          }
          case 4 -> {
            b.setRunId(huge(random));
            yield RejectReason.BAD_ID;
          }
          case 5 -> {
            b.setLayer(random.nextBoolean() ? "" : huge(random));
            yield RejectReason.BAD_ID;
          }
          case 6 -> {
            b.setReplica(-1 - random.nextInt(10));
            yield RejectReason.NEGATIVE_REPLICA;
          }
          case 7 -> {
            // chunk fields that may or may not be consistent: outcome not determined
            b.setChunkCount(2 + random.nextInt(5))
                .setChunkIndex(random.nextInt(10) - 2)
                .setChunkOffset(random.nextLong());
            yield null;
          }
          case 8 -> {
            b.setEnsembleSize(-1 - random.nextInt(3));
            yield RejectReason.BAD_REPLICA;
          }
          default -> {
            b.addShape(0);
            yield RejectReason.BAD_SHAPE;
          }
        };
    String[] names = {
      "bad_dimension",
      "claims_2^31",
      "non_finite",
      "negative_step",
      "huge_run_id",
      "bad_layer",
      "negative_replica",
      "chunk_fields",
      "negative_ensemble",
      "zero_dimension"
    };
    return new Case(
        "absurd:" + names[what], b.build().toByteArray(), Optional.ofNullable(expected));
  }

  private static String huge(SplittableRandom random) {
    return "x".repeat(257 + random.nextInt(100_000));
  }

  private static byte[] withUnknownField(SplittableRandom random, byte[] bytes) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(bytes);
      CodedOutputStream c = CodedOutputStream.newInstance(out);
      c.writeBytes(
          1000 + random.nextInt(1000),
          ByteString.copyFrom(randomBytes(random, random.nextInt(64))));
      c.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] truncated(SplittableRandom random, byte[] bytes) {
    return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
  }

  private static byte[] bitFlipped(SplittableRandom random, byte[] bytes) {
    byte[] out = bytes.clone();
    for (int flips = 1 + random.nextInt(8); flips > 0 && out.length > 0; flips--) {
      out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
    }
    return out;
  }

  /** {@code n} uniformly random bytes. */
  public static byte[] randomBytes(SplittableRandom random, int n) {
    byte[] out = new byte[n];
    for (int k = 0; k < n; k++) {
      out[k] = (byte) random.nextInt(256);
    }
    return out;
  }
}
