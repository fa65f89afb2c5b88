package dev.fpk.app.bench;

import dev.fpk.app.config.FpkConfig;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.AlignmentUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows {@code fpk.alignment.v1} from its end on a thread of its own and keeps, per run, the
 * newest step analysed and when its alignment was published; and, while a {@link Window} is open, a
 * histogram of end-to-end latency of every alignment read: the alignment record's timestamp (when
 * fpk published it) minus {@code source_time_unix_millis} (when the step's newest snapshot was
 * produced), in ms.
 */
final class AlignmentReader implements AutoCloseable {
  /** Newest step analysed of a run and the publish time of its alignment, ms since the epoch. */
  record Progress(long step, long publishedMillis) {}

  /** Steps at the start of a run whose latency includes starting its entities. */
  static final int RUN_START_STEPS = 5;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final Map<String, Progress> progress = new ConcurrentHashMap<>();
  private final List<Window> windows = new CopyOnWriteArrayList<>();
  private volatile boolean running = true;

  AlignmentReader(String bootstrap) {
    Properties p = FpkConfig.kafkaClient(bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "e2e-alignment-reader");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.ALIGNMENT).stream()
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, before any load is sent
    this.thread = new Thread(this::follow, "e2e-alignment-reader");
    thread.setDaemon(true);
    thread.start();
  }

  /** The newest step analysed of the run, or null if none yet. */
  Progress progress(String runId) {
    return progress.get(runId);
  }

  /**
   * Starts collecting latencies (ms) of the alignments read from now until the window is closed.
   */
  Window window() {
    Window w = new Window();
    windows.add(w);
    return w;
  }

  /**
   * Latencies of the alignments read while it was open: all, and without each run's first steps.
   */
  final class Window implements AutoCloseable {
    private final Histogram all = newHistogram();
    private final Histogram steady = newHistogram();

    private synchronized void record(long step, long latencyMillis) {
      all.recordValue(latencyMillis);
      if (step >= RUN_START_STEPS) {
        steady.recordValue(latencyMillis);
      }
    }

    /** A copy of every latency recorded. */
    synchronized Histogram latencies() {
      return all.copy();
    }

    /**
     * A copy of the latencies of steps from {@link #RUN_START_STEPS} on (after the entities
     * started).
     */
    synchronized Histogram steadyLatencies() {
      return steady.copy();
    }

    @Override
    public void close() {
      windows.remove(this);
    }
  }

  private void follow() {
    while (running) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        accept(r);
      }
    }
  }

  private void accept(ConsumerRecord<byte[], byte[]> record) {
    AlignmentUpdate a;
    try {
      a = AlignmentUpdate.parseFrom(record.value());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return; // not ours to judge
    }
    progress.merge(
        a.getRunId(),
        new Progress(a.getStep(), record.timestamp()),
        (old, now) -> now.step() >= old.step() ? now : old);
    if (a.getSourceTimeUnixMillis() > 0) {
      long latency =
          Math.min(3_600_000L, Math.max(0, record.timestamp() - a.getSourceTimeUnixMillis()));
      windows.forEach(w -> w.record(a.getStep(), latency));
    }
  }

  private static Histogram newHistogram() {
    return new Histogram(3_600_000L, 3);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5000);
    consumer.close();
  }
}
