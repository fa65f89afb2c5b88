package dev.fpk.dashboard.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.junit.jupiter.api.Test;

class EventFeedTest {

  private static List<String> types(List<ServerSentEvent> events) {
    return events.stream().map(e -> e.getEventType().orElse("")).toList();
  }

  @Test
  void shouldSendTheRunListOnlyWhenRunsLayersOrEntriesAppearAndTheEntryWhenItsLayerChanges()
      throws Exception {
    RunStore store = new RunStore();
    store.onAlignment(Outputs.alignment("r", "l", 1, 2, 0));
    EventFeed feed = new EventFeed(store, new ObjectMapper(), "r", "l", 1);
    assertEquals(List.of("runs", "entry"), types(feed.poll()), "the first poll sends both");
    assertEquals(List.of(), types(feed.poll()), "nothing changed, nothing sent");
    store.onAlignment(Outputs.alignment("r", "l", 2, 2, 0));
    List<ServerSentEvent> step = feed.poll();
    assertEquals(List.of("entry"), types(step), "a new step changes the entry, not the run list");
    assertEquals(2, new ObjectMapper().readTree(step.get(0).getData()).path("lastStep").asLong());
    store.onAlignment(Outputs.alignment("other", "l", 1, 2, 0));
    assertEquals(List.of("runs"), types(feed.poll()), "a new run changes the run list only");
  }

  @Test
  void shouldWaitForARunThatHasNotPublishedYet() {
    RunStore store = new RunStore();
    EventFeed feed = new EventFeed(store, new ObjectMapper(), "later", "l", 0);
    assertEquals(
        List.of("runs"), types(feed.poll()), "the (empty) run list, so the page can say it waits");
    store.onAlignment(Outputs.alignment("later", "l", 1, 1, 0));
    assertEquals(List.of("runs", "entry"), types(feed.poll()));
  }
}
