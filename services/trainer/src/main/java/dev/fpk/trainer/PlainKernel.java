package dev.fpk.trainer;

import dev.fpk.trainer.data.ReplicaBatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plain-Java kernel: per replica, activations are kept feature-major ({@code [width, B]}, one row
 * per unit) so the inner loops run over the batch (contiguous, vectorisable by C2). Replicas are
 * independent and computed in contiguous chunks on a fixed pool; the arithmetic of one replica
 * never depends on the chunking, so results are bit-identical for any thread count.
 */
final class PlainKernel implements Kernel {
  private final Architecture arch;
  private final int replicas;
  private final int batch;
  private final int paramsPerReplica;
  private final Activation activation;
  private final String optimizer;
  private final float learningRate;
  private final float[] params; // [R, P] replica-major
  private final float[] grads; // [R, P]
  private final float[] m; // momentum buffer / Adam first moment
  private final float[] v; // Adam second moment
  private final int chunks;
  private final Workspace[] workspaces;
  private final ExecutorService pool;
  private long t;

  PlainKernel(Architecture arch, TrainerSettings s, float[] initialParams) {
    this.arch = arch;
    this.replicas = s.replicas();
    this.batch = s.batchSize();
    this.paramsPerReplica = arch.paramsPerReplica();
    this.activation = Activation.of(s.activation());
    this.optimizer = s.optimizer();
    this.learningRate = (float) s.learningRate();
    this.params = initialParams.clone();
    this.grads = new float[params.length];
    this.m = optimizer.equals("sgd") ? null : new float[params.length];
    this.v = optimizer.equals("adam") ? new float[params.length] : null;
    this.chunks = s.effectiveThreads();
    this.workspaces = new Workspace[chunks];
    for (int c = 0; c < chunks; c++) workspaces[c] = new Workspace(arch, batch);
    this.pool =
        chunks > 1
            ? Executors.newFixedThreadPool(
                chunks,
                r -> {
                  Thread th = new Thread(r, "fpk-trainer-kernel");
                  th.setDaemon(true);
                  return th;
                })
            : null;
  }

  /**
   * Per-thread scratch. Every vector the inner loops touch is its own zero-offset array (one row
   * per unit): C2 vectorises {@code c[j] += a0 * s0[j] + ...} over such rows, but not the same loop
   * over offsets into one flat array (measured: about 2x).
   */
  private static final class Workspace {
    final float[][][] act; // act[i][unit][b]: layer i activations
    final float[][] g0; // [maxWidth][B] gradient rows
    final float[][] g1;
    final float[][] transposed; // [B][maxWidth]: one layer's activations, sample-major
    final float[] dwRow;

    Workspace(Architecture arch, int batch) {
      act = new float[arch.layers() + 1][][];
      for (int i = 0; i <= arch.layers(); i++) act[i] = new float[arch.width(i)][batch];
      g0 = new float[arch.maxWidth()][batch];
      g1 = new float[arch.maxWidth()][batch];
      transposed = new float[batch][arch.maxWidth()];
      dwRow = new float[arch.maxWidth()];
    }
  }

