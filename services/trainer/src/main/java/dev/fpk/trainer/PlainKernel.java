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
    private final float[] grads;  // [R, P]
    private final float[] m;      // momentum buffer / Adam first moment
    private final float[] v;      // Adam second moment
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
        this.pool = chunks > 1 ? Executors.newFixedThreadPool(chunks, r -> {
            Thread th = new Thread(r, "fpk-trainer-kernel");
            th.setDaemon(true);
            return th;
        }) : null;
    }

    private static final class Workspace {
        final float[][] act; // act[i] = layer i activations, [width_i, B]
        final float[] g0;
        final float[] g1;

        Workspace(Architecture arch, int batch) {
            act = new float[arch.layers() + 1][];
            for (int i = 0; i <= arch.layers(); i++) act[i] = new float[arch.width(i) * batch];
            g0 = new float[arch.maxWidth() * batch];
            g1 = new float[arch.maxWidth() * batch];
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
            int from = (int) ((long) replicas * c / chunks), to = (int) ((long) replicas * (c + 1) / chunks);
            int ws = c;
            tasks.add(() -> {
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
            batchers[r].nextFeatureMajor(ws.act[0], 0);
            losses[r] = forwardBackward(ws, r * paramsPerReplica);
            update(r * paramsPerReplica, (r + 1) * paramsPerReplica);
        }
    }

    /** Forward and backward pass of one replica whose parameters start at {@code base}; returns the MSE. */
    private double forwardBackward(Workspace ws, int base) {
        final int B = batch;
        final int L = arch.layers();
        final float[] p = params;
        for (int l = 0; l < L; l++) {
            int nIn = arch.in(l), nOut = arch.out(l);
            int wo = base + arch.weightOffset(l), bo = base + arch.biasOffset(l);
            float[] src = ws.act[l], dst = ws.act[l + 1];
            for (int o = 0; o < nOut; o++) {
                int row = o * B;
                float bias = p[bo + o];
                for (int j = 0; j < B; j++) dst[row + j] = bias;
                for (int i = 0; i < nIn; i++) {
                    float w = p[wo + o * nIn + i];
                    int col = i * B;
                    for (int j = 0; j < B; j++) dst[row + j] += w * src[col + j];
                }
            }
            if (l < L - 1) activation.apply(dst, 0, nOut * B);
        }
        // MSE over B x d and its gradient w.r.t. the (linear) output
        float[] x = ws.act[0], y = ws.act[L];
        int n = arch.width(L) * B;
        float scale = 2f / n;
        float[] dz = ws.g0, da = ws.g1;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float diff = y[i] - x[i];
            sum += diff * diff;
            dz[i] = diff * scale;
        }
        final float[] g = grads;
        for (int l = L - 1; l >= 0; l--) {
            int nIn = arch.in(l), nOut = arch.out(l);
            int wo = base + arch.weightOffset(l), bo = base + arch.biasOffset(l);
            float[] a = ws.act[l];
            for (int o = 0; o < nOut; o++) {
                int row = o * B;
                g[bo + o] = sum(dz, row, B);
                for (int i = 0; i < nIn; i++) g[wo + o * nIn + i] = dot(dz, row, a, i * B, B);
            }
            if (l > 0) {
                java.util.Arrays.fill(da, 0, nIn * B, 0f);
                for (int o = 0; o < nOut; o++) {
                    int row = o * B;
                    for (int i = 0; i < nIn; i++) {
                        float w = p[wo + o * nIn + i];
                        int col = i * B;
                        for (int j = 0; j < B; j++) da[col + j] += w * dz[row + j];
                    }
                }
                activation.backprop(da, a, 0, nIn * B);
                float[] tmp = dz;
                dz = da;
                da = tmp;
            }
        }
        return sum / n;
    }

    private static float dot(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += a[ao + j] * b[bo + j];
            s1 += a[ao + j + 1] * b[bo + j + 1];
            s2 += a[ao + j + 2] * b[bo + j + 2];
            s3 += a[ao + j + 3] * b[bo + j + 3];
        }
        for (; j < n; j++) s0 += a[ao + j] * b[bo + j];
        return (s0 + s1) + (s2 + s3);
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
        System.arraycopy(params, replica * paramsPerReplica + arch.weightOffset(layer), dst, 0, arch.weightCount(layer));
    }

    @Override
    public void readBias(int layer, int replica, float[] dst) {
        System.arraycopy(params, replica * paramsPerReplica + arch.biasOffset(layer), dst, 0, arch.out(layer));
    }

    @Override
    public void readWeightGradient(int layer, int replica, float[] dst) {
        System.arraycopy(grads, replica * paramsPerReplica + arch.weightOffset(layer), dst, 0, arch.weightCount(layer));
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
