package dev.fpk.trainer;

import dev.fpk.trainer.data.ReplicaBatcher;

/**
 * The compute engine behind {@link EnsembleTrainer}: owns parameters, gradients and optimiser
 * state.
 */
interface Kernel extends AutoCloseable {
  /**
   * One optimiser step for every replica: draws replica r's minibatch from {@code batchers[r]},
   * writes the minibatch MSE before the update into {@code losses[r]}, updates the parameters.
   */
  void step(ReplicaBatcher[] batchers, double[] losses);

  /** W of {@code layer} for {@code replica}, row-major [out, in], into dst. */
  void readWeights(int layer, int replica, float[] dst);

  /** b of {@code layer} for {@code replica}, [out], into dst. */
  void readBias(int layer, int replica, float[] dst);

  /**
   * Mean minibatch gradient of the loss w.r.t. W at the last step, row-major [out, in], into dst.
   */
  void readWeightGradient(int layer, int replica, float[] dst);

  @Override
  void close();

  static final float MOMENTUM = 0.9f;
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPSILON = 1e-8f;
}
