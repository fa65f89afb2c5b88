package dev.fpk.dashboard.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.jspecify.annotations.Nullable;

/**
 * One client's view of the store as events: on every poll, a {@code runs} event when runs, layers
 * or entries appeared (what the pickers list; not every step), and an {@code entry} event if the
 * chosen (run, layer) changed and has the chosen entry. The first poll sends both. Not thread-safe:
 * one per event stream.
 */
public final class EventFeed {
  private final RunStore store;
  private final LiveJson json;
  private final ObjectMapper mapper;
  private final @Nullable String run;
  private final @Nullable String layer;
  private final int entry;
  private long seenStore = -1;
  private long seenLayer = -1;
  private @Nullable String seenCatalog;

  /** Follows the run list, and the given entry if run and layer are not null. */
  public EventFeed(
      RunStore store,
      ObjectMapper mapper,
      @Nullable String run,
      @Nullable String layer,
      int entry) {
    this.store = store;
    this.mapper = mapper;
    this.json = new LiveJson(mapper);
    this.run = run;
    this.layer = layer;
    this.entry = entry;
  }

  /** The events since the last poll, oldest first; empty when nothing changed. */
  public List<ServerSentEvent> poll() {
    List<ServerSentEvent> out = new ArrayList<>(2);
    long storeVersion = store.version();
    if (storeVersion == seenStore) {
      return out;
    }
    seenStore = storeVersion;
    List<LayerSummary> summaries = store.summaries();
    String catalog = summaries.stream().map(LayerSummary::catalogKey).toList().toString();
    if (!catalog.equals(seenCatalog)) {
      seenCatalog = catalog;
      out.add(ServerSentEvent.create(write(json.runs(summaries, storeVersion)), "runs"));
    }
    if (run != null && layer != null && store.layerVersion(run, layer) != seenLayer) {
      Optional<LayerView> view = store.layer(run, layer);
      if (view.isPresent() && entry < view.get().entryCount()) {
        seenLayer = view.get().version();
        out.add(ServerSentEvent.create(write(json.entry(view.get(), entry)), "entry"));
      }
    }
    return out;
  }

  private String write(Object node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
