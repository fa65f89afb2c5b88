package dev.fpk.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.dashboard.live.EntryExport;
import dev.fpk.dashboard.live.EventFeed;
import dev.fpk.dashboard.live.LayerSummary;
import dev.fpk.dashboard.live.LayerView;
import dev.fpk.dashboard.live.LiveJson;
import dev.fpk.dashboard.live.RunStore;
import dev.fpk.dashboard.live.SpectrumJson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.javadsl.Source;
import org.jspecify.annotations.Nullable;

/**
 * The live page and its API over a {@link RunStore}:
 *
 * <ul>
 *   <li>{@code /} the page; {@code /app.js}, {@code /spectral.js}, {@code /style.css}, {@code
 *       /vendor/chart.js} its files
 *   <li>{@code GET /api/runs}: runs seen with their layers; {@code /api/runs/{run}}: one run;
 *       {@code /api/runs/{run}/layers/{layer}}: one layer's summary (entries listed in order);
 *       {@code /api/runs/{run}/layers/{layer}/entries/{n}}: everything drawn for entry n (0-based);
 *       {@code .../entries/{n}/export?format=csv|json}: every panel's data of it as a table ({@link
 *       EntryExport}) {@code /api/runs/{run}/layers/{layer}/spectrum}: the layer's spectral view
 *       ({@link SpectrumJson})
 *   <li>{@code GET /api/events?run=&layer=&entry=}: server-sent events, {@code runs} whenever
 *       anything changed and {@code entry} whenever the chosen layer did
 *   <li>{@code /metrics} and {@code /health} when given a registry
 * </ul>
 *
 * Errors are JSON {@code {"error": "..."}}: 400 for a malformed parameter, 404 for an unknown run,
 * layer, entry or path.
 */
public final class DashboardServer extends AllDirectives {
  private static final ContentType JS = ContentTypes.parse("text/javascript; charset=utf-8");
  private static final ContentType CSS = ContentTypes.parse("text/css; charset=utf-8");

  private final RunStore store;
  private final DashboardSettings settings;
  private final @Nullable PrometheusMeterRegistry registry;
  private final ObjectMapper mapper = new ObjectMapper();
  private final LiveJson json = new LiveJson(mapper);
  private final EntryExport exports = new EntryExport(mapper);
  private final WebAssets assets = WebAssets.get();
  private final byte[] appJs = assets.appJs().getBytes(StandardCharsets.UTF_8);
  private final byte[] spectralJs = assets.spectralJs().getBytes(StandardCharsets.UTF_8);
  private final byte[] styleCss = assets.styleCss().getBytes(StandardCharsets.UTF_8);
  private final byte[] chartJs = assets.chartJs().getBytes(StandardCharsets.UTF_8);

  public DashboardServer(
      RunStore store, DashboardSettings settings, @Nullable PrometheusMeterRegistry registry) {
    this.store = store;
    this.settings = settings;
    this.registry = registry;
  }

  /**
   * Binds with the parser's limits ({@code fpk.dashboard.max-request-bytes} for bodies, Pekko's
   * {@code pekko.http.parsing} limits for the URI and headers); what they refuse is answered in
   * JSON.
   */
  public CompletionStage<ServerBinding> bind(ActorSystem<?> system) {
    ServerSettings server = ServerSettings.create(system.classicSystem());
    server =
        server
            .withParserSettings(
                server.getParserSettings().withMaxContentLength(settings.maxRequestBytes()))
            .withParsingErrorHandler(JsonParsingErrorHandler.class.getName());
    return Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .withSettings(server)
        .bind(route());
  }

