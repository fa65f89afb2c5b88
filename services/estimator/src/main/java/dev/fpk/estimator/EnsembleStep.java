package dev.fpk.estimator;

import java.util.Arrays;

/**
 * The weights of every replica of one (run, layer) at one optimiser step, once the step is
 * complete (every live replica has reported it).
 *
 * <p>Values are replica-major: entry {@code e} of the {@code k}-th present replica is
 * {@code values[k * entries() + e]}, in weight units. Immutable by convention: the arrays are
 * not copied, and nobody writes to them after construction.
 *
 * @param replicas the replica ids present, ascending
 * @param sourceTimeMillis wall-clock time the newest of its snapshots was taken (0 = unknown)
 */
public record EnsembleStep(
    String runId,
    String layer,
    long step,
    int[] shape,
    int[] replicas,
    float[] values,
    double learningRate,
    int batchSize,
    long sourceTimeMillis) {

  /** Number of matrix entries (product of the shape). */
  public int entries() {
    return values.length / replicas.length;
  }

  /** Number of replicas present at this step. */
  public int size() {
    return replicas.length;
  }

  /** Entry {@code e} of the {@code k}-th present replica. */
  public double value(int k, int e) {
    return values[k * entries() + e];
  }

  /** The values of entry {@code e} across the present replicas: the ensemble sample. */
  public double[] samples(int e) {
    int n = entries();
    double[] out = new double[replicas.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = values[k * n + e];
    }
    return out;
  }

  /** Row-major multi-index of flat entry {@code e}, e.g. [i, j] for a matrix. */
  public int[] index(int e) {
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = e % shape[d];
      e /= shape[d];
    }
    return idx;
  }

  @Override
  public String toString() {
    return "EnsembleStep[" + runId + "/" + layer + " step " + step + ", shape " + Arrays.toString(shape)
        + ", " + replicas.length + " replicas]";
  }
}
