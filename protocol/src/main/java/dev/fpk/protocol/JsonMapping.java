package dev.fpk.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.fpk.protocol.internal.StrictJson;
import dev.fpk.protocol.v1.WeightSnapshot;

/**
 * The proto3 JSON mapping of fpk messages (protobuf-java-util {@link JsonFormat}): lowerCamelCase
 * field names ({@code runId}, {@code learningRate}), int64 as strings ({@code "step":"12"}; numbers
 * are accepted on input too), NaN and infinities as the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}, fields with default values omitted. Parsing takes strict JSON only (RFC
 * 8259, checked by {@link StrictJson} before the mapping) and ignores unknown fields (a newer
 * writer's additions).
 */
public final class JsonMapping {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private JsonMapping() {}

  /** One line of JSON, no insignificant whitespace, no line breaks. */
  public static String toJson(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      // only thrown for Any fields with unknown types, which fpk messages do not have
      throw new IllegalStateException(
          "cannot print " + message.getDescriptorForType().getFullName(), e);
    }
  }

  /**
   * Parses one proto3-JSON WeightSnapshot (no validation beyond syntax and types).
   *
   * @throws IllegalArgumentException with the parser's message if it is not one, or if the text is
   *     not strict JSON
   */
  public static WeightSnapshot snapshotFromJson(String json) {
    WeightSnapshot.Builder b = WeightSnapshot.newBuilder();
    try {
      StrictJson.check(json);
      PARSER.merge(json, b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // the JSON tokenizer reports some syntax errors as unchecked exceptions
      throw new IllegalArgumentException("not a proto3-JSON WeightSnapshot: " + e.getMessage(), e);
    }
    return b.build();
  }
}
