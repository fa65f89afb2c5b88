package dev.fpk.app.node;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code fpk.analysis.cpu} (seconds, a counter; {@code fpk_analysis_cpu_seconds_total} on
 * /metrics): the CPU time (user + system, JVM thread CPU) of the analysis's threads, those of the
 * node's actor system and its own pools, whose names start with {@code fpk-}: the stream's stages,
 * the estimator and solver entities, the Kafka consumer actor, the spectral thread and the
 * checkpoint loaders. Not counted: GC and JIT threads, the Kafka client's network threads, other
 * processes on the machine; thread CPU, unlike wall time, hardly moves when other processes share
 * the cores. A thread that ends keeps the time it had at the last reading (readings come with each
 * scrape; a dispatcher thread ends only after a minute idle, having used little since).
 */
final class AnalysisCpuMeter implements MeterBinder {
  static final String METER = "fpk.analysis.cpu";
  private static final String THREAD_PREFIX = "fpk-";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> lastNanos = new HashMap<>();

  @Override
  public void bindTo(MeterRegistry registry) {
    if (!threads.isThreadCpuTimeSupported()) {
      return;
    }
    threads.setThreadCpuTimeEnabled(true);
    FunctionCounter.builder(METER, this, AnalysisCpuMeter::seconds)
        .baseUnit("seconds")
        .description("CPU time of the analysis threads (names fpk-*)")
        .register(registry);
  }

  /** The CPU seconds of every analysis thread so far, ended ones at their last reading. */
  synchronized double seconds() {
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null && infos[i].getThreadName().startsWith(THREAD_PREFIX)) {
        long nanos = threads.getThreadCpuTime(ids[i]);
        if (nanos >= 0) {
          lastNanos.put(ids[i], nanos);
        }
      }
    }
    long sum = 0;
    for (long n : lastNanos.values()) {
      sum += n;
    }
    return sum / 1e9;
  }
}
