package dev.fpk.trainer.bench;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TrainerBenchTest {
  @Test
  void printsOneJsonObjectWithTheFiguresTheCliReports() {
    String json = TrainerBench.run(4, 5);
    assertTrue(json.startsWith("{\"name\":\"trainer\",\"replicaStepsPerSecond\":"), json);
    assertTrue(json.contains("\"replicas\":4,"), json);
    assertTrue(json.contains("\"widths\":[32,16,2,2,16,32],"), json);
    assertTrue(json.contains("\"batchSize\":32,"), json);
    assertTrue(json.contains("\"steps\":5,"), json);
    assertTrue(json.contains("\"backend\":\"ND4J\""), json);
    assertTrue(json.endsWith("]}"), json);
    assertEquals(
        json.chars().filter(c -> c == '{').count(), json.chars().filter(c -> c == '}').count());
    assertThrows(IllegalArgumentException.class, () -> TrainerBench.run(0, 5));
  }
}
