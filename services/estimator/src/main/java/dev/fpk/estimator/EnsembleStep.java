package dev.fpk.estimator;

import java.util.Arrays;

/**
 * The weights of every replica of one (run, layer) at one optimiser step, once the step is complete
 * (every live replica has reported it).
 *
 * <p>Values are replica-major: entry {@code e} of the {@code k}-th present replica is {@code
 * values[k * entries() + e]}, in weight units. Immutable by convention: the arrays are not copied,
 * and nobody writes to them after construction.
 *
 * @param replicas the replica ids present, ascending
 * @param sourceTimeMillis wall-clock time the newest of its snapshots was taken (0 = unknown)
 * @param probeInputs the layer's inputs h on the trainers' probe batch, replica-major like values:
 *     replica k's {@code [probes(), inFeatures()]} block starts at {@code k * probes() *
 *     inFeatures()}; empty unless every present replica published the same number of them
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
    long sourceTimeMillis,
    float[] probeInputs) {

  /** A step without probe inputs. */
  public EnsembleStep(
      String runId,
      String layer,
      long step,
      int[] shape,
      int[] replicas,
      float[] values,
      double learningRate,
      int batchSize,
      long sourceTimeMillis) {
    this(
        runId,
        layer,
        step,
        shape,
        replicas,
        values,
        learningRate,
        batchSize,
        sourceTimeMillis,
        new float[0]);
  }

  /** Columns of the matrix, the length of an input h of y = W h: entries / shape[0]. */
  public int inFeatures() {
    return entries() / shape[0];
  }

  /** Probe inputs per replica; 0 without probe inputs. */
  public int probes() {
    return probeInputs.length / (replicas.length * inFeatures());
  }

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
    return "EnsembleStep["
        + runId
        + "/"
        + layer
        + " step "
        + step
        + ", shape "
        + Arrays.toString(shape)
        + ", "
        + replicas.length
        + " replicas]";
  }
}