  public Route route() {
    Route pages =
        concat(
            pathSingleSlash(
                () ->
                    get(
                        () ->
                            complete(
                                HttpEntities.create(
                                    ContentTypes.TEXT_HTML_UTF8, assets.indexHtml())))),
            path("app.js", () -> get(() -> complete(HttpEntities.create(JS, appJs)))),
            path("spectral.js", () -> get(() -> complete(HttpEntities.create(JS, spectralJs)))),
            path("style.css", () -> get(() -> complete(HttpEntities.create(CSS, styleCss)))),
            path(
                PathMatchers.segment("vendor").slash("chart.js"),
                () -> get(() -> complete(HttpEntities.create(JS, chartJs)))));
    Route api =
        pathPrefix(
            "api",
            () ->
                concat(
                    path("events", () -> get(this::events)),
                    pathPrefix(
                        "runs",
                        () ->
                            concat(
                                pathEnd(() -> get(() -> ok(json.runs(store)))),
                                pathPrefix(PathMatchers.segment(), this::runRoutes))),
                    error(StatusCodes.NOT_FOUND, "no such API path; try /api/runs")));
    // /metrics and /health stay open for scrapers and probes; the page and its API need the token
    Route metrics = registry == null ? reject() : new MetricsServer(registry).route();
    Route page = concat(pages, api);
    Route all =
        concat(
            metrics,
            settings.token().isEmpty()
                ? page
                : new AccessToken(settings.token()).protect(() -> page));
    // every refusal in the API's JSON shape: Pekko's rejections, and a 500 (logged) should a route
    // throw
    return handleExceptions(
        ExceptionHandler.newBuilder()
            .match(
                RuntimeException.class,
                e ->
                    extractLog(
                        log -> {
                          log.error(e, "dashboard route failed");
                          return complete(
                              JsonErrors.response(
                                  StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + e));
                        }))
            .build(),
        () ->
            handleRejections(
                RejectionHandler.defaultHandler().mapRejectionResponse(JsonErrors::fromPlainText),
                () -> limitBody(all)));
  }

  /**
   * A body above fpk.dashboard.max-request-bytes is refused (413) before it is read, whatever the
   * route.
   */
  private Route limitBody(Route inner) {
    long max = settings.maxRequestBytes();
    return extractRequestEntity(
        entity -> {
          long length = entity.getContentLengthOption().orElse(0);
          if (length > max) {
            return error(
                StatusCodes.PAYLOAD_TOO_LARGE,
                "request body of "
                    + length
                    + " bytes; at most "
                    + max
                    + " (fpk.dashboard.max-request-bytes); the API takes GET requests without a body");
          }
          return withSizeLimit(max, () -> inner);
        });
  }

  private Route runRoutes(String run) {
    return concat(
        pathEnd(() -> get(() -> knownRun(run, layers -> ok(json.run(run, layers))))),
        pathPrefix(
            PathMatchers.segment("layers").slash(PathMatchers.segment()),
            layer ->
                concat(
                    pathEnd(
                        () ->
                            get(
                                () ->
                                    knownLayer(
                                        run,
                                        layer,
                                        view -> ok(json.layerSummary(view.summary()))))),
                    pathPrefix(
                        PathMatchers.segment("entries").slash(PathMatchers.segment()),
                        entry ->
                            concat(
                                pathEnd(
                                    () ->
                                        get(
                                            () ->
                                                knownEntry(
                                                    run,
                                                    layer,
                                                    entry,
                                                    (view, n) -> ok(json.entry(view, n))))),
                                path("export", () -> get(() -> export(run, layer, entry))))),
                    path(
                        "spectrum",
                        () -> get(() -> knownLayer(run, layer, view -> spectrum(run, layer)))))));
  }

  /** The layer's spectral view: {"run", "layer", "version", "spectrum", "spectrumSeries"}. */
  private Route spectrum(String run, String layer) {
    ObjectNode body = mapper.createObjectNode().put("run", run).put("layer", layer);
    store
        .spectrum(run, layer)
        .ifPresent(
            s -> {
              body.put("version", s.version());
              SpectrumJson.put(body, s.latest(), s.series());
            });
    return ok(body);
  }

  // ---- export: every panel's data of one entry as CSV or JSON ----

  /**
   * {@code ?format=csv|json} (csv when absent); run, layer and entry checked as for the entry
   * itself, the format first.
   */
  private Route export(String run, String layer, String entryText) {
    return parameterOptional(
        "format",
        name -> {
          Optional<EntryExport.Format> format = EntryExport.Format.of(name.orElse("csv"));
          if (format.isEmpty()) {
            return error(
                StatusCodes.BAD_REQUEST,
                "format must be csv or json, got '" + name.orElse("") + "'");
          }
          return knownEntry(
              run,
              layer,
              entryText,
              (view, n) -> {
                EntryExport.Format f = format.get();
                String file =
                    ("fpk-" + run + "-" + layer + "-entry" + n).replaceAll("[^A-Za-z0-9._-]", "_")
                        + "."
                        + f.extension();
                return complete(
                    HttpResponse.create()
                        .withStatus(StatusCodes.OK)
                        .addHeader(
                            RawHeader.create(
                                "Content-Disposition", "attachment; filename=\"" + file + "\""))
                        .withEntity(
                            HttpEntities.create(
                                ContentTypes.parse(f.contentType),
                                exports.write(json.entry(view, n), f))));
              });
        });
  }

