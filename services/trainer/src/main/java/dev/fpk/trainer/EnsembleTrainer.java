package dev.fpk.trainer;

import dev.fpk.protocol.v1.WeightSnapshot;
import dev.fpk.trainer.data.Dataset;
import dev.fpk.trainer.data.ReplicaBatcher;
import dev.fpk.trainer.data.SplitMix64;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * R replicas of the autoencoder described by {@link TrainerSettings}, trained together as one
 * batched program (see {@link Backend}). Not thread-safe: drive it from one thread (or actor).
 *
 * <p><b>Model.</b> Widths {@code d -> h1 -> ... -> hk -> d}; every layer computes {@code y = W h +
 * b} with W of shape {@code [out, in]}; hidden layers apply the activation, the output is linear;
 * MSE loss, mean over the B x d entries of the minibatch. Layer names: {@link Architecture}; with
 * the default widths {@code enc1 [16,d], enc2 [2,16], bottleneck [2,2], dec1 [16,2], dec2 [d,16]}.
 *
 * <p><b>Seeds.</b> Replica r records seed {@code seed + r}. Its initial weights come from seed
 * {@code seed + r} if the seeding varies the initialisation, else from {@code seed}; its minibatch
 * order likewise. The data set and the probe batch come from {@code seed} and are shared.
 *
 * <p><b>Step semantics.</b> {@link #currentStep()} counts completed optimiser steps; weights read
 * at step n are after n updates; {@link #losses()} are the minibatch losses computed in step n
 * (with the weights of step n - 1), which is also what snapshots carry as {@code loss}.
 */
public final class EnsembleTrainer implements AutoCloseable {
  private final TrainerSettings settings;
  private final Architecture arch;
  private final Dataset dataset;
  private final float[] probe;
  private final ReplicaBatcher[] batchers;
  private final Kernel kernel;
  private final Activation activation;
  private final Clock clock;
  private final double[] losses;
  private long step;

  public EnsembleTrainer(TrainerSettings settings) {
    this(settings, Clock.systemUTC());
  }

  public EnsembleTrainer(TrainerSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.arch = new Architecture(settings.widths());
    this.activation = Activation.of(settings.activation());
    this.dataset =
        Dataset.named(
            settings.dataset(),
            settings.inputDim(),
            settings.datasetSize(),
            settings.noise(),
            settings.seed());
    this.probe = dataset.probe(settings.probeSize());
    int R = settings.replicas();
    this.batchers = new ReplicaBatcher[R];
    for (int r = 0; r < R; r++)
      batchers[r] =
          dataset.batcher(
              settings.seeding().variesDataOrder() ? replicaSeed(r) : settings.seed(),
              settings.batchSize());
    float[] init = initialParameters(arch, settings);
    this.kernel =
        switch (settings.backend()) {
          case PLAIN -> new PlainKernel(arch, settings, init);
          case ND4J -> new Nd4jKernel(arch, settings, init);
        };
    this.losses = new double[R];
  }

  /**
   * Replica-major initial parameters {@code [R, P]}: weights per {@code settings.init()}, biases 0.
   */
  static float[] initialParameters(Architecture arch, TrainerSettings s) {
    int P = arch.paramsPerReplica();
    float[] p = new float[s.replicas() * P];
    for (int r = 0; r < s.replicas(); r++) {
      long initSeed = s.seeding().variesInit() ? s.seed() + r : s.seed();
      SplitMix64 rng = new SplitMix64(SplitMix64.derive(initSeed, 0x1417));
      for (int l = 0; l < arch.layers(); l++) {
        int nIn = arch.in(l), nOut = arch.out(l);
        int off = r * P + arch.weightOffset(l);
        for (int i = 0; i < nOut * nIn; i++) {
          double x =
              switch (s.init()) {
                case "xavier_uniform" -> {
                  double a = Math.sqrt(6.0 / (nIn + nOut));
                  yield rng.uniform(-a, a);
                }
                case "xavier_normal" -> Math.sqrt(2.0 / (nIn + nOut)) * rng.nextGaussian();
                case "lecun_normal" -> Math.sqrt(1.0 / nIn) * rng.nextGaussian();
                default -> throw new IllegalArgumentException("init " + s.init());
              };
          p[off + i] = (float) x;
        }
      }
    }
    return p;
  }

  /** One optimiser step (MSE loss) for all replicas. */
  public void step() {
    kernel.step(batchers, losses);
    step++;
  }

  /** {@code n} steps. */
  public void steps(int n) {
    for (int i = 0; i < n; i++) step();
  }

  /** Completed optimiser steps. */
  public long currentStep() {
    return step;
  }

  /** Per replica, the minibatch MSE of the last step (zeros before the first step). */
  public double[] losses() {
    return losses.clone();
  }

  /** Mean of {@link #losses()}. */
  public double meanLoss() {
    double s = 0;
    for (double l : losses) s += l;
    return s / losses.length;
  }

  public TrainerSettings settings() {
    return settings;
  }

  public Architecture architecture() {
    return arch;
  }

  public Dataset dataset() {
    return dataset;
  }

  public int replicas() {
    return settings.replicas();
  }

  /** The seed replica r records: {@code seed + r}. */
  public long replicaSeed(int replica) {
    return settings.seed() + replica;
  }

  /**
   * Names of the weight matrices, input to output, e.g. {@code [enc1, enc2, bottleneck, dec1,
   * dec2]}; {@code "bottleneck"} is the matrix between the two innermost hidden layers (present
   * when the number of hidden layers is even), the 2x2 matrix the paper models at the default
   * widths.
   */
  public List<String> layerNames() {
    return arch.names();
  }

  /** {@code [out, in]} of the named matrix. */
  public int[] shape(String layer) {
    int l = arch.indexOf(layer);
    return new int[] {arch.out(l), arch.in(l)};
  }

  /** The named matrix of one replica, row-major {@code [out, in]} ({@code y = W h}). */
  public float[] weights(String layer, int replica) {
    int l = arch.indexOf(layer);
    checkReplica(replica);
    float[] dst = new float[arch.weightCount(l)];
    kernel.readWeights(l, replica, dst);
    return dst;
  }

  /** The bias of the named layer of one replica, {@code [out]}. */
  public float[] bias(String layer, int replica) {
    int l = arch.indexOf(layer);
    checkReplica(replica);
    float[] dst = new float[arch.out(l)];
    kernel.readBias(l, replica, dst);
    return dst;
  }

  /**
   * Mean minibatch gradient of the loss w.r.t. the named matrix at the last step, row-major {@code
   * [out, in]}.
   */
  public float[] gradient(String layer, int replica) {
    int l = arch.indexOf(layer);
    checkReplica(replica);
    float[] dst = new float[arch.weightCount(l)];
    kernel.readWeightGradient(l, replica, dst);
    return dst;
  }

  /** The fixed probe batch, row-major {@code [probeSize, d]} (shared by all replicas). */
  public float[] probeBatch() {
    return probe.clone();
  }

  /**
   * Inputs h of the named layer on the fixed probe batch under this replica's current weights,
   * row-major {@code [probeSize, in]}, so that the layer's outputs are {@code W h + b}.
   */
  public float[] probeInputs(String layer, int replica) {
    int target = arch.indexOf(layer);
    checkReplica(replica);
    int n = settings.probeSize();
    float[] h = probe.clone();
    for (int l = 0; l < target; l++) {
      int nIn = arch.in(l), nOut = arch.out(l);
      float[] w = new float[nIn * nOut];
      float[] b = new float[nOut];
      kernel.readWeights(l, replica, w);
      kernel.readBias(l, replica, b);
      float[] next = new float[n * nOut];
      for (int s = 0; s < n; s++) {
        for (int o = 0; o < nOut; o++) {
          float z = b[o];
          for (int i = 0; i < nIn; i++) z += w[o * nIn + i] * h[s * nIn + i];
          next[s * nOut + o] = z;
        }
      }
      activation.apply(next, 0, next.length); // l < target <= L - 1: always a hidden layer
      h = next;
    }
    return h;
  }

  /**
   * One snapshot per replica and layer (replica-major order), stamped with the clock's current
   * time.
   */
  public List<WeightSnapshot> snapshots(String runId, List<String> layers) {
    return snapshots(runId, layers, clock.millis());
  }

  /** As {@link #snapshots(String, List)} with an explicit wall-clock time. */
  public List<WeightSnapshot> snapshots(String runId, List<String> layers, long timeUnixMillis) {
    for (String layer : layers) arch.indexOf(layer);
    List<WeightSnapshot> out = new ArrayList<>(settings.replicas() * layers.size());
    for (int r = 0; r < settings.replicas(); r++)
      for (String layer : layers) out.add(snapshot(runId, layer, r, timeUnixMillis));
    return out;
  }

  /**
   * The snapshot of one replica and layer: run_id, replica, step, layer, shape [out, in], values,
   * learning_rate, batch_size, time_unix_millis, optimizer, seed ({@code seed + replica}),
   * ensemble_size (R), probe_inputs; after the first step also loss (the last step's minibatch MSE)
   * and gradient_mean.
   */
  public WeightSnapshot snapshot(String runId, String layer, int replica, long timeUnixMillis) {
    if (runId == null || runId.isEmpty() || runId.length() > 256)
      throw new IllegalArgumentException("runId must have 1..256 characters, was " + runId);
    int[] shape = shape(layer);
    WeightSnapshot.Builder b =
        WeightSnapshot.newBuilder()
            .setRunId(runId)
            .setReplica(replica)
            .setStep(step)
            .setLayer(layer)
            .addShape(shape[0])
            .addShape(shape[1])
            .setLearningRate(settings.learningRate())
            .setBatchSize(settings.batchSize())
            .setTimeUnixMillis(timeUnixMillis)
            .setOptimizer(settings.optimizer())
            .setSeed(replicaSeed(replica))
            .setEnsembleSize(settings.replicas());
    for (float x : weights(layer, replica)) b.addValues(x);
    for (float x : probeInputs(layer, replica)) b.addProbeInputs(x);
    if (step > 0) {
      b.setLoss(losses[replica]);
      for (float x : gradient(layer, replica)) b.addGradientMean(x);
    }
    return b.build();
  }

  private void checkReplica(int replica) {
    if (replica < 0 || replica >= settings.replicas())
      throw new IllegalArgumentException(
          "replica must be in [0, " + settings.replicas() + "), was " + replica);
  }

  @Override
  public void close() {
    kernel.close();
  }
}
