package dev.fpk.app.config;

import com.typesafe.config.Config;
import dev.fpk.protocol.Limits;

/** The ingest {@link Limits} from {@code fpk.ingest} (application.conf documents each key). */
public final class IngestLimits {
  private IngestLimits() {}

  /**
   * @throws IllegalArgumentException naming the key and its value when one is out of range
   */
  public static Limits fromConfig(Config config) {
    Config c = config.getConfig("fpk.ingest");
    return new Limits(
        positiveInt(c, "max-values"),
        positiveInt(c, "max-id-length"),
        positiveInt(c, "max-record-bytes"));
  }

  private static int positiveInt(Config c, String key) {
    long v = key.endsWith("-bytes") ? c.getBytes(key) : c.getLong(key);
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "fpk.ingest." + key + " = " + v + ": must be 1.." + Integer.MAX_VALUE);
    }
    return (int) v;
  }
}
