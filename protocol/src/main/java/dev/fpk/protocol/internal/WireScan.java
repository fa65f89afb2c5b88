package dev.fpk.protocol.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

/**
 * A pass over a serialized WeightSnapshot that reads only tags, lengths and the shape, skipping
 * everything else, so that sizes can be checked before parsing allocates anything. Counts of the
 * float fields are taken from packed lengths (bytes / 4) without touching the data.
 */
public final class WireScan {
  /** Field numbers of the float arrays and the shape in fpk.v1.WeightSnapshot. */
  public static final int SHAPE = 5;

  public static final int VALUES = 6;
  public static final int PROBE_INPUTS = 13;
  public static final int GRADIENT_MEAN = 14;
  public static final int GRADIENT_VARIANCE = 15;

  /** Most shape entries kept while scanning; a longer shape is still counted in {@link #rank}. */
  private static final int MAX_RANK_KEPT = 64;

  public long values;
  public long probeInputs;
  public long gradientMean;
  public long gradientVariance;
  public int rank;

  /**
   * Product of the shape entries seen, saturated at Long.MAX_VALUE; -1 if one is {@literal <= 0}.
   */
  public long shapeProduct = 1;

  public final int[] shapeHead = new int[MAX_RANK_KEPT];

  private WireScan() {}

  public static WireScan scan(byte[] bytes) throws InvalidProtocolBufferException {
    WireScan s = new WireScan();
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    try {
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          return s;
        }
        int field = WireFormat.getTagFieldNumber(tag);
        int type = WireFormat.getTagWireType(tag);
        if (field == SHAPE && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int limit = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0) {
            s.addDim(in.readInt32());
          }
          in.popLimit(limit);
        } else if (field == SHAPE && type == WireFormat.WIRETYPE_VARINT) {
          s.addDim(in.readInt32());
        } else if (isFloatField(field) && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int length = in.readRawVarint32();
          if (length < 0) {
            throw new InvalidProtocolBufferException("negative length of field " + field);
          }
          s.count(field, length / 4);
          in.skipRawBytes(length);
        } else if (isFloatField(field) && type == WireFormat.WIRETYPE_FIXED32) {
          s.count(field, 1);
          in.skipRawBytes(4);
        } else if (!in.skipField(tag)) {
          return s;
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (java.io.IOException e) {
      throw new InvalidProtocolBufferException(e.getMessage());
    }
  }

  private static boolean isFloatField(int field) {
    return field == VALUES
        || field == PROBE_INPUTS
        || field == GRADIENT_MEAN
        || field == GRADIENT_VARIANCE;
  }

  private void count(int field, long n) {
    switch (field) {
      case VALUES -> values += n;
      case PROBE_INPUTS -> probeInputs += n;
      case GRADIENT_MEAN -> gradientMean += n;
      default -> gradientVariance += n;
    }
  }

  private void addDim(int d) {
    if (rank < MAX_RANK_KEPT) {
      shapeHead[rank] = d;
    }
    rank++;
    if (d <= 0) {
      shapeProduct = -1;
    } else if (shapeProduct > 0) {
      try {
        shapeProduct = Math.multiplyExact(shapeProduct, (long) d);
      } catch (ArithmeticException overflow) {
        shapeProduct = Long.MAX_VALUE;
      }
    }
  }
}
