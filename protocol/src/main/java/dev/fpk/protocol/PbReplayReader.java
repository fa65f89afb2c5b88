package dev.fpk.protocol;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Length-delimited binary reader; see {@link ReplayFiles}. */
final class PbReplayReader implements ReplayReader {
  private static final byte[] NO_BYTES = new byte[0];

  private final InputStream in;
  private final SnapshotValidator validator;
  private final String name;
  private long recordNo;
  private long position;
  private boolean finished;

  PbReplayReader(InputStream in, SnapshotValidator validator, String name) {
    this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
    this.validator = validator;
    this.name = name;
  }

  @Override
  public ReplayFormat format() {
    return ReplayFormat.PB;
  }

  @Override
  public ReplayItem read() throws IOException {
    if (finished) {
      return null;
    }
    long start = position;
    int first = in.read();
    if (first < 0) {
      finished = true;
      return null;
    }
    recordNo++;
    position++;
    String where = name + " record " + recordNo + " at byte " + start;
    // varint length prefix, at most 10 bytes
    long length = first & 0x7f;
    int shift = 7;
    int b = first;
    while ((b & 0x80) != 0) {
      b = in.read();
      if (b < 0) {
        return last(
            RejectReason.TRUNCATED, "the file ends inside the length prefix", NO_BYTES, where);
      }
      position++;
      if (shift >= 63 && (b & 0x7e) != 0 || shift > 63) {
        return last(
            RejectReason.UNPARSEABLE,
            "malformed length prefix (more than 64 bits)",
            NO_BYTES,
            where);
      }
      length |= (long) (b & 0x7f) << shift;
      shift += 7;
    }
    if (length < 0 || length > validator.limits().maxRecordBytes()) {
      String claimed = length < 0 ? Long.toUnsignedString(length) : Long.toString(length);
      long skipped = skip(length < 0 ? Long.MAX_VALUE : length);
      String detail =
          "record claims " + claimed + " bytes, at most " + validator.limits().maxRecordBytes();
      if (length < 0 || skipped < length) {
        return last(
            RejectReason.TOO_LARGE,
            detail + " (and the file ends " + skipped + " bytes later)",
            NO_BYTES,
            where);
      }
      return new ReplayItem(
          recordNo, Validation.rejected(RejectReason.TOO_LARGE, detail), NO_BYTES, where);
    }
    byte[] raw = in.readNBytes((int) length);
    position += raw.length;
    if (raw.length < length) {
      return last(
          RejectReason.TRUNCATED,
          "record claims " + length + " bytes but the file ends after " + raw.length,
          raw,
          where);
    }
    return new ReplayItem(recordNo, validator.parse(raw), raw, where);
  }

  private ReplayItem last(RejectReason reason, String detail, byte[] raw, String where) {
    finished = true;
    return new ReplayItem(recordNo, Validation.rejected(reason, detail), raw, where);
  }

  private long skip(long n) throws IOException {
    long done = 0;
    while (done < n) {
      long k = in.skip(n - done);
      if (k <= 0) {
        if (in.read() < 0) {
          break;
        }
        k = 1;
      }
      done += k;
    }
    position += done;
    return done;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
