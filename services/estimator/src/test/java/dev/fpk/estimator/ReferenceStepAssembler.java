package dev.fpk.estimator;

import dev.fpk.estimator.checkpoint.StateIo;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The test oracle for {@link StepAssembler}: the assembler as it was before it was made cheaper per
 * snapshot (commit 68ad565), unchanged but for its name; StepAssemblerReferenceTest drives both
 * with the same random snapshots and clock and expects the same answers and checkpoints.
 */
final class ReferenceStepAssembler {

  /** What became of one offered snapshot. */
  public enum Outcome {
    ACCEPTED,
    DUPLICATE,
    LATE,
    SHAPE_MISMATCH
  }

  /** The outcome of an offer, the steps it completed, and the replicas it declared gone. */
  public record Offer(Outcome outcome, List<EnsembleStep> completed, List<Integer> gone) {}

  private static final int REMEMBERED_STEPS = 64;

  private final long replicaTimeoutMillis;
  private final int maxPendingSteps;
  private final NavigableMap<Long, Map<Integer, WeightSnapshot>> pending = new TreeMap<>();
  private final Map<Integer, Replica> replicas = new HashMap<>();
  private int[] shape;
  private int declaredSize;
  private long watermark = -1;

  ReferenceStepAssembler(long replicaTimeoutMillis, int maxPendingSteps) {
    if (replicaTimeoutMillis <= 0) {
      throw new IllegalArgumentException(
          "replicaTimeoutMillis = " + replicaTimeoutMillis + ": must be > 0");
    }
    if (maxPendingSteps < 1) {
      throw new IllegalArgumentException("maxPendingSteps = " + maxPendingSteps + ": must be >= 1");
    }
    this.replicaTimeoutMillis = replicaTimeoutMillis;
    this.maxPendingSteps = maxPendingSteps;
  }

  /** The last completed step, -1 before the first. */
  public long watermark() {
    return watermark;
  }

  /** The highest step {@code replica} has given, -1 if it never gave one (or is unknown). */
  public long latestStep(int replica) {
    Replica r = replicas.get(replica);
    return r == null ? -1 : r.latestStep;
  }

  /** Number of replicas currently counted as live. */
  public int liveReplicas() {
    return (int) replicas.values().stream().filter(r -> r.live).count();
  }

  /** Offers one validated snapshot received at wall-clock time {@code nowMillis}. */
  public Offer offer(WeightSnapshot s, long nowMillis) {
    int[] sShape = s.getShapeList().stream().mapToInt(Integer::intValue).toArray();
    if (shape == null) {
      shape = sShape;
    } else if (!Arrays.equals(shape, sShape)) {
      return new Offer(Outcome.SHAPE_MISMATCH, List.of(), List.of());
    }
    declaredSize = Math.max(declaredSize, s.getEnsembleSize());
    Replica replica = replicas.computeIfAbsent(s.getReplica(), id -> new Replica(nowMillis));
    if (!replica.live && liveReplicas() == 0) {
      resumeAll(nowMillis);
    }
    replica.lastSeenMillis = nowMillis;
    replica.live = true;
    Outcome outcome;
    if (s.getStep() <= watermark) {
      outcome = replica.recent.contains(s.getStep()) ? Outcome.DUPLICATE : Outcome.LATE;
    } else {
      Map<Integer, WeightSnapshot> atStep =
          pending.computeIfAbsent(s.getStep(), k -> new HashMap<>());
      outcome =
          atStep.putIfAbsent(s.getReplica(), s) == null ? Outcome.ACCEPTED : Outcome.DUPLICATE;
      if (outcome == Outcome.ACCEPTED) {
        replica.remember(s.getStep());
      }
    }
    List<Integer> gone = expire(nowMillis);
    return new Offer(outcome, drain(), gone);
  }

  /**
   * Declares replicas silent for longer than the timeout gone and completes what that allows;
   * called on every offer and by the owner's timer.
   */
  public Offer tick(long nowMillis) {
    List<Integer> gone = expire(nowMillis);
    return new Offer(Outcome.ACCEPTED, drain(), gone);
  }

