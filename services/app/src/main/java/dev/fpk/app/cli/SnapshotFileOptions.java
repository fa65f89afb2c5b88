package dev.fpk.app.cli;

import dev.fpk.protocol.ReplayFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The recorded snapshot file a command reads and its format: {@code publish} and {@code replay}.
 */
public final class SnapshotFileOptions {
  @Option(names = "--input", required = true, description = "Snapshot file: .jsonl or .pb")
  Path input;

  @Option(names = "--format", description = "jsonl or pb (default: from the file extension)")
  String format;

  /** The file, once it is known to be readable. */
  Path readableInput() throws IOException {
    if (!Files.isReadable(input)) {
      throw new IOException("cannot read input file " + input);
    }
    return input;
  }

  /**
   * The format given, else the one the file's extension names; IllegalArgumentException if neither
   * is known.
   */
  ReplayFormat format() {
    return format == null ? ReplayFormat.fromPath(input) : ReplayFormat.fromName(format);
  }
}
