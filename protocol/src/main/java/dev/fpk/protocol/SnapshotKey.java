package dev.fpk.protocol;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The Kafka key of every fpk record: run id and layer, so that all records of one (run, layer) land
 * on one partition in order.
 *
 * <p>Format: {@code escape(run_id) + "/" + layer}, UTF-8 encoded, where {@code escape} replaces
 * {@code '%'} by {@code "%25"} and {@code '/'} by {@code "%2F"} (nothing else). The key is split at
 * its first {@code '/'}; the layer is taken verbatim and may itself contain {@code '/'}. So {@code
 * ("a/b", "enc/0")} has key {@code "a%2Fb/enc/0"}, and a run id without '/' or '%' (the common
 * case) appears unchanged.
 */
public record SnapshotKey(String runId, String layer) {

  public SnapshotKey {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(layer, "layer");
  }

  /** The key string {@code escape(runId) + "/" + layer}. */
  public static String of(String runId, String layer) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(layer, "layer");
    return escape(runId) + "/" + layer;
  }

  /** The key string of a snapshot's run id and layer. */
  public static String of(WeightSnapshot s) {
    return of(s.getRunId(), s.getLayer());
  }

  /** The UTF-8 key bytes of a snapshot, as sent to Kafka. */
  public static byte[] bytes(WeightSnapshot s) {
    return of(s).getBytes(StandardCharsets.UTF_8);
  }

  /** The UTF-8 key bytes of a run id and layer (for estimates, densities, alignment). */
  public static byte[] bytes(String runId, String layer) {
    return of(runId, layer).getBytes(StandardCharsets.UTF_8);
  }

  /** This key as a string. */
  public String key() {
    return of(runId, layer);
  }

  /**
   * Parses a key string.
   *
   * @throws IllegalArgumentException naming the key if it has no '/' or a bad escape in the run id
   */
  public static SnapshotKey parse(String key) {
    Objects.requireNonNull(key, "key");
    int slash = key.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("key '" + key + "' has no '/': expected <run_id>/<layer>");
    }
    return new SnapshotKey(unescape(key.substring(0, slash), key), key.substring(slash + 1));
  }

  /** Parses UTF-8 key bytes. */
  public static SnapshotKey parse(byte[] key) {
    return parse(new String(key, StandardCharsets.UTF_8));
  }

  static String escape(String runId) {
    if (runId.indexOf('%') < 0 && runId.indexOf('/') < 0) {
      return runId;
    }
    StringBuilder b = new StringBuilder(runId.length() + 8);
    for (int i = 0; i < runId.length(); i++) {
      char c = runId.charAt(i);
      switch (c) {
        case '%' -> b.append("%25");
        case '/' -> b.append("%2F");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String unescape(String escaped, String key) {
    if (escaped.indexOf('%') < 0) {
      return escaped;
    }
    StringBuilder b = new StringBuilder(escaped.length());
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c != '%') {
        b.append(c);
        continue;
      }
      String code = i + 3 <= escaped.length() ? escaped.substring(i + 1, i + 3) : "";
      if (code.equalsIgnoreCase("25")) {
        b.append('%');
      } else if (code.equalsIgnoreCase("2F")) {
        b.append('/');
      } else {
        throw new IllegalArgumentException(
            "key '"
                + key
                + "' has a bad escape at index "
                + i
                + ": only %25 and %2F are allowed in the run id");
      }
      i += 2;
    }
    return b.toString();
  }
}
