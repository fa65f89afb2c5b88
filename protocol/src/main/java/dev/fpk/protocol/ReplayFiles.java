package dev.fpk.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens replay files for reading. Formats: {@link ReplayFormat}; writing: {@link ReplayWriter}.
 *
 * <p>Every record is parsed and validated with {@link SnapshotValidator} under the given {@link
 * Limits}. JSONL: blank lines are skipped, a line longer than {@link Limits#maxJsonLineBytes()} is
 * rejected as too_large without being held in memory, any other bad line is rejected and the next
 * line is read. PB: a length prefix above {@link Limits#maxRecordBytes()} is rejected as too_large
 * and its bytes skipped without allocating them; a file ending inside a record is reported as
 * truncated.
 */
public final class ReplayFiles {
  private ReplayFiles() {}

  /**
   * Opens a replay file.
   *
   * @throws NoSuchFileException if it does not exist, {@link AccessDeniedException} if it cannot be
   *     read, IOException if it is a directory or cannot be opened; each message names the file
   */
  public static ReplayReader open(Path file, ReplayFormat format, Limits limits)
      throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "replay file does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": replay file is a directory, not a file");
    }
    if (!Files.isReadable(file)) {
      throw new AccessDeniedException(file.toString(), null, "replay file is not readable");
    }
    InputStream in;
    try {
      in = Files.newInputStream(file);
    } catch (IOException e) {
      throw new IOException(file + ": cannot open replay file: " + e.getMessage(), e);
    }
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    return open(in, format, limits, name);
  }

  /** Opens a replay file, its format told by the extension ({@link ReplayFormat#fromPath}). */
  public static ReplayReader open(Path file, Limits limits) throws IOException {
    return open(file, ReplayFormat.fromPath(file), limits);
  }

  /** Opens a replay file with {@link Limits#DEFAULT}, its format told by the extension. */
  public static ReplayReader open(Path file) throws IOException {
    return open(file, Limits.DEFAULT);
  }

  /**
   * Reads a replay stream (standard input, a resource); the reader closes {@code in}.
   *
   * @param name used in {@link ReplayItem#location()}
   */
  public static ReplayReader open(InputStream in, ReplayFormat format, Limits limits, String name) {
    SnapshotValidator validator = new SnapshotValidator(limits);
    return switch (format) {
      case JSONL -> new JsonlReplayReader(in, validator, name);
      case PB -> new PbReplayReader(in, validator, name);
    };
  }
}
