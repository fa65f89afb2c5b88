package dev.fpk.trainer;

import static org.junit.jupiter.api.Assertions.*;

import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.trainer.data.Dataset;
import dev.fpk.trainer.data.ReplicaBatcher;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EnsembleTrainerTest {
  private static final List<String> DEFAULT_LAYERS =
      List.of("enc1", "enc2", "bottleneck", "dec1", "dec2");

  private static TrainerSettings small() {
    return TrainerSettings.defaults()
        .withReplicas(6)
        .withInputDim(10)
        .withDatasetSize(512)
        .withProbeSize(16);
  }

  @Test
  void layerNamesAndShapes() {
    try (EnsembleTrainer t = new EnsembleTrainer(TrainerSettings.defaults().withReplicas(2))) {
      assertEquals(DEFAULT_LAYERS, t.layerNames());
      assertArrayEquals(new int[] {16, 32}, t.shape("enc1"));
      assertArrayEquals(new int[] {2, 16}, t.shape("enc2"));
      assertArrayEquals(new int[] {2, 2}, t.shape("bottleneck"));
      assertArrayEquals(new int[] {16, 2}, t.shape("dec1"));
      assertArrayEquals(new int[] {32, 16}, t.shape("dec2"));
      assertEquals(4, t.weights("bottleneck", 1).length);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> t.weights("conv1", 0));
      assertTrue(e.getMessage().startsWith("layer"));
      assertThrows(IllegalArgumentException.class, () -> t.weights("enc1", 2));
    }
    assertEquals(
        List.of("enc1", "enc2", "dec1", "dec2"),
        new Architecture(new int[] {8, 4, 2, 4, 8}).names());
    assertEquals(
        List.of("enc1", "bottleneck", "dec1"), new Architecture(new int[] {8, 3, 3, 8}).names());
  }

  @Test
  void xavierUniformInitialisationIsWithinBounds() {
    try (EnsembleTrainer t = new EnsembleTrainer(small())) {
      for (String layer : t.layerNames()) {
        int[] sh = t.shape(layer);
        double a = Math.sqrt(6.0 / (sh[0] + sh[1]));
        for (int r = 0; r < 6; r++) {
          for (float w : t.weights(layer, r)) assertTrue(Math.abs(w) <= a);
          for (float b : t.bias(layer, r)) assertEquals(0f, b);
        }
      }
    }
  }

  @Test
  void lossDecreasesOnTheManifold() {
    try (EnsembleTrainer t = new EnsembleTrainer(TrainerSettings.defaults().withReplicas(8))) {
      double first = 0, last = 0;
      for (int i = 0; i < 600; i++) {
        t.step();
        if (i < 20) first += t.meanLoss();
        if (i >= 580) last += t.meanLoss();
      }
      assertEquals(600, t.currentStep());
      assertTrue(last < 0.7 * first, "loss " + first / 20 + " -> " + last / 20);
      for (double l : t.losses()) assertTrue(Double.isFinite(l) && l > 0);
    }
  }

  @Test
  void sameSettingsGiveBitIdenticalSnapshots() {
    TrainerSettings s = small().withOptimizer("adam").withLearningRate(0.01);
    byte[][] runs = new byte[3][];
    int k = 0;
    for (TrainerSettings variant : List.of(s.withThreads(1), s.withThreads(1), s.withThreads(3))) {
      try (EnsembleTrainer t = new EnsembleTrainer(variant)) {
        t.steps(40);
        StringBuilder ignored = new StringBuilder();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (WeightSnapshot w : t.snapshots("run-1", t.layerNames(), 1_700_000_000_000L)) {
          bytes.writeBytes(w.toByteArray());
          ignored.append(w.getLayer());
        }
        runs[k++] = bytes.toByteArray();
      }
    }
    assertArrayEquals(runs[0], runs[1]);
    assertArrayEquals(runs[0], runs[2], "thread count does not change results");
    try (EnsembleTrainer t = new EnsembleTrainer(s.withSeed(2))) {
      t.steps(40);
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      for (WeightSnapshot w : t.snapshots("run-1", t.layerNames(), 1_700_000_000_000L))
        bytes.writeBytes(w.toByteArray());
      assertFalse(Arrays.equals(runs[0], bytes.toByteArray()), "another seed trains differently");
    }
  }

  @Test
  void nd4jBackendIsDeterministicToo() {
    TrainerSettings s = small().withBackend(Backend.ND4J).withOptimizer("momentum");
    List<WeightSnapshot> a, b;
    try (EnsembleTrainer t = new EnsembleTrainer(s)) {
      t.steps(25);
      a = t.snapshots("r", List.of("bottleneck", "dec2"), 5L);
    }
    try (EnsembleTrainer t = new EnsembleTrainer(s)) {
      t.steps(25);
      b = t.snapshots("r", List.of("bottleneck", "dec2"), 5L);
    }
    assertEquals(a, b);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "sgd,tanh,0.1",
    "momentum,tanh,0.05",
    "adam,tanh,0.01",
    "sgd,relu,0.05",
    "sgd,linear,0.05"
  })
  void nd4jAndPlainBackendsAgree(String optimizer, String activation, double lr) {
    TrainerSettings s =
        small().withOptimizer(optimizer).withActivation(activation).withLearningRate(lr);
    try (EnsembleTrainer plain = new EnsembleTrainer(s.withBackend(Backend.PLAIN));
        EnsembleTrainer nd4j = new EnsembleTrainer(s.withBackend(Backend.ND4J))) {
      for (int i = 0; i < 30; i++) {
        plain.step();
        nd4j.step();
        double[] lp = plain.losses(), ln = nd4j.losses();
        for (int r = 0; r < lp.length; r++)
          assertEquals(lp[r], ln[r], 1e-4 * (1 + lp[r]), "loss at step " + i);
      }
      for (String layer : plain.layerNames())
        for (int r = 0; r < 6; r++) {
          assertArrayEquals(
              plain.weights(layer, r), nd4j.weights(layer, r), 2e-4f, layer + " replica " + r);
          assertArrayEquals(plain.bias(layer, r), nd4j.bias(layer, r), 2e-4f, layer + " bias " + r);
          assertArrayEquals(
              plain.gradient(layer, r), nd4j.gradient(layer, r), 2e-4f, layer + " grad " + r);
        }
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void gradientMatchesFiniteDifferences(Backend backend) {
    TrainerSettings s =
        TrainerSettings.defaults()
            .withInputDim(5)
            .withHiddenWidths(4, 2, 2, 3)
            .withReplicas(2)
            .withBatchSize(7)
            .withDatasetSize(64)
            .withBackend(backend);
    try (EnsembleTrainer t = new EnsembleTrainer(s)) {
      Architecture arch = t.architecture();
      int L = arch.layers();
      int replica = 1;
      double[][] w = new double[L][], b = new double[L][];
      for (int l = 0; l < L; l++) {
        w[l] = toDouble(t.weights(arch.name(l), replica));
        b[l] = toDouble(t.bias(arch.name(l), replica));
      }
      // the same first minibatch the trainer draws for this replica
      Dataset data = t.dataset();
      ReplicaBatcher batcher = data.batcher(t.replicaSeed(replica), s.batchSize());
      int[] idx = batcher.nextIndices();
      t.step();
      assertEquals(loss(arch, w, b, data, idx), t.losses()[replica], 1e-5);
      for (int l = 0; l < L; l++) {
        float[] g = t.gradient(arch.name(l), replica);
        for (int e = 0; e < w[l].length; e++) {
          double h = 1e-4, keep = w[l][e];
          w[l][e] = keep + h;
          double up = loss(arch, w, b, data, idx);
          w[l][e] = keep - h;
          double down = loss(arch, w, b, data, idx);
          w[l][e] = keep;
          double fd = (up - down) / (2 * h);
          assertEquals(fd, g[e], 1e-4 + 1e-3 * Math.abs(fd), arch.name(l) + "[" + e + "]");
        }
      }
    }
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }

  /** Reference MSE in double precision with Math.tanh. */
  private static double loss(
      Architecture arch, double[][] w, double[][] b, Dataset data, int[] idx) {
    double total = 0;
    int L = arch.layers();
    for (int s : idx) {
      double[] h = new double[data.dim()];
      for (int k = 0; k < h.length; k++) h[k] = data.get(s, k);
      double[] x = h.clone();
      for (int l = 0; l < L; l++) {
        double[] z = new double[arch.out(l)];
        for (int o = 0; o < z.length; o++) {
          z[o] = b[l][o];
          for (int i = 0; i < arch.in(l); i++) z[o] += w[l][o * arch.in(l) + i] * h[i];
          if (l < L - 1) z[o] = Math.tanh(z[o]);
        }
        h = z;
      }
      for (int k = 0; k < x.length; k++) total += (h[k] - x[k]) * (h[k] - x[k]);
    }
    return total / (idx.length * data.dim());
  }

  @Test
  void snapshotCarriesEveryField() {
    TrainerSettings s = small().withLearningRate(0.07).withBatchSize(16).withSeed(100);
    try (EnsembleTrainer t = new EnsembleTrainer(s)) {
      List<WeightSnapshot> before = t.snapshots("run-a", List.of("bottleneck"), 1L);
      assertEquals(6, before.size());
      assertFalse(before.get(0).hasLoss(), "no loss before the first step");
      assertEquals(0, before.get(0).getGradientMeanCount());
      t.steps(3);
      List<WeightSnapshot> snaps = t.snapshots("run-a", List.of("bottleneck", "enc1"));
      assertEquals(12, snaps.size());
      long now = System.currentTimeMillis();
      for (int i = 0; i < snaps.size(); i++) {
        WeightSnapshot w = snaps.get(i);
        int replica = i / 2;
        String layer = i % 2 == 0 ? "bottleneck" : "enc1";
        int[] shape = t.shape(layer);
        assertEquals("run-a", w.getRunId());
        assertEquals(replica, w.getReplica());
        assertEquals(3, w.getStep());
        assertEquals(layer, w.getLayer());
        assertEquals(List.of(shape[0], shape[1]), w.getShapeList());
        assertEquals(shape[0] * shape[1], w.getValuesCount());
        float[] expected = t.weights(layer, replica);
        for (int e = 0; e < expected.length; e++) assertEquals(expected[e], w.getValues(e));
        assertEquals(0.07, w.getLearningRate());
        assertEquals(16, w.getBatchSize());
        assertTrue(Math.abs(now - w.getTimeUnixMillis()) < 60_000);
        assertTrue(w.hasLoss());
        assertEquals(t.losses()[replica], w.getLoss());
        assertEquals("sgd", w.getOptimizer());
        assertEquals(100 + replica, w.getSeed());
        assertEquals(6, w.getEnsembleSize());
        assertEquals(16 * shape[1], w.getProbeInputsCount());
        assertEquals(shape[0] * shape[1], w.getGradientMeanCount());
        assertEquals(0, w.getChunkCount());
      }
      assertThrows(IllegalArgumentException.class, () -> t.snapshots("", List.of("enc1")));
      assertThrows(IllegalArgumentException.class, () -> t.snapshots("r", List.of("nope")));
    }
  }

  @Test
  void probeInputsChainThroughTheLayers() {
    try (EnsembleTrainer t = new EnsembleTrainer(small())) {
      t.steps(10);
      assertArrayEquals(t.probeBatch(), t.probeInputs("enc1", 2));
      float[] h = t.probeInputs("bottleneck", 2);
      assertEquals(16 * 2, h.length);
      float[] w = t.weights("bottleneck", 2), b = t.bias("bottleneck", 2);
      float[] next = t.probeInputs("dec1", 2);
      for (int s = 0; s < 16; s++)
        for (int o = 0; o < 2; o++) {
          double y = b[o] + w[o * 2] * h[s * 2] + w[o * 2 + 1] * h[s * 2 + 1];
          assertEquals(Math.tanh(y), next[s * 2 + o], 1e-5);
        }
    }
  }

  @Test
  void seedingModesVaryWhatTheySay() {
    try (EnsembleTrainer t = new EnsembleTrainer(small().withSeeding(ReplicaSeeding.DATA_ORDER))) {
      assertArrayEquals(t.weights("enc1", 0), t.weights("enc1", 1), "same init");
      t.step();
      assertFalse(Arrays.equals(t.weights("enc1", 0), t.weights("enc1", 1)), "different batches");
    }
    try (EnsembleTrainer t = new EnsembleTrainer(small().withSeeding(ReplicaSeeding.INIT))) {
      assertFalse(Arrays.equals(t.weights("enc1", 0), t.weights("enc1", 1)), "different init");
    }
    TrainerSettings a = small().withSeeding(ReplicaSeeding.BOTH);
    try (EnsembleTrainer both = new EnsembleTrainer(a);
        EnsembleTrainer init = new EnsembleTrainer(a.withSeeding(ReplicaSeeding.INIT))) {
      // replica 0 of INIT and BOTH share seed + 0 for init; replica 1 differs in data order only in
      // BOTH
      assertArrayEquals(both.weights("dec2", 1), init.weights("dec2", 1));
      both.step();
      init.step();
      assertFalse(Arrays.equals(both.weights("dec2", 1), init.weights("dec2", 1)));
    }
  }

  @Test
  void mixtureDatasetAndOtherInitsTrain() {
    for (String init : TrainerSettings.INITS) {
      TrainerSettings s =
          small()
              .withDataset("mixture")
              .withInit(init)
              .withOptimizer("adam")
              .withLearningRate(0.01);
      try (EnsembleTrainer t = new EnsembleTrainer(s)) {
        t.step();
        double first = t.meanLoss();
        t.steps(300);
        assertTrue(t.meanLoss() < first, init + ": " + first + " -> " + t.meanLoss());
      }
    }
  }
}
