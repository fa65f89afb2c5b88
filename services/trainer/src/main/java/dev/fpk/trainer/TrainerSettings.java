package dev.fpk.trainer;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of the built-in autoencoder ensemble.
 *
 * <p>The model is {@code inputDim -> hiddenWidths[0] -> ... -> hiddenWidths[k-1] -> inputDim} with
 * {@code activation} on every hidden layer and a linear output, biases on every layer (initialised
 * to zero), MSE loss (mean over batch and output dimensions). With the default widths {@code {16,
 * 2, 2, 16}} the two middle layers are both 2-wide bottlenecks and the 2x2 matrix between them is
 * the layer named {@code "bottleneck"} (see {@link EnsembleTrainer#layerNames()}).
 *
 * @param inputDim d, the data dimension (input and output width); default 32
 * @param hiddenWidths hidden layer widths; default {16, 2, 2, 16}
 * @param replicas R, ensemble size; default 64
 * @param batchSize B, minibatch size; default 32
 * @param learningRate eta; default 0.1
 * @param optimizer "sgd" (default), "momentum" (heavy ball, mu = 0.9, PyTorch convention {@code buf
 *     = mu buf + g; w -= eta buf}), "adam" (beta1 0.9, beta2 0.999, eps 1e-8)
 * @param seed run seed; replica r records seed {@code seed + r}
 * @param dataset "manifold" (default, {@link dev.fpk.trainer.data.ManifoldDataset}) or "mixture"
 *     ({@link dev.fpk.trainer.data.GaussianMixtureDataset})
 * @param seeding what differs between replicas; default BOTH
 * @param activation "tanh" (default), "relu", "linear"
 * @param probeSize rows of the fixed probe batch whose layer inputs snapshots carry; default 64
 * @param init weight initialisation: "xavier_uniform" (default, Glorot uniform U(-a, a), a = sqrt(6
 *     / (in + out)), gain 1), "xavier_normal" (N(0, 2 / (in + out))), "lecun_normal" (N(0, 1 /
 *     in)); biases start at 0
 * @param datasetSize number of generated training samples (epochs reshuffle them); default 4096
 * @param noise standard deviation of the Gaussian noise added to manifold samples, or the component
 *     standard deviation of the mixture; default 0.05
 * @param backend compute kernel; default {@link Backend#PLAIN}
 * @param threads worker threads for the PLAIN backend; 0 = all available processors (results do not
 *     depend on it: replicas are computed independently)
 */
public record TrainerSettings(
    int inputDim,
    int[] hiddenWidths,
    int replicas,
    int batchSize,
    double learningRate,
    String optimizer,
    long seed,
    String dataset,
    ReplicaSeeding seeding,
    String activation,
    int probeSize,
    String init,
    int datasetSize,
    double noise,
    Backend backend,
    int threads) {

  public static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "adam");
  public static final List<String> DATASETS = List.of("manifold", "mixture");
  public static final List<String> ACTIVATIONS = List.of("tanh", "relu", "linear");
  public static final List<String> INITS =
      List.of("xavier_uniform", "xavier_normal", "lecun_normal");

  public TrainerSettings {
    if (inputDim < 1) throw bad("inputDim", inputDim, "must be >= 1");
    if (hiddenWidths == null || hiddenWidths.length < 1)
      throw new IllegalArgumentException(
          "hiddenWidths must name at least one hidden layer, was " + Arrays.toString(hiddenWidths));
    hiddenWidths = hiddenWidths.clone();
    for (int i = 0; i < hiddenWidths.length; i++)
      if (hiddenWidths[i] < 1)
        throw new IllegalArgumentException(
            "hiddenWidths[" + i + "] must be >= 1, was " + hiddenWidths[i]);
    if (replicas < 1) throw bad("replicas", replicas, "must be >= 1");
    if (batchSize < 1) throw bad("batchSize", batchSize, "must be >= 1");
    if (!(learningRate > 0) || Double.isInfinite(learningRate))
      throw bad("learningRate", learningRate, "must be finite and > 0");
    oneOf("optimizer", optimizer, OPTIMIZERS);
    oneOf("dataset", dataset, DATASETS);
    if (seeding == null) throw new IllegalArgumentException("seeding must not be null");
    oneOf("activation", activation, ACTIVATIONS);
    if (probeSize < 1) throw bad("probeSize", probeSize, "must be >= 1");
    oneOf("init", init, INITS);
    if (datasetSize < batchSize)
      throw bad("datasetSize", datasetSize, "must be >= batchSize (" + batchSize + ")");
    if (!(noise >= 0) || Double.isInfinite(noise))
      throw bad("noise", noise, "must be finite and >= 0");
    if (backend == null) throw new IllegalArgumentException("backend must not be null");
    if (threads < 0) throw bad("threads", threads, "must be >= 0 (0 = all processors)");
  }

  /** The eleven settings the app sets; the rest take their defaults. */
  public TrainerSettings(
      int inputDim,
      int[] hiddenWidths,
      int replicas,
      int batchSize,
      double learningRate,
      String optimizer,
      long seed,
      String dataset,
      ReplicaSeeding seeding,
      String activation,
      int probeSize) {
    this(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        "xavier_uniform",
        4096,
        0.05,
        Backend.PLAIN,
        0);
  }

  public static TrainerSettings defaults() {
    return new TrainerSettings(
        32,
        new int[] {16, 2, 2, 16},
        64,
        32,
        0.1,
        "sgd",
        1L,
        "manifold",
        ReplicaSeeding.BOTH,
        "tanh",
        64);
  }

  private static IllegalArgumentException bad(String field, Object value, String rule) {
    return new IllegalArgumentException(field + " " + rule + ", was " + value);
  }

  private static void oneOf(String field, String value, List<String> allowed) {
    if (value == null || !allowed.contains(value))
      throw new IllegalArgumentException(field + " must be one of " + allowed + ", was " + value);
  }

  @Override
  public int[] hiddenWidths() {
    return hiddenWidths.clone();
  }

  /** All layer widths including input and output: {@code [d, h1, ..., hk, d]}. */
  public int[] widths() {
    int[] w = new int[hiddenWidths.length + 2];
    w[0] = inputDim;
    System.arraycopy(hiddenWidths, 0, w, 1, hiddenWidths.length);
    w[w.length - 1] = inputDim;
    return w;
  }

  /**
   * Worker threads actually used: {@code threads}, or the processor count when 0, never more than
   * replicas.
   */
  public int effectiveThreads() {
    int t = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    return Math.max(1, Math.min(t, replicas));
  }

  public TrainerSettings withInputDim(int v) {
    return new TrainerSettings(
        v,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withHiddenWidths(int... v) {
    return new TrainerSettings(
        inputDim,
        v,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withReplicas(int v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        v,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withBatchSize(int v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        v,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withLearningRate(double v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        v,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withOptimizer(String v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        v,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withSeed(long v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        v,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withDataset(String v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        v,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withSeeding(ReplicaSeeding v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        v,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withActivation(String v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        v,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withProbeSize(int v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        v,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withInit(String v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        v,
        datasetSize,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withDatasetSize(int v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        v,
        noise,
        backend,
        threads);
  }

  public TrainerSettings withNoise(double v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        v,
        backend,
        threads);
  }

  public TrainerSettings withBackend(Backend v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        v,
        threads);
  }

  public TrainerSettings withThreads(int v) {
    return new TrainerSettings(
        inputDim,
        hiddenWidths,
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        v);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainerSettings s
        && inputDim == s.inputDim
        && Arrays.equals(hiddenWidths, s.hiddenWidths)
        && replicas == s.replicas
        && batchSize == s.batchSize
        && Double.compare(learningRate, s.learningRate) == 0
        && optimizer.equals(s.optimizer)
        && seed == s.seed
        && dataset.equals(s.dataset)
        && seeding == s.seeding
        && activation.equals(s.activation)
        && probeSize == s.probeSize
        && init.equals(s.init)
        && datasetSize == s.datasetSize
        && Double.compare(noise, s.noise) == 0
        && backend == s.backend
        && threads == s.threads;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        inputDim,
        Arrays.hashCode(hiddenWidths),
        replicas,
        batchSize,
        learningRate,
        optimizer,
        seed,
        dataset,
        seeding,
        activation,
        probeSize,
        init,
        datasetSize,
        noise,
        backend,
        threads);
  }

  @Override
  public String toString() {
    return "TrainerSettings[inputDim="
        + inputDim
        + ", hiddenWidths="
        + Arrays.toString(hiddenWidths)
        + ", replicas="
        + replicas
        + ", batchSize="
        + batchSize
        + ", learningRate="
        + learningRate
        + ", optimizer="
        + optimizer
        + ", seed="
        + seed
        + ", dataset="
        + dataset
        + ", seeding="
        + seeding
        + ", activation="
        + activation
        + ", probeSize="
        + probeSize
        + ", init="
        + init
        + ", datasetSize="
        + datasetSize
        + ", noise="
        + noise
        + ", backend="
        + backend
        + ", threads="
        + threads
        + "]";
  }
}
