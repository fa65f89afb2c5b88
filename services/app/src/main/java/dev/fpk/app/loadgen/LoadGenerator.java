package dev.fpk.app.loadgen;

import dev.fpk.app.config.FpkConfig;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes synthetic ensembles with known Ornstein-Uhlenbeck dynamics ({@link OuEnsemble}) at a
 * paced rate: {@code runs} runs of {@code replicas} replicas of one {@code rows x cols} matrix
 * each, steps 0 to {@code steps}, step by step (every run's replicas of a step, then the next
 * step). Entry e of every run mean-reverts to 0 at rate {@link #rate(int, int)} with diffusion
 * {@link #DIFFUSION}, so what the estimators find can be checked under load too.
 */
public final class LoadGenerator {
  /** D of every entry, weight units² per step. */
  public static final double DIFFUSION = 1e-4;

  /** Slowest and fastest mean-reversion rate k, per step, spread evenly over the entries. */
  public static final double MIN_RATE = 0.01;

  public static final double MAX_RATE = 0.1;

  /**
   * @param snapshotsPerSecond total snapshots per second over all runs and replicas
   * @param steps the last step; every replica publishes steps 0..steps
   */
  public record Settings(
      String runIdPrefix,
      String layer,
      int runs,
      int replicas,
      int rows,
      int cols,
      double snapshotsPerSecond,
      long steps,
      long seed) {
    public Settings {
      if (runs < 1 || replicas < 1 || rows < 1 || cols < 1 || steps < 0) {
        throw new IllegalArgumentException(
            "need runs, replicas, rows, cols >= 1 and steps >= 0, was runs "
                + runs
                + ", replicas "
                + replicas
                + ", shape "
                + rows
                + "x"
                + cols
                + ", steps "
                + steps);
      }
      if (!(snapshotsPerSecond > 0) || Double.isInfinite(snapshotsPerSecond)) {
        throw new IllegalArgumentException(
            "rate = " + snapshotsPerSecond + " snapshots/s: must be finite and > 0");
      }
    }

    public int valuesPerSnapshot() {
      return rows * cols;
    }

    /** Snapshots the whole load publishes. */
    public long snapshots() {
      return (long) runs * replicas * (steps + 1);
    }

    public String runId(int run) {
      return runIdPrefix + "-r" + run;
    }
  }

  /** What was sent: counts, and the wall-clock times of the first and last send. */
  public record Report(
      long snapshots, long values, long firstSendMillis, long lastSendMillis, double seconds) {
    public double snapshotsPerSecond() {
      return snapshots / seconds;
    }

    public double valuesPerSecond() {
      return values / seconds;
    }
  }

  private LoadGenerator() {}

  /**
   * k of entry {@code e} of {@code entries}, per step: evenly from {@link #MIN_RATE} to {@link
   * #MAX_RATE}.
   */
  public static double rate(int e, int entries) {
    return entries == 1 ? MIN_RATE : MIN_RATE + (MAX_RATE - MIN_RATE) * e / (entries - 1);
  }

  /**
   * A producer for snapshot bytes: batches of up to 1 MB, blocking (never dropping) when its buffer
   * is full.
   */
  public static KafkaProducer<byte[], byte[]> producer(String bootstrap, String clientId) {
    Properties p = FpkConfig.kafkaClient(bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "1048576");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "8388608");
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, "67108864");
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Publishes the whole load, paced to the rate (bursts of one run's step), then flushes. */
  public static Report run(Settings s, Producer<byte[], byte[]> producer) {
    return new Load(s).publish(producer, s.snapshotsPerSecond(), s.steps() + 1);
  }

  /**
   * The runs of a load that can be published in parts, each at its own rate, each part going on
   * from the step where the last stopped (so a benchmark can change the rate without starting new
   * runs, whose entities would start up again). Not thread-safe.
   */
  public static final class Load {
    private final Settings settings;
    private final List<OuEnsemble> ensembles;
    private final Ticker ticker;
    private long nextStep;

    public Load(Settings settings) {
      this(settings, Ticker.SYSTEM);
    }

    /** A load paced by {@code ticker} (a test's own clock; {@link Ticker#SYSTEM} otherwise). */
    Load(Settings settings, Ticker ticker) {
      this.settings = settings;
      this.ensembles = ensembles(settings);
      this.ticker = ticker;
    }

    /** The next step to publish: every step before it has been published. */
    public long nextStep() {
      return nextStep;
    }

    /**
     * Publishes the next {@code steps} steps of every run at {@code snapshotsPerSecond}, then
     * flushes.
     */
    public Report publish(
        Producer<byte[], byte[]> producer, double snapshotsPerSecond, long steps) {
      if (!(snapshotsPerSecond > 0) || steps < 1) {
        throw new IllegalArgumentException(
            "rate = "
                + snapshotsPerSecond
                + " snapshots/s, steps = "
                + steps
                + ": need a rate > 0 and steps >= 1");
      }
      AtomicReference<Exception> failure = new AtomicReference<>();
      AtomicLong acked = new AtomicLong();
      double nanosPerSnapshot = 1e9 / snapshotsPerSecond;
      long sent = 0;
      long start = ticker.nanoTime();
      long firstMillis = System.currentTimeMillis();
      long lastMillis = firstMillis;
      for (long end = nextStep + steps; nextStep < end; nextStep++) {
        for (OuEnsemble ou : ensembles) {
          if (nextStep > 0) {
            ou.advance(); // from the step published last
          }
          ticker.waitUntil(start + (long) (sent * nanosPerSnapshot));
          for (WeightSnapshot snapshot : ou.snapshots()) {
            byte[] key = SnapshotKey.bytes(snapshot);
            producer.send(
                new ProducerRecord<>(Topics.SNAPSHOTS, key, snapshot.toByteArray()),
                (meta, e) -> {
                  if (e != null) {
                    failure.compareAndSet(null, e);
                  } else {
                    acked.incrementAndGet();
                  }
                });
            sent++;
          }
          lastMillis = System.currentTimeMillis();
        }
      }
      producer.flush();
      double seconds = (ticker.nanoTime() - start) / 1e9;
      if (failure.get() != null) {
        throw new IllegalStateException(
            "loadgen: the broker refused a snapshot ("
                + acked.get()
                + " of "
                + sent
                + " acknowledged): "
                + failure.get().getMessage(),
            failure.get());
      }
      return new Report(
          sent, sent * settings.valuesPerSnapshot(), firstMillis, lastMillis, seconds);
    }
  }

  private static List<OuEnsemble> ensembles(Settings s) {
    int entries = s.valuesPerSnapshot();
    double[] rates = new double[entries];
    for (int e = 0; e < entries; e++) {
      rates[e] = rate(e, entries);
    }
    double[] means = new double[entries];
    List<OuEnsemble> out = new ArrayList<>(s.runs());
    for (int run = 0; run < s.runs(); run++) {
      out.add(
          new OuEnsemble(
              s.runId(run),
              s.layer(),
              new int[] {s.rows(), s.cols()},
              rates,
              means,
              DIFFUSION,
              s.replicas(),
              0.0,
              0.05,
              s.seed() + run));
    }
    return out;
  }

  /** The clock the pacing reads and waits on, in nanoseconds of {@link System#nanoTime}'s kind. */
  interface Ticker {
    /** The machine's monotonic clock, parking the thread until a send is due. */
    Ticker SYSTEM =
        new Ticker() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void waitUntil(long dueNanos) {
            long wait;
            while ((wait = dueNanos - System.nanoTime()) > 0) {
              LockSupport.parkNanos(wait);
            }
          }
        };

    long nanoTime();

    /** Returns once {@link #nanoTime()} has reached {@code dueNanos}. */
    void waitUntil(long dueNanos);
  }
}
