package dev.fpk.trainer;

import dev.fpk.trainer.data.ReplicaBatcher;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ND4J kernel: the R replicas as one batched tensor program. Activations are {@code [R, B, width]},
 * weights {@code [R, out, in]} (so {@code Z = A W^T} is one batched matmul per layer), biases
 * {@code [R, 1, out]} broadcast over the batch. All parameters (and all gradients) live in one flat
 * buffer, layer-major, with per-layer views, so an optimiser update is one or a few whole-buffer
 * ops. Everything is preallocated and in place: about 45 native ops per step whatever R is.
 */
final class Nd4jKernel implements Kernel {
  private final Architecture arch;
  private final int replicas;
  private final int batch;
  private final String activation;
  private final String optimizer;
  private final float learningRate;
  private final INDArray params;
  private final INDArray grads;
  private final INDArray m;
  private final INDArray v;
  private final INDArray tmpOpt;
  private final INDArray[] w; // [R, out, in] views of params
  private final INDArray[] b; // [R, 1, out] views of params
  private final INDArray[] gw; // views of grads
  private final INDArray[] gb; // [R, out] views of grads
  private final INDArray[] act; // act[i]: [R, B, width_i]
  private final INDArray[] dAct; // gradient buffers, [R, B, width_i]
  private final INDArray[] deriv; // activation-derivative scratch, [R, B, width_i]
  private final INDArray lossPerReplica; // [R]
  private final float[] batchBuffer;
  private final long[] layerOffset;
  private long t;

  Nd4jKernel(Architecture arch, TrainerSettings s, float[] initialParams) {
    this.arch = arch;
    this.replicas = s.replicas();
    this.batch = s.batchSize();
    this.activation = s.activation();
    this.optimizer = s.optimizer();
    this.learningRate = (float) s.learningRate();
    int L = arch.layers();
    int R = replicas;
    long total = (long) R * arch.paramsPerReplica();
    params = Nd4j.create(DataType.FLOAT, total);
    grads = Nd4j.create(DataType.FLOAT, total);
    m = optimizer.equals("sgd") ? null : Nd4j.create(DataType.FLOAT, total);
    v = optimizer.equals("adam") ? Nd4j.create(DataType.FLOAT, total) : null;
    tmpOpt = optimizer.equals("adam") ? Nd4j.create(DataType.FLOAT, total) : null;
    w = new INDArray[L];
    b = new INDArray[L];
    gw = new INDArray[L];
    gb = new INDArray[L];
    layerOffset = new long[L];
    long off = 0;
    for (int l = 0; l < L; l++) {
      int nIn = arch.in(l), nOut = arch.out(l);
      layerOffset[l] = off;
      long wn = (long) R * nOut * nIn;
      w[l] = params.get(NDArrayIndex.interval(off, off + wn)).reshape('c', R, nOut, nIn);
      gw[l] = grads.get(NDArrayIndex.interval(off, off + wn)).reshape('c', R, nOut, nIn);
      off += wn;
      long bn = (long) R * nOut;
      b[l] = params.get(NDArrayIndex.interval(off, off + bn)).reshape('c', R, 1, nOut);
      gb[l] = grads.get(NDArrayIndex.interval(off, off + bn)).reshape('c', R, nOut);
      off += bn;
    }
    // copy the replica-major initial parameters into the layer-major buffer
    float[] layerMajor = new float[(int) total];
    int P = arch.paramsPerReplica();
    for (int l = 0; l < L; l++) {
      int wc = arch.weightCount(l), oc = arch.out(l);
      int lo = (int) layerOffset[l];
      for (int r = 0; r < R; r++) {
        System.arraycopy(initialParams, r * P + arch.weightOffset(l), layerMajor, lo + r * wc, wc);
        System.arraycopy(
            initialParams, r * P + arch.biasOffset(l), layerMajor, lo + R * wc + r * oc, oc);
      }
    }
    params.assign(Nd4j.createFromArray(layerMajor));
    act = new INDArray[L + 1];
    dAct = new INDArray[L + 1];
    deriv = new INDArray[L + 1];
    for (int i = 0; i <= L; i++) {
      act[i] = Nd4j.create(DataType.FLOAT, R, batch, arch.width(i));
      dAct[i] = Nd4j.create(DataType.FLOAT, R, batch, arch.width(i));
      deriv[i] = Nd4j.create(DataType.FLOAT, R, batch, arch.width(i));
    }
    lossPerReplica = Nd4j.create(DataType.FLOAT, R);
    batchBuffer = new float[R * batch * arch.width(0)];
  }

