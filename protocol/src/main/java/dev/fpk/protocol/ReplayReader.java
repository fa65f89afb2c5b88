package dev.fpk.protocol;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads a replay file record by record (see {@link ReplayFiles#open}). A bad record becomes a
 * rejected {@link ReplayItem} and reading goes on with the next one; only a broken framing that
 * cannot be resynchronised (a truncated or malformed length prefix in a PB file) ends the file,
 * after a last rejected item saying so. Not thread-safe.
 */
public interface ReplayReader extends Closeable, Iterable<ReplayItem> {

  /**
   * The next record, or null at the end of the file.
   *
   * @throws IOException if the underlying file cannot be read (not for bad content)
   */
  ReplayItem read() throws IOException;

  ReplayFormat format();

  /** Iterates {@link #read()}; an IOException surfaces as {@link UncheckedIOException}. */
  @Override
  default Iterator<ReplayItem> iterator() {
    return new Iterator<>() {
      private ReplayItem next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          try {
            next = read();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          done = next == null;
        }
        return next != null;
      }

      @Override
      public ReplayItem next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ReplayItem item = next;
        next = null;
        return item;
      }
    };
  }

  /** The records as a sequential stream (closing the stream does not close the reader). */
  default Stream<ReplayItem> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }
}
