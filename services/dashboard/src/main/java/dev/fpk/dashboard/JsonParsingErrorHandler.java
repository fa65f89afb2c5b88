package dev.fpk.dashboard;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests the HTTP parser refuses before any route sees them (a URI or header above the
 * parser's limits, a body above {@code fpk.dashboard.max-request-bytes}, bad framing) with the
 * API's JSON error. The parser's own 5xx answers (505 for an unknown protocol version, 501 for an
 * unknown method) describe requests no client of this API sends: they become 400, the text kept.
 * Pekko instantiates this class by name from the dashboard's server settings.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo error, LoggingAdapter log, ServerSettings settings) {
    log.debug("dashboard refused a request: {} {}", status, error.formatPretty());
    String text = error.summary().isBlank() ? status.reason() : error.summary();
    if (status.intValue() >= 500) {
      return JsonErrors.response(StatusCodes.BAD_REQUEST, "malformed request: " + text);
    }
    return JsonErrors.response(status, text);
  }
}
