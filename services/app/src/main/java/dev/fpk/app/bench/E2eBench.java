package dev.fpk.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.loadgen.LoadGenerator;
import dev.fpk.app.node.KafkaAdmin;
import dev.fpk.app.node.Pipeline;
import dev.fpk.protocol.Topics;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code fpk bench e2e}: the embedded broker and a {@link Pipeline} (estimators and solvers) in
 * this JVM, driven by the {@link LoadGenerator} at increasing rates until the analysis no longer
 * keeps up; the highest rate of a level it kept up with is the sustained one (the highest analysed
 * rate of any level, overloaded ones included, is the peak). Then one level at half the sustained
 * rate for the latency percentiles; then a plain consumer reads the same records from the same
 * broker three times (Kafka's own limit: the median pass); heap after GC and allocation per value
 * at the end.
 *
 * <p>The runs start in the warm-up (their entities start up there) and every later level, the soak
 * included, goes on with the same runs from the step where the last level stopped, so the levels
 * measure the analysis running, not entities starting.
 *
 * <p>A level's analysed rate is its values divided by the time from its first snapshot sent to the
 * alignment of its last step published: past the sustainable rate the backlog is in it.
 */
public final class E2eBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A level keeps up when the analysis reaches this share of the rate actually sent. */
  private static final double KEPT_UP = 0.9;

  /** The half-rate level lasts this many ladder levels. */
  private static final int HALF_RATE_LENGTH = 3;

  /** Steps of the warm-up, in which the runs start: their start-up steps and as many again. */
  private static final long WARM_UP_STEPS = 2L * AlignmentReader.RUN_START_STEPS;

  /** Fewest steps of a level (at 4 runs of 64 replicas, 2,560 snapshots). */
  private static final long MIN_LEVEL_STEPS = 10;

  /** Rest between levels, ms. */
  private static final long SETTLE_MILLIS = 1000;

  /** Reads of the same records by the plain consumer; the median one is the yardstick. */
  private static final int RAW_PASSES = 3;

  /** Longest wait for a level's backlog after its deadline, before the next level starts. */
  private static final long DRAIN_MILLIS = 300_000;

  /**
   * @param startValuesPerSecond offered rate of the first level, weight values per second
   * @param factor each next level offers this many times the previous one
   */
  public record Settings(
      int runs,
      int replicas,
      int rows,
      int cols,
      double levelSeconds,
      double startValuesPerSecond,
      double factor,
      int maxLevels,
      double soakMinutes) {
    public Settings {
      if (runs < 1
          || replicas < 2
          || rows < 1
          || cols < 1
          || !(levelSeconds > 0)
          || !(startValuesPerSecond > 0)
          || !(factor > 1)
          || maxLevels < 1
          || !(soakMinutes >= 0)) {
        throw new IllegalArgumentException(
            "e2e: need runs >= 1, replicas >= 2, a shape, level seconds > 0, start"
                + " rate > 0, factor > 1 and levels >= 1");
      }
    }

    int valuesPerSnapshot() {
      return rows * cols;
    }
  }

  /** One level: what was offered and sent, what the analysis made of it. */
  private record Level(
      double offeredValuesPerSecond,
      LoadGenerator.Report sent,
      double analysedValuesPerSecond,
      boolean complete,
      long maxLagRecords,
      Histogram latency,
      Histogram steadyLatency) {
    boolean keptUp() {
      return complete && analysedValuesPerSecond >= KEPT_UP * sent.valuesPerSecond();
    }

    boolean loadgenLimited() {
      return sent.valuesPerSecond() < KEPT_UP * offeredValuesPerSecond;
    }
  }

  private final Settings settings;
  private final PrintStream progress;
  private final String benchId = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
  private final ExecutorService loadgen =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "loadgen"));
  private KafkaProducer<byte[], byte[]> producer;
  private LoadGenerator.Load load;

  private E2eBench(Settings settings, PrintStream progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /** Runs the whole benchmark; progress lines go to {@code progress}; returns the figures. */
  public static ObjectNode run(Settings settings, PrintStream progress) throws Exception {
    return new E2eBench(settings, progress).run();
  }

  private ObjectNode run() throws Exception {
    try (Pipeline pipeline = Pipeline.start(FpkConfig.load(), "", benchId);
        KafkaAdmin admin = new KafkaAdmin(pipeline.bootstrapServers());
        AlignmentReader alignments = new AlignmentReader(pipeline.bootstrapServers())) {
      String bootstrap = pipeline.bootstrapServers();
      producer = LoadGenerator.producer(bootstrap, "loadgen");
      progress.printf(
          "fpk bench e2e: embedded broker %s, %d runs x %d replicas of %dx%d, levels of %.1f s%n",
          bootstrap,
          settings.runs(),
          settings.replicas(),
          settings.rows(),
          settings.cols(),
          settings.levelSeconds());
      load =
          new LoadGenerator.Load(
              new LoadGenerator.Settings(
                  benchId,
                  "w",
                  settings.runs(),
                  settings.replicas(),
                  settings.rows(),
                  settings.cols(),
                  settings.startValuesPerSecond() / settings.valuesPerSnapshot(),
                  0,
                  1));
      Level warmUp =
          level(
              admin,
              alignments,
              settings.startValuesPerSecond() / 2,
              settings.levelSeconds(),
              WARM_UP_STEPS,
              "warm-up (the runs start)");
      long heapAfterWarmUp = heapAfterGc();

      Map<TopicPartition, Long> from = admin.endOffsets(Topics.SNAPSHOTS);
      AllocationMeter.Reading before = AllocationMeter.read();
      long threadsBefore = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
      ArrayNode levels = JSON.createArrayNode();
      Level best = null;
      Level bestKeptUp = null;
      Level last = null;
      double offered = settings.startValuesPerSecond();
      boolean retried = false;
      for (int i = 0; i < settings.maxLevels(); i++, offered *= settings.factor()) {
        Level level =
            level(admin, alignments, offered, settings.levelSeconds(), MIN_LEVEL_STEPS, "ladder");
        last = level;
        levels.add(toJson(level));
        if (best == null || level.analysedValuesPerSecond() > best.analysedValuesPerSecond()) {
          best = level;
        }
        if (level.keptUp()
            && (bestKeptUp == null
                || level.analysedValuesPerSecond() > bestKeptUp.analysedValuesPerSecond())) {
          bestKeptUp = level;
        }
        if (!level.keptUp() && !level.loadgenLimited() && !retried) {
          // a shared machine stalls now and then: one level that fell behind is run once more
          retried = true;
          offered /= settings.factor();
          continue;
        }
        if (!level.keptUp() || level.loadgenLimited()) {
          break;
        }
      }
      if (!best.complete()) {
        throw new IllegalStateException(
            "e2e: not even the first level was analysed to its last step within "
                + deadlineMillis() / 1000
                + " s (see the log for the analysis's errors)");
      }
      // sustained: the fastest level the analysis kept up with (a level that fell behind still
      // tells the
      // peak throughput while overloaded, reported beside it)
      double sustained = (bestKeptUp != null ? bestKeptUp : best).analysedValuesPerSecond();
      // longer, for enough latency samples (one per run and step)
      Level half =
          level(
              admin,
              alignments,
              sustained / 2,
              HALF_RATE_LENGTH * settings.levelSeconds(),
              MIN_LEVEL_STEPS,
              "half the sustained rate");
      levels.add(toJson(half));
      OuCheck truth =
          OuCheck.of(
              pipeline.collector().latestEstimates(), benchId, settings.rows(), settings.cols());
      AllocationMeter.Reading after = AllocationMeter.read();
      long threadsStarted =
          ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - threadsBefore;
      long heapAtEnd = heapAfterGc();
      Map<TopicPartition, Long> to = admin.endOffsets(Topics.SNAPSHOTS);
      progress.println("raw: a plain consumer reads the same records, " + RAW_PASSES + " times");
      List<RawConsumer.Result> passes = new ArrayList<>();
      for (int i = 0; i < RAW_PASSES; i++) {
        passes.add(RawConsumer.read(bootstrap, from, to));
      }
      // one pass varied 10x between runs of the same build on a busy machine: the median pass
      passes.sort(Comparator.comparingDouble(RawConsumer.Result::seconds));
      RawConsumer.Result raw = passes.get(RAW_PASSES / 2);

      long values = raw.records() * settings.valuesPerSnapshot();
      double rawValuesPerSecond = values / raw.seconds();
      ObjectNode out = JSON.createObjectNode().put("name", "e2e");
      out.put("valuesPerSecond", round(sustained))
          .put("rawValuesPerSecond", round(rawValuesPerSecond))
          .put("shareOfRaw", round3(sustained / rawValuesPerSecond))
          .put("snapshotsPerSecond", round(sustained / settings.valuesPerSnapshot()))
          .put("sustainedLimitedBy", limitedBy(last))
          .put("peakAnalysedValuesPerSecond", round(best.analysedValuesPerSecond()))
          .put("latencyP50Millis", half.steadyLatency().getValueAtPercentile(50))
          .put("latencyP99Millis", half.steadyLatency().getValueAtPercentile(99))
          .put("latencyMaxMillis", half.steadyLatency().getMaxValue())
          .put("latencySamples", half.steadyLatency().getTotalCount())
          .put(
              "latencyExcludes",
              "the runs' start (their first "
                  + AlignmentReader.RUN_START_STEPS
                  + " steps, in the warm-up)")
          .put("latencyWithRunStartP50Millis", warmUp.latency().getValueAtPercentile(50))
          .put("latencyWithRunStartP99Millis", warmUp.latency().getValueAtPercentile(99))
          .put("latencyAtValuesPerSecond", round(half.sent().valuesPerSecond()))
          .put("ouEntriesChecked", truth.entries())
          .put("ouDriftSlopeWithin3StdErr", round3(truth.slopeWithin3StdErr()))
          .put("ouDiffusionMedianRelativeError", round3(truth.medianDiffusionRelativeError()))
          .put(
              "maxConsumerLagRecords",
              levels.findValues("maxLagRecords").stream()
                  .mapToLong(n -> n.asLong())
                  .max()
                  .orElse(0))
          .put("heapAfterGcBytes", heapAtEnd)
          .put("heapAfterGcBytesAfterWarmUp", heapAfterWarmUp)
          .put("bytesAllocatedPerValue", round3((double) after.since(before, n -> true) / values))
          .put(
              "analysisBytesAllocatedPerValue",
              round3((double) after.since(before, n -> n.startsWith("fpk-")) / values))
          .put(
              "loadgenBytesAllocatedPerValue",
              round3((double) after.since(before, n -> n.contains("loadgen")) / values))
          .put("rawConsumerBytesAllocatedPerValue", round3((double) raw.allocatedBytes() / values))
          // a thread per ask continuation once (19,365 in 139 s): none should start once the
          // pipeline runs
          .put("threadsStarted", threadsStarted)
          .put("threadsStartedPer1000Snapshots", round3(1000.0 * threadsStarted / raw.records()))
          .put("rawSeconds", round3(raw.seconds()))
          .put("rawPasses", RAW_PASSES)
          .put("values", values)
          .put("runs", settings.runs())
          .put("replicas", settings.replicas())
          .put("shape", settings.rows() + "x" + settings.cols())
          .put("valuesPerSnapshot", settings.valuesPerSnapshot())
          .put("processors", Runtime.getRuntime().availableProcessors())
          .put("maxHeapBytes", Runtime.getRuntime().maxMemory())
          .put(
              "java",
              System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
      spectralCost(pipeline, raw.records(), out);
      out.set("levels", levels);
      if (settings.soakMinutes() > 0) {
        out.set("soak", soak(admin, alignments, sustained / 2));
      }
      return out;
    } finally {
      loadgen.shutdownNow();
      if (producer != null) {
        producer.close();
      }
    }
  }

  /**
   * Publishes the next steps of the runs at the offered rate (about {@code seconds}, at least
   * {@code minSteps} steps) on the "loadgen" thread and waits for their analysis.
   */
  private Level level(
      KafkaAdmin admin,
      AlignmentReader alignments,
      double offeredValuesPerSecond,
      double seconds,
      long minSteps,
      String purpose)
      throws Exception {
    double snapshotsPerSecond = offeredValuesPerSecond / settings.valuesPerSnapshot();
    long steps =
        Math.max(
            minSteps,
            Math.round(seconds * snapshotsPerSecond / (settings.runs() * settings.replicas())));
    long firstStep = load.nextStep();
    long maxLag = 0;
    LoadGenerator.Report sent = null;
    try (AlignmentReader.Window window = alignments.window()) {
      Future<LoadGenerator.Report> running =
          loadgen.submit(() -> load.publish(producer, snapshotsPerSecond, steps));
      while (sent == null) {
        maxLag = Math.max(maxLag, admin.lag(benchId, Topics.SNAPSHOTS));
        try {
          sent = running.get(250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // still sending
        }
      }
      long lastStep = load.nextStep() - 1;
      long deadline = System.currentTimeMillis() + deadlineMillis();
      long lastPublished = 0;
      boolean complete = false;
      while (!complete && System.currentTimeMillis() < deadline) {
        maxLag = Math.max(maxLag, admin.lag(benchId, Topics.SNAPSHOTS));
        complete = true;
        for (int run = 0; run < settings.runs() && complete; run++) {
          AlignmentReader.Progress p = alignments.progress(benchId + "-r" + run);
          complete = p != null && p.step() >= lastStep;
          lastPublished = complete ? Math.max(lastPublished, p.publishedMillis()) : lastPublished;
        }
        if (!complete) {
          Thread.sleep(20);
        }
      }
      if (!complete) {
        // the next level (above all the half-rate one, which measures latency) must not start
        // behind this backlog
        awaitAnalysed(alignments, lastStep, System.currentTimeMillis() + DRAIN_MILLIS);
      }
      settle(admin, deadline);
      double analysedSeconds = Math.max(1, lastPublished - sent.firstSendMillis()) / 1000.0;
      double analysed = complete ? sent.values() / analysedSeconds : 0;
      Level level =
          new Level(
              offeredValuesPerSecond,
              sent,
              analysed,
              complete,
              maxLag,
              window.latencies(),
              window.steadyLatencies());
      progress.printf(
          Locale.ROOT,
          "%s: offered %.3g values/s, sent %.3g values/s (%.1f snapshots/s, steps %d..%d),"
              + " analysed %.3g values/s%s, lag up to %d records, latency p50 %d ms p99 %d ms (after run start-up: p50"
              + " %d ms p99 %d ms)%n",
          purpose,
          offeredValuesPerSecond,
          sent.valuesPerSecond(),
          sent.snapshotsPerSecond(),
          firstStep,
          lastStep,
          analysed,
          !complete ? " (NOT complete)" : level.keptUp() ? " (kept up)" : " (fell behind)",
          maxLag,
          level.latency().getValueAtPercentile(50),
          level.latency().getValueAtPercentile(99),
          level.steadyLatency().getValueAtPercentile(50),
          level.steadyLatency().getValueAtPercentile(99));
      return level;
    }
  }

  /**
   * Memory over time: the same runs at the given rate for {@code soakMinutes}, heap after GC read
   * every minute. State per (run, layer) bounded by the grid keeps the heap flat from minute 5 on.
   */
  private ObjectNode soak(KafkaAdmin admin, AlignmentReader alignments, double valuesPerSecond)
      throws Exception {
    double snapshotsPerSecond = valuesPerSecond / settings.valuesPerSnapshot();
    long steps =
        Math.round(
            settings.soakMinutes()
                * 60
                * snapshotsPerSecond
                / (settings.runs() * settings.replicas()));
    progress.printf(
        Locale.ROOT,
        "soak: %.1f minutes at %.3g values/s (steps %d..%d), heap after GC every minute%n",
        settings.soakMinutes(),
        valuesPerSecond,
        load.nextStep(),
        load.nextStep() + steps - 1);
    try (AlignmentReader.Window window = alignments.window()) {
      Future<LoadGenerator.Report> running =
          loadgen.submit(() -> load.publish(producer, snapshotsPerSecond, steps));
      ArrayNode heap = JSON.createArrayNode();
      long start = System.nanoTime();
      long maxLag = 0;
      for (int minute = 1; !running.isDone(); ) {
        maxLag = Math.max(maxLag, admin.lag(benchId, Topics.SNAPSHOTS));
        if (System.nanoTime() - start >= minute * 60_000_000_000L) {
          long bytes = heapAfterGc();
          heap.add(bytes);
          progress.printf(
              Locale.ROOT,
              "soak minute %d: heap after GC %d MB, lag up to %d records so far%n",
              minute,
              bytes >> 20,
              maxLag);
          minute++;
        }
        Thread.sleep(250);
      }
      LoadGenerator.Report sent = running.get();
      Histogram latency = window.latencies();
      ObjectNode out =
          JSON.createObjectNode()
              .put("minutes", settings.soakMinutes())
              .put("valuesPerSecond", round(sent.valuesPerSecond()))
              .put("latencyP50Millis", latency.getValueAtPercentile(50))
              .put("latencyP99Millis", latency.getValueAtPercentile(99))
              .put("maxConsumerLagRecords", maxLag);
      out.set("heapAfterGcBytesByMinute", heap);
      long atEnd = heapAfterGc();
      out.put("heapAfterGcBytesAtEnd", atEnd);
      if (heap.size() >= 5) {
        out.put("heapAfterGcBytesAtMinute5", heap.get(4).asLong())
            .put("heapGrowthSinceMinute5", round3((double) atEnd / heap.get(4).asLong() - 1));
      }
      progress.printf(
          Locale.ROOT,
          "soak end: heap after GC %d MB%s%n",
          atEnd >> 20,
          heap.size() >= 5
              ? String.format(Locale.ROOT, " (minute 5: %d MB)", heap.get(4).asLong() >> 20)
              : "");
      return out;
    }
  }

  /** Why the ladder stopped where it did, judged by its last level. */
  private static String limitedBy(Level last) {
    if (last.loadgenLimited()) {
      return "loadgen (it could not send the offered rate)";
    }
    return last.keptUp()
        ? "levels (the analysis kept up at every level: raise --levels)"
        : "analysis";
  }

  /**
   * Lets the analysis finish what it still has (no lag), then rest a moment, so levels do not
   * overlap.
   */
  /**
   * Waits (at most until {@code deadlineMillis}) for every run's alignment to reach {@code
   * lastStep}.
   */
  private void awaitAnalysed(AlignmentReader alignments, long lastStep, long deadlineMillis)
      throws InterruptedException {
    for (int run = 0; run < settings.runs(); run++) {
      AlignmentReader.Progress p = alignments.progress(benchId + "-r" + run);
      while ((p == null || p.step() < lastStep) && System.currentTimeMillis() < deadlineMillis) {
        Thread.sleep(100);
        p = alignments.progress(benchId + "-r" + run);
      }
    }
    progress.printf(Locale.ROOT, "  (waited for the backlog to be analysed before going on)%n");
  }

  private void settle(KafkaAdmin admin, long deadlineMillis) throws InterruptedException {
    while (admin.lag(benchId, Topics.SNAPSHOTS) > 0
        && System.currentTimeMillis() < deadlineMillis) {
      Thread.sleep(100);
    }
    Thread.sleep(SETTLE_MILLIS);
  }

  /** How long after its last snapshot a level may take to be analysed to its last step. */
  private long deadlineMillis() {
    return (long) Math.max(30_000, 4_000 * settings.levelSeconds());
  }

  private static ObjectNode toJson(Level l) {
    return JSON.createObjectNode()
        .put("offeredValuesPerSecond", round(l.offeredValuesPerSecond()))
        .put("sentValuesPerSecond", round(l.sent().valuesPerSecond()))
        .put("sentSnapshotsPerSecond", round(l.sent().snapshotsPerSecond()))
        .put("snapshots", l.sent().snapshots())
        .put("analysedValuesPerSecond", round(l.analysedValuesPerSecond()))
        .put("complete", l.complete())
        .put("keptUp", l.keptUp())
        .put("maxLagRecords", l.maxLagRecords())
        .put("latencyP50Millis", l.steadyLatency().getValueAtPercentile(50))
        .put("latencyP99Millis", l.steadyLatency().getValueAtPercentile(99))
        .put("latencyWithRunStartP99Millis", l.latency().getValueAtPercentile(99));
  }

  /** Heap in use after two full collections, bytes. */
  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 2; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double round(double x) {
    return Math.round(x * 10) / 10.0;
  }

  private static double round3(double x) {
    return Math.round(x * 1000) / 1000.0;
  }

  /**
   * What the spectral stage cost (issue 16): the thread CPU time of its updates over the whole run
   * (all levels), per update and per snapshot analysed, and the windows it skipped.
   */
  private static void spectralCost(Pipeline pipeline, long snapshots, ObjectNode out) {
    io.micrometer.core.instrument.Timer t =
        pipeline.node().registry().find("fpk.spectrum.compute.time").timer();
    long updates = t == null ? 0 : t.count();
    double cpuSeconds = t == null ? 0 : t.totalTime(java.util.concurrent.TimeUnit.SECONDS);
    double skipped =
        pipeline.node().registry().find("fpk.spectrum.skipped").counters().stream()
            .mapToDouble(io.micrometer.core.instrument.Counter::count)
            .sum();
    out.put("spectralUpdates", updates)
        .put("spectralSkipped", (long) skipped)
        .put("spectralCpuSeconds", round3(cpuSeconds))
        .put("spectralCpuMillisPerUpdate", updates == 0 ? 0 : round3(1e3 * cpuSeconds / updates))
        .put("spectralCpuMicrosPerSnapshot", round3(1e6 * cpuSeconds / Math.max(1, snapshots)));
  }
}
