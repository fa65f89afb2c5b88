package dev.fpk.estimator;

import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import org.slf4j.Logger;

/**
 * One log line for the replicas of a (run, layer) declared gone at once, not one per replica: a
 * finished run otherwise left R warnings, one per replica, a replica timeout after its last step.
 * When every replica fell silent at the same step, the watermark has reached it and none is left
 * live, the run most likely ended there (the protocol has no "last step" mark), which is said
 * calmly (INFO); anything else (some replicas stopped while others go on, or at different steps) is
 * a fault worth a WARN.
 */
final class SilentReplicas {
  /** What is logged: the line and whether it is a warning (else information). */
  record Line(boolean warning, String text) {}

  private SilentReplicas() {}

  /** Logs the replicas {@code gone} just declared gone by {@code assembler}, if any. */
  static void log(
      Logger log,
      String entityId,
      List<Integer> gone,
      StepAssembler assembler,
      long timeoutMillis) {
    if (gone.isEmpty()) {
      return;
    }
    Line line = describe(entityId, gone, assembler, timeoutMillis);
    if (line.warning()) {
      log.warn(line.text());
    } else {
      log.info(line.text());
    }
  }

  /** The line for a non-empty {@code gone}. */
  static Line describe(
      String entityId, List<Integer> gone, StepAssembler assembler, long timeoutMillis) {
    LongSummaryStatistics last =
        gone.stream().mapToLong(assembler::latestStep).filter(s -> s >= 0).summaryStatistics();
    long mute = gone.stream().filter(r -> assembler.latestStep(r) < 0).count();
    if (mute == 0
        && last.getMin() == last.getMax()
        && assembler.liveReplicas() == 0
        && assembler.watermark() == last.getMax()) {
      return new Line(
          false,
          String.format(
              Locale.ROOT,
              "%s: all %d replicas silent since step %d for %d ms:"
                  + " the run ended (or paused) there",
              entityId,
              gone.size(),
              last.getMax(),
              timeoutMillis));
    }
    String since =
        last.getCount() == 0
            ? ""
            : last.getMin() == last.getMax()
                ? " since step " + last.getMax()
                : " since steps " + last.getMin() + "-" + last.getMax();
    String never = mute == 0 ? "" : String.format(Locale.ROOT, " (%d never gave a step)", mute);
    // with no replica live the feed counts as paused (StepAssembler): steps wait instead of moving
    // on
    String then =
        assembler.liveReplicas() == 0
            ? "the feed paused: steps wait for them, watermark at step %d"
            : "the watermark moves on without them, now at step %d";
    return new Line(
        true,
        String.format(
            Locale.ROOT,
            "%s: %d replicas silent%s%s for more than %d ms, declared gone (%s);"
                + " %d live; "
                + then,
            entityId,
            gone.size(),
            since,
            never,
            timeoutMillis,
            replicaList(gone),
            assembler.liveReplicas(),
            assembler.watermark()));
  }

  /** The replica ids, the first few of a long list. */
  private static String replicaList(List<Integer> gone) {
    List<Integer> sorted = gone.stream().sorted().toList();
    int shown = Math.min(sorted.size(), 8);
    String ids = sorted.subList(0, shown).toString().replace("[", "").replace("]", "");
    return (sorted.size() == 1 ? "replica " : "replicas ")
        + ids
        + (shown < sorted.size() ? ", ..." : "");
  }
}
