package dev.fpk.estimator.checkpoint;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encodes an entity's state for its checkpoint into one array, sized by the previous encoding with
 * room to grow (a layer's state keeps about its size from one barrier to the next). A growing
 * stream copies a 50 MB state about twice while it doubles its buffer and once more to hand it out;
 * this copies it once, on the entity's thread, where the barrier stalls the entity. One per entity;
 * not thread-safe.
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
    // a state a little larger than the last one (forecasts issued, replicas' fields grown) filled
    // a buffer of the last size exactly and doubled it at its last record, copying the whole state
    // once more (3.5% of all threads' samples in fpk bench e2e's JFR, BENCHMARKS "Ninth session")
    Buffer bytes = new Buffer(lastSize + lastSize / 8);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lastSize = Math.max(1024, bytes.count);
    return bytes.exact();
  }

  /**
   * A byte stream of one thread, so without {@link java.io.ByteArrayOutputStream}'s locks (a {@code
   * DataOutputStream}'s {@code writeInt} is four single-byte writes, each a lock there), that hands
   * out its buffer itself when it is exactly full.
   */
  static final class Buffer extends OutputStream {
    private byte[] buf;
    private int count;

    Buffer(int size) {
      buf = new byte[size];
    }

    @Override
    public void write(int b) {
      if (count == buf.length) {
        grow(count + 1);
      }
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len > buf.length - count) {
        grow(Math.addExact(count, len));
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    private void grow(int atLeast) {
      int doubled = buf.length <= Integer.MAX_VALUE / 2 ? 2 * buf.length : Integer.MAX_VALUE - 8;
      buf = Arrays.copyOf(buf, Math.max(atLeast, doubled));
    }

    byte[] exact() {
      return count == buf.length ? buf : Arrays.copyOf(buf, count);
    }
  }
}
