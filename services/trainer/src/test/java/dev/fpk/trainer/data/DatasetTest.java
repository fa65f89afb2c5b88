package dev.fpk.trainer.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DatasetTest {
  @Test
  void manifoldIsReproducibleFromTheSeed() {
    ManifoldDataset a = new ManifoldDataset(12, 500, 0.05, 42);
    ManifoldDataset b = new ManifoldDataset(12, 500, 0.05, 42);
    ManifoldDataset c = new ManifoldDataset(12, 500, 0.05, 43);
    assertArrayEquals(a.samples(), b.samples());
    assertFalse(Arrays.equals(a.samples(), c.samples()));
    assertEquals(500, a.size());
    assertEquals(12, a.dim());
    assertArrayEquals(a.probe(10), b.probe(10));
    assertFalse(Arrays.equals(Arrays.copyOf(a.samples(), 120), a.probe(10)), "probe is fresh data");
    for (float x : a.samples()) assertTrue(Math.abs(x) < 1.5f);
  }

  @Test
  void noiselessManifoldIsTwoDimensional() {
    // without noise every sample is sin(omega z + phi): bounded by 1 and smooth in z
    ManifoldDataset m = new ManifoldDataset(6, 300, 0.0, 3);
    for (float x : m.samples()) assertTrue(Math.abs(x) <= 1f);
    double var = 0;
    float[] s = m.samples();
    for (float x : s) var += x * x;
    assertTrue(var / s.length > 0.05, "not degenerate");
  }

  @Test
  void mixtureClustersAroundItsMeans() {
    GaussianMixtureDataset g = new GaussianMixtureDataset(8, 2000, 4, 0.05, 9);
    assertArrayEquals(g.samples(), new GaussianMixtureDataset(8, 2000, 4, 0.05, 9).samples());
    double[] means = g.means();
    for (int i = 0; i < g.size(); i++) {
      double best = Double.MAX_VALUE;
      for (int c = 0; c < 4; c++) {
        double d2 = 0;
        for (int k = 0; k < 8; k++) {
          double diff = g.get(i, k) - means[c * 8 + k];
          d2 += diff * diff;
        }
        best = Math.min(best, d2);
      }
      assertTrue(Math.sqrt(best) < 0.05 * 8, "sample " + i + " is near a mean");
    }
    assertEquals("mixture", Dataset.named("mixture", 8, 100, 0.1, 1).name());
    assertThrows(IllegalArgumentException.class, () -> Dataset.named("mnist", 8, 100, 0.1, 1));
  }

  @Test
  void batcherIsDeterministicAndCoversEachEpoch() {
    ManifoldDataset m = new ManifoldDataset(4, 100, 0.05, 1);
    ReplicaBatcher a = m.batcher(7, 10), b = m.batcher(7, 10), c = m.batcher(8, 10);
    boolean differs = false;
    for (int epoch = 0; epoch < 3; epoch++) {
      boolean[] seen = new boolean[100];
      for (int k = 0; k < 10; k++) {
        int[] ia = a.nextIndices(), ib = b.nextIndices(), ic = c.nextIndices();
        assertArrayEquals(ia, ib);
        differs |= !Arrays.equals(ia, ic);
        for (int i : ia) {
          assertFalse(seen[i], "sample drawn twice in one epoch");
          seen[i] = true;
        }
      }
    }
    assertTrue(differs, "another order seed gives another order");
  }

  @Test
  void featureMajorIsTheTransposeOfSampleMajor() {
    ManifoldDataset m = new ManifoldDataset(5, 64, 0.05, 2);
    float[] sm = new float[8 * 5], fm = new float[8 * 5];
    m.batcher(3, 8).next(sm, 0);
    m.batcher(3, 8).nextFeatureMajor(fm, 0);
    for (int bIdx = 0; bIdx < 8; bIdx++)
      for (int k = 0; k < 5; k++) assertEquals(sm[bIdx * 5 + k], fm[k * 8 + bIdx]);
  }

  @Test
  void splitMixIsFixed() {
    SplitMix64 r = new SplitMix64(0);
    // reference values of SplitMix64 seeded with 0
    assertEquals(0xe220a8397b1dcdafL, r.nextLong());
    assertEquals(0x6e789e6aa1b965f4L, r.nextLong());
    SplitMix64 g = new SplitMix64(5);
    double s = 0, s2 = 0;
    int n = 20000;
    for (int i = 0; i < n; i++) {
      double x = g.nextGaussian();
      s += x;
      s2 += x * x;
    }
    assertEquals(0, s / n, 0.03);
    assertEquals(1, s2 / n, 0.05);
  }
}
