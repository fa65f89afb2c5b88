package dev.fpk.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DashboardSettingsTest {

  @Test
  void shouldReadTheDocumentedDefaults() {
    DashboardSettings s = DashboardSettings.fromConfig(ConfigFactory.defaultReference());
    assertEquals("127.0.0.1", s.host());
    assertEquals(8765, s.port());
    assertEquals(Duration.ofMillis(250), s.pushInterval());
  }

  @Test
  void shouldNameTheKeyAndTheBadValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DashboardSettings.fromConfig(
                    ConfigFactory.parseString("fpk.dashboard.port = 70000")
                        .withFallback(ConfigFactory.defaultReference())));
    assertTrue(
        e.getMessage().contains("fpk.dashboard.port") && e.getMessage().contains("70000"),
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DashboardSettings.fromConfig(
                ConfigFactory.parseString("fpk.dashboard.push-interval = 0s")
                    .withFallback(ConfigFactory.defaultReference())));
  }
}
