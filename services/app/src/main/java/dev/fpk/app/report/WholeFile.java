package dev.fpk.app.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a report file whole or not at all: into a temporary file beside it, then renamed over it.
 * A run stopped mid-write (Ctrl-C, SIGTERM) leaves no truncated report behind.
 */
public final class WholeFile {
  /** What writes the file's content to the path it is given. */
  public interface Writer {
    void write(Path file) throws IOException;
  }

  private WholeFile() {}

  public static void write(Path file, Writer writer) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    // not Files.createTempFile: its owner-only permissions would become the report's
    Path partial =
        dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
    try {
      writer.write(partial);
      Files.move(
          partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
