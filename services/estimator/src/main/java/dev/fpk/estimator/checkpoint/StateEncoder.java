package dev.fpk.estimator.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Encodes an entity's state for its checkpoint into one array, sized by the previous encoding (a
 * layer's state keeps its size from one barrier to the next). A growing stream copies a 50 MB state
 * about twice while it doubles its buffer and once more to hand it out; this copies it once, on the
 * entity's thread, where the barrier stalls the entity. One per entity; not thread-safe.
 */
public final class StateEncoder {
  /** Writes the state. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(DataOutputStream out) throws IOException;
  }

  private int lastSize = 1024;

  /** The state {@code writer} writes, as one array of exactly its size. */
  public byte[] encode(Writer writer) {
    Buffer bytes = new Buffer(lastSize);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lastSize = Math.max(1024, bytes.size());
    return bytes.exact();
  }

  /** A byte stream that hands out its buffer itself when it is exactly full. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer(int size) {
      super(size);
    }

    byte[] exact() {
      return count == buf.length ? buf : Arrays.copyOf(buf, count);
    }
  }
}