  /**
   * Number of matrix entries held in pending snapshots (the bulk of a checkpoint, 4 bytes each).
   */
  public long pendingValues() {
    long n = 0;
    for (Map<Integer, WeightSnapshot> atStep : pending.values()) {
      for (WeightSnapshot s : atStep.values()) {
        n += s.getValuesCount();
      }
    }
    return n;
  }

  /**
   * Writes the state: shape, declared size, watermark, pending snapshots, replicas (without
   * wall-clock times).
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeBoolean(shape != null);
    if (shape != null) {
      StateIo.writeInts(out, shape);
    }
    out.writeInt(declaredSize);
    out.writeLong(watermark);
    out.writeInt(pending.size());
    for (Map.Entry<Long, Map<Integer, WeightSnapshot>> e : pending.entrySet()) {
      out.writeLong(e.getKey());
      out.writeInt(e.getValue().size());
      for (WeightSnapshot s : new TreeMap<>(e.getValue()).values()) {
        StateIo.writeMessage(out, s);
      }
    }
    out.writeInt(replicas.size());
    for (Map.Entry<Integer, Replica> e : new TreeMap<>(replicas).entrySet()) {
      out.writeInt(e.getKey());
      out.writeBoolean(e.getValue().live);
      out.writeLong(e.getValue().latestStep);
      StateIo.writeLongs(out, e.getValue().recent.stream().mapToLong(Long::longValue).toArray());
    }
  }

  /**
   * The assembler {@link #writeTo} wrote. Wall-clock times were not kept: every replica counts as
   * last heard at {@code nowMillis}, so a restart does not declare the whole ensemble gone.
   */
  static ReferenceStepAssembler readFrom(
      DataInput in, long replicaTimeoutMillis, int maxPendingSteps, long nowMillis)
      throws IOException {
    ReferenceStepAssembler a = new ReferenceStepAssembler(replicaTimeoutMillis, maxPendingSteps);
    if (in.readBoolean()) {
      a.shape = StateIo.readInts(in);
    }
    a.declaredSize = in.readInt();
    a.watermark = in.readLong();
    for (int n = in.readInt(); n > 0; n--) {
      Map<Integer, WeightSnapshot> atStep = new HashMap<>();
      long step = in.readLong();
      for (int k = in.readInt(); k > 0; k--) {
        WeightSnapshot s = StateIo.readMessage(in, WeightSnapshot.parser());
        atStep.put(s.getReplica(), s);
      }
      a.pending.put(step, atStep);
    }
    for (int n = in.readInt(); n > 0; n--) {
      int id = in.readInt();
      Replica r = new Replica(nowMillis);
      r.live = in.readBoolean();
      r.latestStep = in.readLong();
      for (long step : StateIo.readLongs(in)) {
        r.recent.add(step);
      }
      a.replicas.put(id, r);
    }
    return a;
  }

  /**
   * Every replica live again, its silence clock restarted: they all fell silent at once, so the
   * layer's feed paused (its partition unfed while shards moved, a stalled stream, a paused run)
   * rather than R trainers failing. Else the first replica heard after the pause would complete its
   * step alone (one replica: no ensemble figures, no output comparison) and the others' snapshots
   * of that step would be late. A replica really gone is declared gone again after the timeout.
   */
  private void resumeAll(long nowMillis) {
    for (Replica r : replicas.values()) {
      r.live = true;
      r.lastSeenMillis = nowMillis;
    }
  }

