package dev.fpk.protocol.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/**
 * Checks that a text is exactly one JSON value as RFC 8259 defines it, before protobuf's {@code
 * JsonFormat} maps it: that parser reads through a lenient Gson reader, which takes unquoted and
 * single-quoted strings, comments, missing commas and trailing text without a word (a line with
 * {@code "layer": xtoy",} came out as the layer {@code xtoy"}). Jackson's streaming parser with its
 * default features is strict; duplicate names are rejected too (RFC 8259 leaves their meaning
 * open). One pass over the tokens, no tree. Thread-safe.
 */
public final class StrictJson {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // line and value sizes are bounded by the callers' own limits, not by Jackson's defaults
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          .build();

  private StrictJson() {}

  /**
   * Returns normally if {@code json} is one strict JSON value, surrounded by nothing but white
   * space.
   *
   * @throws IllegalArgumentException naming the first violation and its column
   */
  public static void check(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() == null) {
        throw new IllegalArgumentException("not strict JSON (RFC 8259): no value");
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        throw new IllegalArgumentException(
            "not strict JSON (RFC 8259): text after the value at column "
                + p.currentTokenLocation().getColumnNr());
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not strict JSON (RFC 8259): "
              + e.getOriginalMessage()
              + " at column "
              + e.getLocation().getColumnNr(),
          e);
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
  }
}
