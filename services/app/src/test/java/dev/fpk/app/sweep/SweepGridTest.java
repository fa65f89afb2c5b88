package dev.fpk.app.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SweepGridTest {

  @Test
  void shouldNameEveryRunOfTheGridUnderTheSweepsPrefixReferenceFirst() {
    SweepGrid g =
        new SweepGrid(
            "s1",
            SweepGrid.learningRates("--lr", "0.05, 0.1,1e-3"),
            SweepGrid.batchSizes("--batch", "16,32"));
    assertEquals(
        List.of(
            "s1/lr=0.05,batch=16",
            "s1/lr=0.05,batch=32",
            "s1/lr=0.1,batch=16",
            "s1/lr=0.1,batch=32",
            "s1/lr=0.001,batch=16",
            "s1/lr=0.001,batch=32"),
        g.points().stream().map(SweepGrid.Point::runId).toList());
    assertEquals(new SweepGrid.Point("s1/lr=0.05,batch=16", 0.05, 16), g.points().get(0));
  }

  @Test
  void shouldRejectBadListsNamingTheFlagAndTheValue() {
    assertMessage("--lr '': empty list", () -> SweepGrid.learningRates("--lr", ""));
    assertMessage("--lr 0.1,: an empty item", () -> SweepGrid.learningRates("--lr", "0.1,"));
    assertMessage(
        "--lr 0.05,abc: 'abc' is not a number", () -> SweepGrid.learningRates("--lr", "0.05,abc"));
    assertMessage(
        "--lr 0.05,-0.1: -0.1 must be finite and > 0",
        () -> SweepGrid.learningRates("--lr", "0.05,-0.1"));
    assertMessage("--lr 0: 0 must be finite and > 0", () -> SweepGrid.learningRates("--lr", "0"));
    assertMessage(
        "--lr NaN: NaN must be finite and > 0", () -> SweepGrid.learningRates("--lr", "NaN"));
    assertMessage(
        "--lr 0.1,1e-1: 0.1 appears twice (two runs would have one id)",
        () -> SweepGrid.learningRates("--lr", "0.1,1e-1"));
    assertMessage("--batch 16,0: 0 must be >= 1", () -> SweepGrid.batchSizes("--batch", "16,0"));
    assertMessage(
        "--batch 16,2.5: '2.5' is not an integer", () -> SweepGrid.batchSizes("--batch", "16,2.5"));
    assertMessage(
        "--sweep-id a/b: must not contain '/' (it separates the sweep from its runs)",
        () -> new SweepGrid("a/b", List.of(0.1), List.of(8)));
  }

  private static void assertMessage(String expected, Runnable r) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, r::run).getMessage());
  }
}
