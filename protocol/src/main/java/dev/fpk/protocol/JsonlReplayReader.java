package dev.fpk.protocol;

import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** JSON Lines reader; see {@link ReplayFiles}. */
final class JsonlReplayReader implements ReplayReader {
  private static final byte[] NO_BYTES = new byte[0];

  private final InputStream in;
  private final SnapshotValidator validator;
  private final String name;
  private final int maxLine;
  private final long maxCommas;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int end;
  private boolean eof;
  private long lineNo;

  JsonlReplayReader(InputStream in, SnapshotValidator validator, String name) {
    this.in = in;
    this.validator = validator;
    this.name = name;
    this.maxLine = validator.limits().maxJsonLineBytes();
    // values, probe_inputs and the two gradient fields hold at most maxValues numbers each
    this.maxCommas = 4L * validator.limits().maxValues() + 64;
  }

  @Override
  public ReplayFormat format() {
    return ReplayFormat.JSONL;
  }

  @Override
  public ReplayItem read() throws IOException {
    while (true) {
      if (!fill()) {
        return null;
      }
      lineNo++;
      Line line = readLine();
      String where = name + ":" + lineNo;
      if (line.overLong > 0) {
        return new ReplayItem(
            lineNo,
            Validation.rejected(
                RejectReason.TOO_LARGE, "line has " + line.overLong + " bytes, at most " + maxLine),
            NO_BYTES,
            where);
      }
      byte[] raw = line.bytes;
      int from = 0;
      if (lineNo == 1
          && raw.length >= 3
          && (raw[0] & 0xff) == 0xEF
          && (raw[1] & 0xff) == 0xBB
          && (raw[2] & 0xff) == 0xBF) {
        from = 3; // UTF-8 byte order mark
      }
      if (isBlank(raw, from)) {
        continue;
      }
      return new ReplayItem(lineNo, parse(raw, from), raw, where);
    }
  }

  private Validation<WeightSnapshot> parse(byte[] raw, int from) {
    long commas = 0;
    for (int i = from; i < raw.length; i++) {
      if (raw[i] == ',') {
        commas++;
      }
    }
    if (commas > maxCommas) {
      return Validation.rejected(
          RejectReason.TOO_LARGE,
          "line has "
              + commas
              + " commas: more numbers than 4 fields of "
              + validator.limits().maxValues()
              + " values");
    }
    String json;
    try {
      json =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(raw, from, raw.length - from))
              .toString();
    } catch (CharacterCodingException e) {
      return Validation.rejected(
          RejectReason.UNPARSEABLE, "line is not valid UTF-8: " + e.getMessage());
    }
    WeightSnapshot s;
    try {
      s = JsonMapping.snapshotFromJson(json);
    } catch (IllegalArgumentException e) {
      return Validation.rejected(RejectReason.UNPARSEABLE, e.getMessage());
    }
    return validator.validate(s);
  }

  private static boolean isBlank(byte[] raw, int from) {
    for (int i = from; i < raw.length; i++) {
      byte b = raw[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private record Line(byte[] bytes, long overLong) {}

  /**
   * Reads up to the next '\n' (consumed, not returned) or the end of input; drops a trailing '\r'.
   */
  private Line readLine() throws IOException {
    byte[] acc = NO_BYTES;
    int accLen = 0;
    long total = 0;
    boolean over = false;
    while (fill()) {
      int nl = -1;
      for (int i = pos; i < end; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      int stop = nl < 0 ? end : nl;
      int n = stop - pos;
      total += n;
      if (!over && total > maxLine) {
        over = true;
        acc = NO_BYTES;
      }
      if (!over) {
        if (accLen + n > acc.length) {
          acc =
              Arrays.copyOf(
                  acc, Math.max(accLen + n, Math.min(maxLine, Math.max(64, acc.length * 2))));
        }
        System.arraycopy(buf, pos, acc, accLen, n);
        accLen += n;
      }
      pos = stop;
      if (nl >= 0) {
        pos++; // the '\n'
        break;
      }
    }
    if (over) {
      return new Line(NO_BYTES, total);
    }
    if (accLen > 0 && acc[accLen - 1] == '\r') {
      accLen--;
    }
    return new Line(accLen == acc.length ? acc : Arrays.copyOf(acc, accLen), 0);
  }

  /** True if at least one byte is buffered. */
  private boolean fill() throws IOException {
    if (pos < end) {
      return true;
    }
    if (eof) {
      return false;
    }
    int n = in.read(buf, 0, buf.length);
    while (n == 0) {
      n = in.read(buf, 0, buf.length);
    }
    if (n < 0) {
      eof = true;
      return false;
    }
    pos = 0;
    end = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
