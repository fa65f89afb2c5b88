package dev.fpk.protocol;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a replay file: JSONL (one {@link JsonMapping#toJson} line per snapshot, '\n' line ends,
 * UTF-8) or PB ({@code writeDelimitedTo}). Writes what it is given, without validation. Not
 * thread-safe.
 */
public final class ReplayWriter implements Closeable {
  private final OutputStream out;
  private final ReplayFormat format;
  private long count;

  private ReplayWriter(OutputStream out, ReplayFormat format) {
    this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
    this.format = Objects.requireNonNull(format, "format");
  }

  /** Creates (or truncates) a file. */
  public static ReplayWriter create(Path file, ReplayFormat format) throws IOException {
    return new ReplayWriter(Files.newOutputStream(file), format);
  }

  /**
   * Creates (or truncates) a file, its format told by the extension ({@link
   * ReplayFormat#fromPath}).
   */
  public static ReplayWriter create(Path file) throws IOException {
    return create(file, ReplayFormat.fromPath(file));
  }

  /** Writes to a stream (closed by {@link #close()}). */
  public static ReplayWriter create(OutputStream out, ReplayFormat format) {
    return new ReplayWriter(out, format);
  }

  public void write(WeightSnapshot s) throws IOException {
    switch (format) {
      case JSONL -> {
        out.write(JsonMapping.toJson(s).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      }
      case PB -> s.writeDelimitedTo(out);
    }
    count++;
  }

  public void writeAll(Iterable<WeightSnapshot> snapshots) throws IOException {
    for (WeightSnapshot s : snapshots) {
      write(s);
    }
  }

  /** Snapshots written so far. */
  public long count() {
    return count;
  }

  public ReplayFormat format() {
    return format;
  }

  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