  @Override
  public void step(ReplicaBatcher[] batchers, double[] losses) {
    t++;
    if (pool == null) {
      runChunk(0, 0, replicas, batchers, losses);
      return;
    }
    List<Callable<Void>> tasks = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int from = (int) ((long) replicas * c / chunks),
          to = (int) ((long) replicas * (c + 1) / chunks);
      int ws = c;
      tasks.add(
          () -> {
            runChunk(ws, from, to, batchers, losses);
            return null;
          });
    }
    try {
      for (Future<Void> f : pool.invokeAll(tasks)) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during a training step", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("training step failed", e.getCause());
    }
  }

  private void runChunk(int wsIndex, int from, int to, ReplicaBatcher[] batchers, double[] losses) {
    Workspace ws = workspaces[wsIndex];
    for (int r = from; r < to; r++) {
      batchers[r].nextFeatureMajor(ws.act[0]);
      losses[r] = forwardBackward(ws, r * paramsPerReplica);
      update(r * paramsPerReplica, (r + 1) * paramsPerReplica);
    }
  }

  /**
   * Forward and backward pass of one replica whose parameters start at {@code base}; returns the
   * MSE.
   */
  private double forwardBackward(Workspace ws, int base) {
    final int B = batch;
    final int L = arch.layers();
    final float[] p = params;
    for (int l = 0; l < L; l++) {
      int nIn = arch.in(l), nOut = arch.out(l);
      int wo = base + arch.weightOffset(l), bo = base + arch.biasOffset(l);
      float[][] src = ws.act[l], dst = ws.act[l + 1];
      // Z[o, :] = b[o] + sum_i W[o, i] A[i, :]
      for (int o = 0; o < nOut; o++) {
        float[] row = dst[o];
        java.util.Arrays.fill(row, p[bo + o]);
        combine(row, p, wo + o * nIn, 1, src, nIn, B);
        if (l < L - 1) activation.apply(row, 0, B);
      }
    }
    // MSE over B x d and its gradient w.r.t. the (linear) output
    float[][] x = ws.act[0], y = ws.act[L];
    int d = arch.width(L);
    float scale = 2f / (d * B);
    float[][] dz = ws.g0, da = ws.g1, at = ws.transposed;
    double sum = 0;
    for (int k = 0; k < d; k++) {
      float[] yk = y[k], xk = x[k], gk = dz[k];
      for (int j = 0; j < B; j++) {
        float diff = yk[j] - xk[j];
        sum += diff * diff;
        gk[j] = diff * scale;
      }
    }
    final float[] g = grads;
    final float[] dw = ws.dwRow;
    for (int l = L - 1; l >= 0; l--) {
      int nIn = arch.in(l), nOut = arch.out(l);
      int wo = base + arch.weightOffset(l), bo = base + arch.biasOffset(l);
      float[][] a = ws.act[l];
      for (int i = 0; i < nIn; i++) {
        float[] ai = a[i];
        for (int j = 0; j < B; j++) at[j][i] = ai[j];
      }
      for (int o = 0; o < nOut; o++) {
        float[] dzo = dz[o];
        g[bo + o] = sum(dzo, 0, B);
        // dW[o, :] = sum_j dZ[o, j] A^T[j, :]
        java.util.Arrays.fill(dw, 0, nIn, 0f);
        combine(dw, dzo, 0, 1, at, B, nIn);
        System.arraycopy(dw, 0, g, wo + o * nIn, nIn);
      }
      if (l > 0) {
        // dA[i, :] = sum_o W[o, i] dZ[o, :], then times f'(z)
        for (int i = 0; i < nIn; i++) {
          float[] row = da[i];
          java.util.Arrays.fill(row, 0f);
          combine(row, p, wo + i, nIn, dz, nOut, B);
          activation.backprop(row, a[i], 0, B);
        }
        float[][] tmp = dz;
        dz = da;
        da = tmp;
      }
    }
    return sum / (d * B);
  }

  /**
   * {@code c[j] += sum_q coef[cOff + q cStride] * rows[q][j]} for q < k, j < n; four rows at a
   * time.
   */
  static void combine(
      float[] c, float[] coef, int cOff, int cStride, float[][] rows, int k, int n) {
    int q = 0;
    for (; q + 3 < k; q += 4) {
      int ci = cOff + q * cStride;
      float a0 = coef[ci],
          a1 = coef[ci + cStride],
          a2 = coef[ci + 2 * cStride],
          a3 = coef[ci + 3 * cStride];
      float[] s0 = rows[q], s1 = rows[q + 1], s2 = rows[q + 2], s3 = rows[q + 3];
      for (int j = 0; j < n; j++) c[j] += a0 * s0[j] + a1 * s1[j] + a2 * s2[j] + a3 * s3[j];
    }
    for (; q < k; q++) {
      float a0 = coef[cOff + q * cStride];
      float[] s0 = rows[q];
      for (int j = 0; j < n; j++) c[j] += a0 * s0[j];
    }
  }

  private static float sum(float[] a, int ao, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      s0 += a[ao + j];
      s1 += a[ao + j + 1];
      s2 += a[ao + j + 2];
      s3 += a[ao + j + 3];
    }
    for (; j < n; j++) s0 += a[ao + j];
    return (s0 + s1) + (s2 + s3);
  }

  private void update(int from, int to) {
    final float lr = learningRate;
    final float[] p = params, g = grads;
    switch (optimizer) {
      case "sgd" -> {
        for (int i = from; i < to; i++) p[i] -= lr * g[i];
      }
      case "momentum" -> {
        for (int i = from; i < to; i++) {
          m[i] = MOMENTUM * m[i] + g[i];
          p[i] -= lr * m[i];
        }
      }
      case "adam" -> {
        float bc1 = (float) (1 - StrictMath.pow(BETA1, t));
        float bc2 = (float) (1 - StrictMath.pow(BETA2, t));
        for (int i = from; i < to; i++) {
          m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
          v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
          p[i] -= lr * (m[i] / bc1) / ((float) Math.sqrt(v[i] / bc2) + EPSILON);
        }
      }
      default -> throw new IllegalStateException("optimizer " + optimizer);
    }
  }

  @Override
  public void readWeights(int layer, int replica, float[] dst) {
    System.arraycopy(
        params,
        replica * paramsPerReplica + arch.weightOffset(layer),
        dst,
        0,
        arch.weightCount(layer));
  }

  @Override
  public void readBias(int layer, int replica, float[] dst) {
    System.arraycopy(
        params, replica * paramsPerReplica + arch.biasOffset(layer), dst, 0, arch.out(layer));
  }

  @Override
  public void readWeightGradient(int layer, int replica, float[] dst) {
    System.arraycopy(
        grads,
        replica * paramsPerReplica + arch.weightOffset(layer),
        dst,
        0,
        arch.weightCount(layer));
  }

  @Override
  public void close() {
    if (pool != null) pool.shutdownNow();
  }
}
