package dev.fpk.dashboard.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * One output record (estimate, density or alignment) as its bytes, with what places it: run id,
 * layer and step, read without parsing the rest; the whole message is parsed at its first reading
 * and then kept parsed (its bytes dropped). The report keeps only the newest of most outputs, so
 * most are never parsed: parsing every DensityUpdate and estimate on arrival took 4.5% of the CPU
 * of {@code bench e2e}. An output that arrives parsed (the live page parses to draw it) is kept as
 * it is.
 *
 * <p>The three output messages share their first fields: {@code string run_id = 1; string layer =
 * 2; int64 step = 3;}. A field met twice counts as parsing would count it (the last one), a field
 * absent is its default ("" and 0), any other field is skipped whole.
 */
final class StoredOutput<T> {
  private static final int RUN_ID = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int LAYER = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int STEP = tag(3, WireFormat.WIRETYPE_VARINT);

  final String runId;
  final String layer;
  final long step;
  private final @Nullable Parser<T> parser;
  private byte @Nullable [] bytes;
  private @Nullable T parsed;

  private StoredOutput(
      String runId,
      String layer,
      long step,
      byte @Nullable [] bytes,
      @Nullable Parser<T> parser,
      @Nullable T parsed) {
    this.runId = runId;
    this.layer = layer;
    this.step = step;
    this.bytes = bytes;
    this.parser = parser;
    this.parsed = parsed;
  }

  /** An output already parsed, with its run id, layer and step. */
  static <T> StoredOutput<T> parsed(String runId, String layer, long step, T message) {
    return new StoredOutput<>(runId, layer, step, null, null, message);
  }

  /** Reads the run id, layer and step of {@code bytes}, a record of {@code parser}'s message. */
  static <T> StoredOutput<T> of(byte[] bytes, Parser<T> parser)
      throws InvalidProtocolBufferException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    String runId = "";
    String layer = "";
    long step = 0;
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == RUN_ID) {
          runId = in.readStringRequireUtf8();
        } else if (tag == LAYER) {
          layer = in.readStringRequireUtf8();
        } else if (tag == STEP) {
          step = in.readInt64();
        } else if (!in.skipField(tag)) {
          break; // an end-group tag: as the parser, stop here
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) { // declared, but an array is never read past its end otherwise
      throw new InvalidProtocolBufferException(e);
    }
    return new StoredOutput<>(runId, layer, step, bytes, parser, null);
  }

  /** A field's tag on the wire: its number and wire type (WireFormat.makeTag is not public). */
  private static int tag(int field, int wireType) {
    return field << 3 | wireType;
  }

  /** The whole message, parsed at the first call. */
  T message() throws InvalidProtocolBufferException {
    if (parsed == null) {
      parsed = parser.parseFrom(bytes);
      bytes = null;
    }
    return parsed;
  }
}
