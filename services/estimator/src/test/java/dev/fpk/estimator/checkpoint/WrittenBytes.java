package dev.fpk.estimator.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** The bytes a writer writes to a plain {@link DataOutputStream}: the format checkpoints keep. */
final class WrittenBytes {
  private WrittenBytes() {}

  static byte[] of(StateEncoder.Writer writer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.writeTo(out);
    }
    return bytes.toByteArray();
  }
}