  /**
   * The entry {@code entryText} names in the run's layer: 404 for an unknown run or layer, 400 if
   * not a number >= 0, 404 if the layer has no such entry.
   */
  private Route knownEntry(
      String run, String layer, String entryText, BiFunction<LayerView, Integer, Route> then) {
    return knownLayer(run, layer, view -> knownEntry(view, entryText, n -> then.apply(view, n)));
  }

  private Route knownEntry(LayerView view, String entryText, IntFunction<Route> then) {
    int entry;
    try {
      entry = Integer.parseInt(entryText);
    } catch (NumberFormatException e) {
      return error(
          StatusCodes.BAD_REQUEST, "entry must be a whole number >= 0, got '" + entryText + "'");
    }
    if (entry < 0) {
      return error(StatusCodes.BAD_REQUEST, "entry must be >= 0, got " + entry);
    }
    if (entry >= view.entryCount()) {
      return error(
          StatusCodes.NOT_FOUND,
          "layer '"
              + view.layer()
              + "' of run '"
              + view.run()
              + "' has "
              + view.entryCount()
              + " entries (0.."
              + (view.entryCount() - 1)
              + "), no entry "
              + entry);
    }
    return then.apply(entry);
  }

  private Route events() {
    return parameterOptional(
        "run",
        run ->
            parameterOptional(
                "layer",
                layer ->
                    parameterOptional(
                        "entry",
                        entryText -> {
                          int entry = 0;
                          if (entryText.isPresent()) {
                            try {
                              entry = Integer.parseInt(entryText.get());
                            } catch (NumberFormatException e) {
                              return error(
                                  StatusCodes.BAD_REQUEST,
                                  "entry must be a whole number >= 0, got '"
                                      + entryText.get()
                                      + "'");
                            }
                            if (entry < 0) {
                              return error(
                                  StatusCodes.BAD_REQUEST, "entry must be >= 0, got " + entry);
                            }
                          }
                          if (run.isPresent() != layer.isPresent()) {
                            return error(
                                StatusCodes.BAD_REQUEST, "give both run and layer, or neither");
                          }
                          // the run may not have published yet: the stream waits for it rather than
                          // failing
                          EventFeed feed =
                              new EventFeed(
                                  store, mapper, run.orElse(null), layer.orElse(null), entry);
                          Source<ServerSentEvent, NotUsed> events =
                              Source.tick(Duration.ZERO, settings.pushInterval(), "tick")
                                  .mapConcat(tick -> feed.poll())
                                  .keepAlive(settings.heartbeat(), ServerSentEvent::heartbeat)
                                  .mapMaterializedValue(cancellable -> NotUsed.getInstance());
                          return completeOK(events, EventStreamMarshalling.toEventStream());
                        })));
  }

  private Route knownRun(String run, Function<List<LayerSummary>, Route> then) {
    List<LayerSummary> layers = store.summaries(run);
    if (layers.isEmpty()) {
      return error(
          StatusCodes.NOT_FOUND, "unknown run '" + run + "'; runs seen: " + store.runIds());
    }
    return then.apply(layers);
  }

  private Route knownLayer(String run, String layer, Function<LayerView, Route> then) {
    return knownRun(
        run,
        layers -> {
          Optional<LayerView> view = store.layer(run, layer);
          if (view.isEmpty()) {
            return error(
                StatusCodes.NOT_FOUND,
                "run '"
                    + run
                    + "' has no layer '"
                    + layer
                    + "'; layers: "
                    + layers.stream().map(LayerSummary::layer).toList());
          }
          return then.apply(view.get());
        });
  }

  private Route ok(ObjectNode body) {
    return complete(
        HttpResponse.create()
            .withStatus(StatusCodes.OK)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, write(body))));
  }

  private Route error(StatusCode status, String message) {
    return complete(JsonErrors.response(status, message));
  }

  private byte[] write(ObjectNode body) {
    try {
      return mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
