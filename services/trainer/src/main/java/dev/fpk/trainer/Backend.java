package dev.fpk.trainer;

/**
 * Which compute kernel runs the batched forward and backward pass. Both train the same model from
 * the same initial weights and minibatches and agree to float rounding (a test checks it); neither
 * is bit-identical to the other, each is bit-reproducible on its own.
 */
public enum Backend {
  /**
   * Hand-written loops on {@code float[]}, replica-parallel over a small thread pool. For these
   * tiny matrices (2x2 .. 32x16) it is several times faster than ND4J, whose per-op overhead
   * dominates; see {@code TrainerBench} for the figures. Default.
   */
  PLAIN,
  /** ND4J: the R replicas as 3-D arrays, batched matmul and in-place element-wise ops. */
  ND4J
}
