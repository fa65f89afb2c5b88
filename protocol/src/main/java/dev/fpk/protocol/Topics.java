package dev.fpk.protocol;

import com.google.protobuf.Descriptors.Descriptor;
import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.DeadLetter;
import dev.fpk.protocol.v1.DensityUpdate;
import dev.fpk.protocol.v1.DriftDiffusionEstimate;
import dev.fpk.protocol.v1.SpectrumUpdate;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.List;
import java.util.Map;

/**
 * The one place for fpk's Kafka topic names (and the Kafka record headers fpk reads).
 *
 * <p>Every topic's key is {@link SnapshotKey} ({@code "<run_id>/<layer>"}, run id escaped), its
 * value one protobuf message of package {@code fpk.v1}. A schema version bump (package {@code
 * fpk.v2}) comes with new topic names ({@code fpk.snapshots.v2} ...); both can run side by side.
 * See {@code protocol/README.md}.
 */
public final class Topics {
  /**
   * Trainers (built-in, external, replay) write {@link WeightSnapshot}s; estimators and solvers
   * read.
   */
  public static final String SNAPSHOTS = "fpk.snapshots.v1";

  /** Estimators write {@link DriftDiffusionEstimate}s; solvers and the dashboard read. */
  public static final String ESTIMATES = "fpk.estimates.v1";

  /** Solvers write {@link DensityUpdate}s; the dashboard reads. */
  public static final String DENSITIES = "fpk.densities.v1";

  /** Solvers write {@link AlignmentUpdate}s; the dashboard reads. */
  public static final String ALIGNMENT = "fpk.alignment.v1";

  /**
   * The analysis's spectral stage writes {@link SpectrumUpdate}s (since v1.4); the dashboard reads.
   */
  public static final String SPECTRUM = "fpk.spectrum.v1";

  /** Any consumer writes a {@link DeadLetter} for a record it rejected; operators read. */
  public static final String DEAD_LETTER = "fpk.deadletter.v1";

  /**
   * Internal to fpk, not a message of the wire contract: the analysis checkpoints each (run,
   * layer)'s estimator and solver state here, with the snapshot offsets it covers (compacted; key
   * {@code <consumer group>|<run_id>/<layer>}; value fpk's own versioned state encoding). Not in
   * {@link #all()}, which lists the contract's topics; created compacted by fpk itself.
   */
  public static final String CHECKPOINTS = "fpk.checkpoints.v1";

  /**
   * Optional record header naming the value's message type, e.g. {@code "fpk.v1.WeightSnapshot"}. A
   * consumer that finds another value here rejects the record as {@link
   * RejectReason#UNKNOWN_VERSION}; a record without the header is read as this version.
   */
  public static final String SCHEMA_HEADER = "fpk-schema";

  private static final List<String> ALL =
      List.of(SNAPSHOTS, ESTIMATES, DENSITIES, ALIGNMENT, SPECTRUM, DEAD_LETTER);

  private static final List<String> OUTPUTS =
      List.of(ESTIMATES, DENSITIES, ALIGNMENT, SPECTRUM, DEAD_LETTER);

  private static final Map<String, Descriptor> VALUE_TYPES =
      Map.of(
          SNAPSHOTS, WeightSnapshot.getDescriptor(),
          ESTIMATES, DriftDiffusionEstimate.getDescriptor(),
          DENSITIES, DensityUpdate.getDescriptor(),
          ALIGNMENT, AlignmentUpdate.getDescriptor(),
          SPECTRUM, SpectrumUpdate.getDescriptor(),
          DEAD_LETTER, DeadLetter.getDescriptor());

  private Topics() {}

  /** All topic names, snapshots first; immutable. */
  public static List<String> all() {
    return ALL;
  }

  /**
   * What the analysis writes and its readers (the page, the reports) follow: {@link #all()} but the
   * snapshots; immutable.
   */
  public static List<String> outputs() {
    return OUTPUTS;
  }

  /**
   * The protobuf message type of a topic's values.
   *
   * @throws IllegalArgumentException naming the topic if it is not one of {@link #all()}
   */
  public static Descriptor valueType(String topic) {
    Descriptor d = VALUE_TYPES.get(topic);
    if (d == null) {
      throw new IllegalArgumentException("unknown topic '" + topic + "': one of " + ALL);
    }
    return d;
  }

  /** The value of {@link #SCHEMA_HEADER} for a topic, e.g. {@code "fpk.v1.WeightSnapshot"}. */
  public static String schemaHeaderValue(String topic) {
    return valueType(topic).getFullName();
  }
}
