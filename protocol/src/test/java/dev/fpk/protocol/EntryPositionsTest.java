package dev.fpk.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fpk.protocol.v1.AlignmentUpdate;
import dev.fpk.protocol.v1.EntryAlignment;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryPositionsTest {
  /** A 3x4 layer's alignment: entries in row-major order. */
  private static final AlignmentUpdate LAYER = layer(3, 4);

  @Test
  void findsAnEntryOfTheCurvesAtItsPositionInTheAlignment() {
    // curves of every 5th entry: positions 0, 5, 10 of the alignment are [0,0], [1,1], [2,2]
    assertEquals(5, EntryPositions.find(LAYER, List.of(1, 1), 1));
    assertEquals(10, EntryPositions.find(LAYER, List.of(2, 2), 2));
  }

  @Test
  void aRightHintIsTakenAsItIs() {
    assertEquals(7, EntryPositions.find(LAYER, List.of(1, 3), 7));
  }

  @Test
  void anEntryTheAlignmentDoesNotHaveIsNotFound() {
    assertEquals(-1, EntryPositions.find(LAYER, List.of(3, 0), 0));
    assertEquals(-1, EntryPositions.find(LAYER, List.of(0), 0));
  }

  @Test
  void aHintOutsideTheAlignmentFallsBackToTheSearch() {
    assertEquals(11, EntryPositions.find(LAYER, List.of(2, 3), 99));
    assertEquals(0, EntryPositions.find(LAYER, List.of(0, 0), -1));
  }

  private static AlignmentUpdate layer(int rows, int cols) {
    AlignmentUpdate.Builder a = AlignmentUpdate.newBuilder();
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        a.addEntries(EntryAlignment.newBuilder().addIndex(i).addIndex(j));
      }
    }
    return a.build();
  }
}