  private List<Integer> expire(long nowMillis) {
    List<Integer> gone = new ArrayList<>();
    replicas.forEach(
        (id, r) -> {
          if (r.live && nowMillis - r.lastSeenMillis > replicaTimeoutMillis) {
            r.live = false;
            gone.add(id);
          }
        });
    if (declaredSize > 0) {
      // a declared replica that never spoke is as good as gone after the timeout
      long firstSeen =
          replicas.values().stream().mapToLong(r -> r.firstSeenMillis).min().orElse(nowMillis);
      for (int id = 0; id < declaredSize; id++) {
        if (!replicas.containsKey(id) && nowMillis - firstSeen > replicaTimeoutMillis) {
          Replica r = new Replica(firstSeen);
          r.live = false;
          replicas.put(id, r);
          gone.add(id);
        }
      }
    }
    return gone;
  }

  private List<EnsembleStep> drain() {
    List<EnsembleStep> done = new ArrayList<>();
    while (!pending.isEmpty()) {
      long n = pending.firstKey();
      if (!isComplete(n) && pending.size() <= maxPendingSteps) {
        break;
      }
      done.add(assemble(n, pending.pollFirstEntry().getValue()));
      watermark = n;
    }
    return done;
  }

  private boolean isComplete(long n) {
    Map<Integer, WeightSnapshot> atStep = pending.get(n);
    boolean someoneMovedOn = false;
    boolean someoneLive = false;
    for (Map.Entry<Integer, Replica> e : replicas.entrySet()) {
      Replica r = e.getValue();
      someoneMovedOn |= r.latestStep > n;
      someoneLive |= r.live;
      if (r.live && !atStep.containsKey(e.getKey())) {
        return false;
      }
    }
    if (!someoneLive) {
      // all silent: the feed paused (see resumeAll), so the snapshots the step lacks are still to
      // come
      return false;
    }
    if (declaredSize > 0) {
      for (int id = 0; id < declaredSize; id++) {
        if (!replicas.containsKey(id)) {
          return false;
        }
      }
      return true;
    }
    return someoneMovedOn;
  }

  private EnsembleStep assemble(long step, Map<Integer, WeightSnapshot> atStep) {
    int[] ids = new TreeSet<>(atStep.keySet()).stream().mapToInt(Integer::intValue).toArray();
    int entries = atStep.get(ids[0]).getValuesCount();
    float[] values = new float[ids.length * entries];
    long newest = 0;
    WeightSnapshot first = atStep.get(ids[0]);
    for (int k = 0; k < ids.length; k++) {
      WeightSnapshot s = atStep.get(ids[k]);
      for (int e = 0; e < entries; e++) {
        values[k * entries + e] = s.getValues(e);
      }
      newest = Math.max(newest, s.getTimeUnixMillis());
    }
    return new EnsembleStep(
        first.getRunId(),
        first.getLayer(),
        step,
        shape.clone(),
        ids,
        values,
        first.getLearningRate(),
        first.getBatchSize(),
        newest,
        probeInputs(ids, atStep));
  }

  /** Every replica's probe inputs, replica-major; none unless all replicas sent as many. */
  private static float[] probeInputs(int[] ids, Map<Integer, WeightSnapshot> atStep) {
    int each = atStep.get(ids[0]).getProbeInputsCount();
    for (int id : ids) {
      if (atStep.get(id).getProbeInputsCount() != each) {
        return new float[0];
      }
    }
    float[] out = new float[ids.length * each];
    for (int k = 0; k < ids.length; k++) {
      WeightSnapshot s = atStep.get(ids[k]);
      for (int i = 0; i < each; i++) {
        out[k * each + i] = s.getProbeInputs(i);
      }
    }
    return out;
  }

  /** What the assembler knows of one replica. */
  private static final class Replica {
    final long firstSeenMillis;
    final TreeSet<Long> recent = new TreeSet<>();
    long lastSeenMillis;
    long latestStep = -1;
    boolean live = true;

    Replica(long nowMillis) {
      this.firstSeenMillis = nowMillis;
      this.lastSeenMillis = nowMillis;
    }

    void remember(long step) {
      latestStep = Math.max(latestStep, step);
      recent.add(step);
      if (recent.size() > REMEMBERED_STEPS) {
        recent.pollFirst();
      }
    }
  }
}
