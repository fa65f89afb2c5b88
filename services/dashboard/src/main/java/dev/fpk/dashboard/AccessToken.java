package dev.fpk.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The dashboard's access check when a token is configured: a request carries the token as {@code
 * Authorization: Bearer <token>}, as a {@code ?token=} parameter (the link to open the page with),
 * or in the HttpOnly, SameSite=Strict cookie that a request with the right parameter receives, so
 * the page's own requests (scripts, API, event stream) need nothing more. Anything else gets 401.
 * Tokens are compared in constant time.
 */
final class AccessToken extends AllDirectives {
  static final String COOKIE = "fpk_token";
  private final byte[] token;

  AccessToken(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** The inner route for requests that carry the token, 401 for the rest. */
  Route protect(Supplier<Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        header ->
            parameterOptional(
                "token",
                parameter ->
                    optionalCookie(
                        COOKIE,
                        cookie -> {
                          if (parameter.filter(this::matches).isPresent()) {
                            return setCookie(
                                HttpCookie.create(COOKIE, parameter.get())
                                    .withHttpOnly(true)
                                    .withSameSite(SameSite.Strict)
                                    .withPath("/"),
                                inner);
                          }
                          if (bearer(header).filter(this::matches).isPresent()
                              || cookie.map(c -> c.value()).filter(this::matches).isPresent()) {
                            return inner.get();
                          }
                          return complete(
                              HttpResponse.create()
                                  .withStatus(StatusCodes.UNAUTHORIZED)
                                  .addHeader(
                                      RawHeader.create("WWW-Authenticate", "Bearer realm=\"fpk\""))
                                  .withEntity(
                                      "{\"error\":\"this fpk dashboard needs its access token: open it with ?token=...\"}"));
                        })));
  }

  private static Optional<String> bearer(Optional<String> header) {
    return header
        .filter(h -> h.startsWith("Bearer "))
        .map(h -> h.substring("Bearer ".length()).trim());
  }

  private boolean matches(String candidate) {
    return MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
  }
}
