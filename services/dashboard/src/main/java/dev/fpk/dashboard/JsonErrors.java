package dev.fpk.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/**
 * The API's error answer, {@code {"error": "...", "status": n}}, for the routes' own errors, for
 * Pekko's rejections (wrong method, unknown path, body too large) and for requests too malformed to
 * reach a route ({@link JsonParsingErrorHandler}).
 */
final class JsonErrors {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonErrors() {}

  static HttpResponse response(StatusCode status, String message) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(
            HttpEntities.create(ContentTypes.APPLICATION_JSON, body(status.intValue(), message)));
  }

  /** Pekko's plain-text rejection answer as JSON, same status and headers (e.g. Allow on a 405). */
  static HttpResponse fromPlainText(HttpResponse plain) {
    String text =
        plain.entity() instanceof HttpEntity.Strict strict
            ? strict.getData().utf8String()
            : plain.status().reason();
    return plain.withEntity(
        HttpEntities.create(ContentTypes.APPLICATION_JSON, body(plain.status().intValue(), text)));
  }

  private static byte[] body(int status, String message) {
    try {
      return MAPPER.writeValueAsBytes(
          MAPPER.createObjectNode().put("error", message).put("status", status));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
