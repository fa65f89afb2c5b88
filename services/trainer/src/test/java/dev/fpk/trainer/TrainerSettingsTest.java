package dev.fpk.trainer;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TrainerSettingsTest {
  @Test
  void defaultsAreThePaperModel() {
    TrainerSettings s = TrainerSettings.defaults();
    assertArrayEquals(new int[] {16, 2, 2, 16}, s.hiddenWidths());
    assertArrayEquals(new int[] {32, 16, 2, 2, 16, 32}, s.widths());
    assertEquals(64, s.replicas());
    assertEquals(32, s.batchSize());
    assertEquals("sgd", s.optimizer());
    assertEquals("manifold", s.dataset());
    assertEquals(ReplicaSeeding.BOTH, s.seeding());
    assertEquals("tanh", s.activation());
    assertEquals(64, s.probeSize());
    assertEquals("xavier_uniform", s.init());
    assertEquals(Backend.PLAIN, s.backend());
  }

  @Test
  void elevenArgumentConstructorFillsTheRest() {
    TrainerSettings s =
        new TrainerSettings(
            8,
            new int[] {4, 2, 2, 4},
            3,
            16,
            0.01,
            "adam",
            7L,
            "mixture",
            ReplicaSeeding.INIT,
            "relu",
            10);
    assertEquals("xavier_uniform", s.init());
    assertEquals(8, s.inputDim());
    assertEquals("adam", s.optimizer());
    assertEquals(s, s.withThreads(0));
  }

  @Test
  void withersAndValueSemantics() {
    TrainerSettings a = TrainerSettings.defaults().withHiddenWidths(8, 2, 2, 8).withSeed(5);
    TrainerSettings b = TrainerSettings.defaults().withSeed(5).withHiddenWidths(8, 2, 2, 8);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, a.withReplicas(3));
    int[] h = a.hiddenWidths();
    h[0] = 99;
    assertEquals(8, a.hiddenWidths()[0], "hiddenWidths is defensively copied");
    assertTrue(a.toString().contains("hiddenWidths=[8, 2, 2, 8]"));
  }

  @Test
  void validationNamesTheField() {
    TrainerSettings d = TrainerSettings.defaults();
    assertMessage("inputDim", () -> d.withInputDim(0));
    assertMessage("hiddenWidths", () -> d.withHiddenWidths());
    assertMessage("hiddenWidths[1]", () -> d.withHiddenWidths(4, 0));
    assertMessage("replicas", () -> d.withReplicas(0));
    assertMessage("batchSize", () -> d.withBatchSize(0));
    assertMessage("learningRate", () -> d.withLearningRate(Double.NaN));
    assertMessage("learningRate", () -> d.withLearningRate(-1));
    assertMessage("optimizer", () -> d.withOptimizer("lbfgs"));
    assertMessage("dataset", () -> d.withDataset("mnist"));
    assertMessage("seeding", () -> d.withSeeding(null));
    assertMessage("activation", () -> d.withActivation("gelu"));
    assertMessage("probeSize", () -> d.withProbeSize(0));
    assertMessage("init", () -> d.withInit("orthogonal"));
    assertMessage("datasetSize", () -> d.withDatasetSize(16));
    assertMessage("noise", () -> d.withNoise(-0.1));
    assertMessage("backend", () -> d.withBackend(null));
    assertMessage("threads", () -> d.withThreads(-1));
  }

  private static void assertMessage(String field, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().startsWith(field + " "), ex.getMessage());
  }
}
