package dev.fpk.estimator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class EntrySelectionTest {
  private static final int[] FOUR_BY_SIX = {4, 6};

  @Test
  void shouldWatchEveryEntryByDefaultAndForAnEmptyText() {
    assertEquals(EntrySelection.ALL, EntrySelection.parse("all"));
    assertEquals(EntrySelection.ALL, EntrySelection.parse(" ALL "));
    assertEquals(EntrySelection.ALL, EntrySelection.parse(""), "outputs before v1.6: all");
    assertArrayEquals(range(24), EntrySelection.ALL.entries(FOUR_BY_SIX));
  }

  @Test
  void shouldWatchEverySthEntryInRowMajorOrder() {
    EntrySelection s = EntrySelection.parse("stride:5");
    assertEquals(EntrySelection.Kind.STRIDE, s.kind());
    assertArrayEquals(new int[] {0, 5, 10, 15, 20}, s.entries(FOUR_BY_SIX));
    assertArrayEquals(new int[] {0}, EntrySelection.parse("stride:100").entries(FOUR_BY_SIX));
    assertArrayEquals(range(24), EntrySelection.parse("stride:1").entries(FOUR_BY_SIX));
  }

  @Test
  void shouldWatchTheFirstRowsOrColumns() {
    assertArrayEquals(range(12), EntrySelection.parse("rows:2").entries(FOUR_BY_SIX));
    assertArrayEquals(
        range(24), EntrySelection.parse("rows:9").entries(FOUR_BY_SIX), "all rows at most");
    assertArrayEquals(
        new int[] {0, 1, 6, 7, 12, 13, 18, 19},
        EntrySelection.parse("cols:2").entries(FOUR_BY_SIX));
    assertArrayEquals(range(24), EntrySelection.parse("cols:6").entries(FOUR_BY_SIX));
    // a vector's one dimension is both its rows and its columns
    assertArrayEquals(range(3), EntrySelection.parse("rows:3").entries(new int[] {10}));
    assertArrayEquals(range(3), EntrySelection.parse("cols:3").entries(new int[] {10}));
  }

  @Test
  void shouldWatchAListSortedWithoutRepeatsAndLeaveOutIndicesBeyondTheLayer() {
    EntrySelection s = EntrySelection.parse("list: 17, 0,5,5 ,30");
    assertEquals("list:0,5,17,30", s.toString(), "canonical form");
    assertArrayEquals(new int[] {0, 5, 17}, s.entries(FOUR_BY_SIX));
    assertArrayEquals(new int[] {30}, s.beyond(FOUR_BY_SIX));
    assertEquals(0, EntrySelection.parse("stride:2").beyond(FOUR_BY_SIX).length);
  }

  @Test
  void shouldReadBackItsCanonicalForm() {
    for (String text : new String[] {"all", "stride:4", "rows:2", "cols:3", "list:0,5,17"}) {
      EntrySelection s = EntrySelection.parse(text);
      assertEquals(text, s.toString());
      assertEquals(s, EntrySelection.parse(s.toString()));
      assertEquals(s.hashCode(), EntrySelection.parse(s.toString()).hashCode());
    }
    assertEquals(EntrySelection.parse("Stride : 4"), EntrySelection.parse("stride:4"));
    assertTrue(!EntrySelection.parse("rows:4").equals(EntrySelection.parse("cols:4")));
  }

  @Test
  void shouldNameTheBadValueAndWhatIsWrong() {
    String[][] cases = {
      {"stride:0", "the stride must be >= 1, got 0"},
      {"stride:-3", "the stride must be >= 1, got -3"},
      {"stride:x", "the stride must be a whole number, got 'x'"},
      {"rows:", "the rows must be a whole number, got ''"},
      {"cols:1.5", "the columns must be a whole number, got '1.5'"},
      {"list:", "the list names no entry"},
      {"list:1,,2", "each listed entry (a row-major index) must be a whole number, got ''"},
      {"list:3,-1", "each listed entry must be >= 0, got -1"},
      {"every:4", "'every' is not one of all, stride:S, rows:K, cols:K or list:I,J,..."},
      {"some", "not one of all, stride:S, rows:K, cols:K or list:I,J,..."},
    };
    for (String[] c : cases) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> EntrySelection.parse(c[0]), c[0]);
      assertEquals("entry selection '" + c[0] + "': " + c[1], e.getMessage());
    }
  }

  @Test
  void shouldPickTheLayersSelectionByItsNameThenTheLongestPattern() {
    EntrySelections rules =
        EntrySelections.parse(
            "*=stride:2; enc*=rows:1; enc1=cols:1; enc?.bias=list:3", "--entries");
    assertEquals(EntrySelection.parse("cols:1"), rules.forLayer("enc1"), "its own name wins");
    assertEquals(EntrySelection.parse("rows:1"), rules.forLayer("enc2"));
    assertEquals(EntrySelection.parse("list:3"), rules.forLayer("enc2.bias"), "longer pattern");
    assertEquals(EntrySelection.parse("stride:2"), rules.forLayer("fc1"));
    assertEquals(EntrySelection.ALL, EntrySelections.ALL.forLayer("fc1"));
    assertEquals(
        EntrySelection.parse("stride:4"),
        EntrySelections.parse("stride:4", "--entries").forLayer("any/layer.weight"),
        "a bare selection is every layer's");
    assertEquals(
        EntrySelection.ALL,
        EntrySelections.parse("fc=rows:1", "--entries").forLayer("fc1"),
        "no wildcard, no other layer");
    assertTrue(EntrySelections.parse("", "--entries").none());
  }

  @Test
  void shouldReadTheConfigObjectOrATextOfRules() {
    EstimatorSettings fromObject =
        EstimatorSettings.fromConfig(
            ConfigFactory.parseString("fpk.entries { \"enc*\" = \"stride:4\", fc1 = \"rows:2\" }")
                .withFallback(ConfigFactory.load()));
    assertEquals(EntrySelection.parse("stride:4"), fromObject.entries().forLayer("enc2"));
    assertEquals(EntrySelection.parse("rows:2"), fromObject.entries().forLayer("fc1"));
    assertEquals(EntrySelection.ALL, fromObject.entries().forLayer("head"));
    EstimatorSettings fromText =
        EstimatorSettings.fromConfig(
            ConfigFactory.parseString("fpk.entries = \"enc*=stride:4;fc1=rows:2\"")
                .withFallback(ConfigFactory.load()));
    assertEquals(fromObject.entries(), fromText.entries());
    assertTrue(EstimatorSettings.fromConfig(ConfigFactory.load()).entries().none(), "default");
  }

  @Test
  void shouldNameTheSettingAndValueOfABadRule() {
    IllegalArgumentException object =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                EstimatorSettings.fromConfig(
                    ConfigFactory.parseString("fpk.entries { \"enc*\" = \"stride:0\" }")
                        .withFallback(ConfigFactory.load())));
    assertEquals(
        "fpk.entries.\"enc*\" = \"stride:0\": entry selection 'stride:0': the stride must be >= 1,"
            + " got 0",
        object.getMessage());
    IllegalArgumentException text =
        assertThrows(
            IllegalArgumentException.class,
            () -> EntrySelections.parse("fc1=rows:2;=list:1", "--entries"));
    assertEquals(
        "--entries = fc1=rows:2;=list:1: rule '=list:1' has no layer pattern", text.getMessage());
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () -> EntrySelections.parse("fc1=rows:2;fc1=rows:3", "--entries"));
    assertEquals(
        "--entries = fc1=rows:2;fc1=rows:3: layer pattern 'fc1' is given twice",
        twice.getMessage());
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class, () -> EntrySelections.parse("fc1=odd:2", "--entries"));
    assertEquals(
        "--entries = \"fc1=odd:2\": entry selection 'odd:2': 'odd' is not one of all, stride:S,"
            + " rows:K, cols:K or list:I,J,...",
        bad.getMessage());
  }

  private static int[] range(int n) {
    return java.util.stream.IntStream.range(0, n).toArray();
  }
}
