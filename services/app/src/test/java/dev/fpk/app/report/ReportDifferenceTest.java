package dev.fpk.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ReportDifferenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldMeasureNumbersRelativeToTheFirstReportsMagnitude() throws Exception {
    JsonNode a = JSON.readTree("{\"x\":[{\"step\":0,\"w1\":200.0},{\"step\":1,\"w1\":0.5}]}");
    JsonNode b = JSON.readTree("{\"x\":[{\"step\":0,\"w1\":201.0},{\"step\":1,\"w1\":0.5001}]}");

    assertEquals(0.005, ReportDifference.max(a, b, "r"), 1e-12);
  }

  @Test
  void shouldNameTheStepsThatOnlyOneSeriesHas() throws Exception {
    JsonNode a = JSON.readTree("[{\"step\":0},{\"step\":1},{\"step\":2},{\"step\":3}]");
    JsonNode b = JSON.readTree("[{\"step\":0},{\"step\":2},{\"step\":3}]");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReportDifference.max(a, b, "r.a"));

    assertTrue(
        e.getMessage().endsWith("steps only in the first [1], only in the second []"),
        e.getMessage());
  }
}
