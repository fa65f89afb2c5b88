package dev.fpk.protocol;

import dev.fpk.protocol.v1.WeightSnapshot;

final class TestSnapshots {
  private TestSnapshots() {}

  /** A valid rows x cols snapshot with values i * 0.5 - 1. */
  static WeightSnapshot.Builder matrix(int rows, int cols) {
    WeightSnapshot.Builder b =
        WeightSnapshot.newBuilder()
            .setRunId("run-1")
            .setReplica(3)
            .setStep(100)
            .setLayer("bottleneck")
            .addShape(rows)
            .addShape(cols)
            .setLearningRate(0.01)
            .setBatchSize(32);
    for (int i = 0; i < rows * cols; i++) {
      b.addValues(i * 0.5f - 1f);
    }
    return b;
  }

  static WeightSnapshot valid() {
    return matrix(2, 3).build();
  }
}
