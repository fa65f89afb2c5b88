package dev.fpk.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoadgenCommandTest {

  @Test
  void shouldReadShapesAxB() {
    assertArrayEquals(new int[] {256, 128}, LoadgenCommand.parseShape("256x128"));
    assertArrayEquals(new int[] {2, 2}, LoadgenCommand.parseShape("2X2"));
  }

  @Test
  void shouldNameTheBadShape() {
    for (String bad : new String[] {"256", "0x4", "axb", "2x2x2", "-1x3"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> LoadgenCommand.parseShape(bad));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void shouldReadRatesPerSecond() {
    LoadgenCommand.RateConverter rates = new LoadgenCommand.RateConverter();
    assertEquals(200.0, rates.convert("200/s"));
    assertEquals(1.5, rates.convert("1.5"));
    assertThrows(IllegalArgumentException.class, () -> rates.convert("0/s"));
    assertThrows(IllegalArgumentException.class, () -> rates.convert("fast"));
  }
}
