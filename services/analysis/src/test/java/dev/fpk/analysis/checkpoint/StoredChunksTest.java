package dev.fpk.analysis.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which chunk records an entity's next manifest makes garbage: those of the checkpoint written
 * before, and whatever the loader found, never the new checkpoint's own.
 */
class StoredChunksTest {
  @Test
  void shouldSupersedeThePreviousCheckpointsChunksOnly() {
    StoredChunks stored = new StoredChunks();
    assertEquals(Set.of(), stored.replace("g|r/a", Set.of("a1", "a2")), "nothing before");
    assertEquals(Set.of("a1", "a2"), stored.replace("g|r/a", Set.of("b1", "b2")));
    assertEquals(Set.of(), stored.replace("g|r/b", Set.of("c1")), "entities kept apart");
    assertEquals(Set.of("b1", "b2"), stored.replace("g|r/a", Set.of())); // a state of one record
  }

  @Test
  void shouldAddWhatTheLoaderFindsToWhatThisNodeWrote() {
    StoredChunks stored = new StoredChunks();
    stored.replace("g|r/a", Set.of("new1", "new2"));
    // a load that read the topic before this node's newest write reached it
    stored.found("g|r/a", Set.of("old1", "cut1"));
    assertEquals(Set.of("new1", "new2", "old1", "cut1"), stored.replace("g|r/a", Set.of("n1")));
    stored.found("g|r/a", Set.of("n1"));
    assertEquals(Set.of(), stored.replace("g|r/a", Set.of("n1")), "never its own chunks");
  }
}