  @Override
  public void step(ReplicaBatcher[] batchers, double[] losses) {
    t++;
    int L = arch.layers();
    int d = arch.width(0);
    for (int r = 0; r < replicas; r++) batchers[r].next(batchBuffer, r * batch * d);
    act[0].data().setData(batchBuffer);
    // forward
    for (int l = 0; l < L; l++) {
      Nd4j.matmul(act[l], w[l], act[l + 1], false, true, false);
      act[l + 1].addi(b[l]);
      if (l < L - 1) applyActivation(act[l + 1]);
    }
    // loss: diff = y - x; loss_r = mean(diff^2); dY = 2 diff / (B d)
    INDArray diff = dAct[L];
    act[L].sub(act[0], diff);
    diff.mul(diff, deriv[L]);
    deriv[L].sum(lossPerReplica, 1, 2);
    float n = (float) batch * arch.width(L);
    diff.muli(2f / n);
    float[] lr = lossPerReplica.toFloatVector();
    for (int r = 0; r < replicas; r++) losses[r] = lr[r] / (double) n;
    // backward
    for (int l = L - 1; l >= 0; l--) {
      INDArray dz = dAct[l + 1];
      Nd4j.matmul(dz, act[l], gw[l], true, false, false);
      dz.sum(gb[l], 1);
      if (l > 0) {
        Nd4j.matmul(dz, w[l], dAct[l], false, false, false);
        backpropActivation(dAct[l], act[l], deriv[l]);
      }
    }
    update();
  }

  private void applyActivation(INDArray z) {
    switch (activation) {
      case "tanh" -> Transforms.tanh(z, false);
      case "relu" -> Transforms.relu(z, false);
      case "linear" -> {}
      default -> throw new IllegalStateException(activation);
    }
  }

  /** g *= f'(z), from the activation output a. */
  private void backpropActivation(INDArray g, INDArray a, INDArray scratch) {
    switch (activation) {
      case "tanh" -> {
        a.mul(a, scratch);
        scratch.rsubi(1f);
        g.muli(scratch);
      }
      case "relu" -> {
        g.muli(a.gt(0f).castTo(DataType.FLOAT));
      }
      case "linear" -> {}
      default -> throw new IllegalStateException(activation);
    }
  }

  private void update() {
    float lr = learningRate;
    switch (optimizer) {
      case "sgd" -> Nd4j.getBlasWrapper().level1().axpy(params.length(), -lr, grads, params);
      case "momentum" -> {
        m.muli(MOMENTUM).addi(grads);
        Nd4j.getBlasWrapper().level1().axpy(params.length(), -lr, m, params);
      }
      case "adam" -> {
        float bc1 = (float) (1 - StrictMath.pow(BETA1, t));
        float bc2 = (float) (1 - StrictMath.pow(BETA2, t));
        m.muli(BETA1);
        Nd4j.getBlasWrapper().level1().axpy(params.length(), 1 - BETA1, grads, m);
        grads.mul(grads, tmpOpt);
        v.muli(BETA2);
        Nd4j.getBlasWrapper().level1().axpy(params.length(), 1 - BETA2, tmpOpt, v);
        // tmp = sqrt(v / bc2) + eps; params -= lr / bc1 * m / tmp
        v.div(bc2, tmpOpt);
        Transforms.sqrt(tmpOpt, false).addi(EPSILON);
        m.div(tmpOpt, tmpOpt);
        Nd4j.getBlasWrapper().level1().axpy(params.length(), -lr / bc1, tmpOpt, params);
      }
      default -> throw new IllegalStateException(optimizer);
    }
  }

  @Override
  public void readWeights(int layer, int replica, float[] dst) {
    float[] all = w[layer].get(NDArrayIndex.point(replica)).dup('c').data().asFloat();
    System.arraycopy(all, 0, dst, 0, arch.weightCount(layer));
  }

  @Override
  public void readBias(int layer, int replica, float[] dst) {
    float[] all = b[layer].get(NDArrayIndex.point(replica)).dup('c').data().asFloat();
    System.arraycopy(all, 0, dst, 0, arch.out(layer));
  }

  @Override
  public void readWeightGradient(int layer, int replica, float[] dst) {
    float[] all = gw[layer].get(NDArrayIndex.point(replica)).dup('c').data().asFloat();
    System.arraycopy(all, 0, dst, 0, arch.weightCount(layer));
  }

  @Override
  public void close() {
    // native buffers are released by ND4J's deallocator when unreachable
  }
}
