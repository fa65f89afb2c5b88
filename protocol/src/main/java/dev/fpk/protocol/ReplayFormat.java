package dev.fpk.protocol;

import java.nio.file.Path;
import java.util.Locale;

/** The two replay-file formats. */
public enum ReplayFormat {
  /**
   * JSON Lines: one proto3-JSON {@code WeightSnapshot} per line, UTF-8; extension {@code .jsonl}.
   */
  JSONL("jsonl"),
  /**
   * Length-delimited binary: each record is a varint byte length followed by that many bytes of a
   * serialized {@code WeightSnapshot} (protobuf's {@code writeDelimitedTo}); extension {@code .pb}.
   */
  PB("pb");

  private final String cliName;

  ReplayFormat(String cliName) {
    this.cliName = cliName;
  }

  /** {@code "jsonl"} or {@code "pb"}: the value of {@code --format} and the file extension. */
  public String cliName() {
    return cliName;
  }

  /** The file extension including the dot. */
  public String extension() {
    return "." + cliName;
  }

  /**
   * The format named {@code "jsonl"} or {@code "pb"} (case-insensitive, surrounding blanks
   * ignored).
   *
   * @throws IllegalArgumentException naming the value otherwise
   */
  public static ReplayFormat fromName(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    for (ReplayFormat f : values()) {
      if (f.cliName.equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown replay format '" + name + "': expected jsonl or pb");
  }

  /**
   * The format told by a file's extension, {@code .jsonl} or {@code .pb} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the file otherwise
   */
  public static ReplayFormat fromPath(Path file) {
    Path name = file.getFileName();
    String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    for (ReplayFormat f : values()) {
      if (n.endsWith(f.extension()) && n.length() > f.extension().length()) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "cannot tell the replay format of '"
            + file
            + "' from its extension: expected .jsonl or .pb"
            + " (or give the format explicitly: --format jsonl|pb)");
  }
}
