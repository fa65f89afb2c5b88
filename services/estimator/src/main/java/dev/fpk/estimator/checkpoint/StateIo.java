package dev.fpk.estimator.checkpoint;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.fpk.estimator.EnsembleStep;
import dev.fpk.physics.grid.Grid1D;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The few encodings entity state snapshots are made of, on {@link DataOutput}: length-prefixed
 * primitive arrays (doubles as their IEEE bits, so a restore is bit for bit), nullable protobuf
 * messages as their bytes, grids as (left wall, cell width, cells), ensemble steps.
 */
public final class StateIo {
  private StateIo() {}

  public static void writeInts(DataOutput out, int[] xs) throws IOException {
    out.writeInt(xs.length);
    for (int x : xs) {
      out.writeInt(x);
    }
  }

  public static int[] readInts(DataInput in) throws IOException {
    int[] xs = new int[length(in)];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = in.readInt();
    }
    return xs;
  }

  public static void writeLongs(DataOutput out, long[] xs) throws IOException {
    out.writeInt(xs.length);
    for (long x : xs) {
      out.writeLong(x);
    }
  }

  public static long[] readLongs(DataInput in) throws IOException {
    long[] xs = new long[length(in)];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = in.readLong();
    }
    return xs;
  }

  // arrays are written in bulk, in the big-endian order of DataOutput (a call per element costs
  // more than the rest of a checkpoint, measured in bench e2e), in pieces through one scratch per
  // thread: a byte[] of each whole array, allocated per array, was as many bytes of garbage again
  // as the state itself at every checkpoint barrier

  /** Bytes of the per-thread scratch that arrays are written through. */
  static final int SCRATCH_BYTES = 8192;

  private static final ThreadLocal<ByteBuffer> SCRATCH =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(SCRATCH_BYTES));

  public static void writeFloats(DataOutput out, float[] xs) throws IOException {
    out.writeInt(xs.length);
    inPieces(out, xs.length, Float.BYTES, (b, from, n) -> b.asFloatBuffer().put(xs, from, n));
  }

  public static float[] readFloats(DataInput in) throws IOException {
    float[] xs = new float[length(in)];
    byte[] bytes = new byte[Math.multiplyExact(Float.BYTES, xs.length)];
    in.readFully(bytes);
    ByteBuffer.wrap(bytes).asFloatBuffer().get(xs);
    return xs;
  }

  public static void writeDoubles(DataOutput out, double[] xs) throws IOException {
    writeDoubles(out, xs, xs.length);
  }

  /** The first {@code length} values of {@code xs}, written as an array of that length. */
  public static void writeDoubles(DataOutput out, double[] xs, int length) throws IOException {
    Objects.checkFromIndexSize(0, length, xs.length);
    out.writeInt(length);
    inPieces(out, length, Double.BYTES, (b, from, n) -> b.asDoubleBuffer().put(xs, from, n));
  }

  /** Puts values {@code [from, from + n)} of an array into the scratch, from its start. */
  private interface Piece {
    void put(ByteBuffer scratch, int from, int n);
  }

  /** Writes {@code length} values of {@code bytes} bytes each, a scratch-full at a time. */
  private static void inPieces(DataOutput out, int length, int bytes, Piece piece)
      throws IOException {
    ByteBuffer scratch = SCRATCH.get();
    int per = SCRATCH_BYTES / bytes;
    for (int i = 0; i < length; i += per) {
      int n = Math.min(per, length - i);
      scratch.clear();
      piece.put(scratch, i, n);
      out.write(scratch.array(), 0, n * bytes);
    }
  }

  public static double[] readDoubles(DataInput in) throws IOException {
    double[] xs = new double[length(in)];
    byte[] bytes = new byte[Math.multiplyExact(Double.BYTES, xs.length)];
    in.readFully(bytes);
    ByteBuffer.wrap(bytes).asDoubleBuffer().get(xs);
    return xs;
  }

  public static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  public static byte[] readBytes(DataInput in) throws IOException {
    byte[] b = new byte[length(in)];
    in.readFully(b);
    return b;
  }

  /** A protobuf message or null (length -1). */
  public static void writeMessage(DataOutput out, @Nullable Message m) throws IOException {
    if (m == null) {
      out.writeInt(-1);
    } else {
      writeBytes(out, m.toByteArray());
    }
  }

  public static <T extends Message> @Nullable T readMessage(DataInput in, Parser<T> parser)
      throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return parser.parseFrom(b);
  }

  public static void writeGrid(DataOutput out, Grid1D g) throws IOException {
    out.writeDouble(g.lo());
    out.writeDouble(g.width());
    out.writeInt(g.cells());
  }

  public static Grid1D readGrid(DataInput in) throws IOException {
    return Grid1D.ofWidth(in.readDouble(), in.readDouble(), in.readInt());
  }

  /**
   * A step or null, without its probe inputs (the estimator, its only user, does not keep them).
   */
  public static void writeStep(DataOutput out, @Nullable EnsembleStep s) throws IOException {
    out.writeBoolean(s != null);
    if (s == null) {
      return;
    }
    out.writeUTF(s.runId());
    out.writeUTF(s.layer());
    out.writeLong(s.step());
    writeInts(out, s.shape());
    writeInts(out, s.replicas());
    writeFloats(out, s.values());
    out.writeDouble(s.learningRate());
    out.writeInt(s.batchSize());
    out.writeLong(s.sourceTimeMillis());
  }

  public static @Nullable EnsembleStep readStep(DataInput in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    return new EnsembleStep(
        in.readUTF(),
        in.readUTF(),
        in.readLong(),
        readInts(in),
        readInts(in),
        readFloats(in),
        in.readDouble(),
        in.readInt(),
        in.readLong());
  }

  private static int length(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative array length " + n + " in a state snapshot");
    }
    return n;
  }
}
