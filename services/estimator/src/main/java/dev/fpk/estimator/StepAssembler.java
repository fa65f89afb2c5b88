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

/**
 * Turns the snapshots of one (run, layer), as they arrive, into complete ensemble steps: the step
 * watermark of services/README.md. Event time is the optimiser step.
 *
 * <p>Step {@code n} completes when every live replica has reported {@code n}; a replica may deliver
 * its steps out of order, so one that has moved past {@code n} is still waited for (until it times
 * out, or the pending bound below forces the step out). The expected replicas are {@code
 * 0..ensemble_size-1} when the trainer declares its ensemble size, otherwise the replicas seen so
 * far; in that case a step also waits until some replica has moved past it, so that the first
 * replica to report does not complete a step alone. A replica silent for longer than the timeout is
 * declared gone and the watermark moves on without it; if it speaks again it is live again. Silence
 * is wall-clock time at this assembler, but while the layer's feed flows and the snapshots carry
 * their trainers' times ({@code time_unix_millis}), a replica whose last snapshot is within the
 * timeout of the newest one's trainer time is not silent, only read late: a consumer behind its
 * partition (a backlog, an overloaded machine) reads each replica's next step long after the last
 * one, though the trainer published them together. When every replica is silent, the layer's feed
 * paused: no step completes for want of live replicas, and the first snapshot after the pause makes
 * them all live again ({@link #resumeAll}); so a run whose trainers stopped at different steps
 * leaves its last incomplete steps pending. A snapshot at or behind the watermark is late (or a
 * duplicate, if the same replica already gave that step); a second copy of a pending (replica,
 * step) is a duplicate. At most {@code maxPendingSteps} steps wait; beyond that the oldest
 * completes with the replicas it has, so memory stays bounded.
 *
 * <p>Not thread-safe: one instance belongs to one entity. Wall-clock time is passed in, so a test
 * drives it by hand. {@link #writeTo} / {@link #readFrom} snapshot and restore the whole state (for
 * checkpoints); a restore restarts every replica's silence clock.
 */
public final class StepAssembler {

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

  // replicas are never forgotten, so both of these only ever move one way:
  /** The earliest first-seen time of any replica (Long.MAX_VALUE before the first). */
  private long firstSeenMillis = Long.MAX_VALUE;

  /** Replicas 0..knownPrefix-1 are all known. */
  private int knownPrefix;

  /** Wall-clock time of the last snapshot from any replica (Long.MIN_VALUE before the first). */
  private long lastHeardMillis = Long.MIN_VALUE;

  /** The earliest and newest trainer times of the snapshots (0: none carried one). */
  private long firstEventMillis;

  private long newestEventMillis;

  public StepAssembler(long replicaTimeoutMillis, int maxPendingSteps) {
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
    if (shape == null) {
      shape = shapeOf(s);
    } else if (!sameShape(s)) {
      return new Offer(Outcome.SHAPE_MISMATCH, List.of(), List.of());
    }
    declaredSize = Math.max(declaredSize, s.getEnsembleSize());
    Replica replica = replicas.get(s.getReplica());
    if (replica == null) {
      // computeIfAbsent links a new entry first in its bucket, put last: the map's order is the
      // order replicas are declared gone in, kept as it was
      replica = replicas.computeIfAbsent(s.getReplica(), id -> new Replica(nowMillis));
      counted(replica);
    }
    if (!replica.live && liveReplicas() == 0) {
      resumeAll(nowMillis);
    }
    replica.lastSeenMillis = nowMillis;
    replica.live = true;
    lastHeardMillis = nowMillis;
    long event = s.getTimeUnixMillis();
    if (event > 0) {
      replica.lastEventMillis = Math.max(replica.lastEventMillis, event);
      firstEventMillis = firstEventMillis == 0 ? event : Math.min(firstEventMillis, event);
      newestEventMillis = Math.max(newestEventMillis, event);
    }
    Outcome outcome;
    if (s.getStep() <= watermark) {
      outcome = replica.remembers(s.getStep()) ? Outcome.DUPLICATE : Outcome.LATE;
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
      StateIo.writeLongs(out, e.getValue().recent());
    }
  }

  /**
   * The assembler {@link #writeTo} wrote. Wall-clock times were not kept: every replica counts as
   * last heard at {@code nowMillis}, so a restart does not declare the whole ensemble gone.
   */
  public static StepAssembler readFrom(
      DataInput in, long replicaTimeoutMillis, int maxPendingSteps, long nowMillis)
      throws IOException {
    StepAssembler a = new StepAssembler(replicaTimeoutMillis, maxPendingSteps);
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
      long latestStep = in.readLong();
      for (long step : StateIo.readLongs(in)) {
        r.remember(step);
      }
      r.latestStep = latestStep;
      a.add(id, r);
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

  /**
   * The replicas silent for longer than the timeout, now declared gone (in the map's order, then
   * the declared ones never heard).
   */
  private List<Integer> expire(long nowMillis) {
    List<Integer> gone = List.of();
    boolean flowing = nowMillis - lastHeardMillis <= replicaTimeoutMillis;
    for (Map.Entry<Integer, Replica> e : replicas.entrySet()) {
      Replica r = e.getValue();
      if (r.live
          && nowMillis - r.lastSeenMillis > replicaTimeoutMillis
          && !(flowing && withinTimeout(r.lastEventMillis))) {
        r.live = false;
        gone = added(gone, e.getKey());
      }
    }
    // a declared replica that never spoke is as good as gone after the timeout
    long firstSeen = replicas.isEmpty() ? nowMillis : firstSeenMillis;
    if (knownPrefix < declaredSize
        && nowMillis - firstSeen > replicaTimeoutMillis
        && !(flowing && withinTimeout(firstEventMillis))) {
      for (int id = knownPrefix; id < declaredSize; id++) {
        if (!replicas.containsKey(id)) {
          Replica r = new Replica(firstSeen);
          r.live = false;
          add(id, r);
          gone = added(gone, id);
        }
      }
    }
    return gone;
  }

  /**
   * Whether a snapshot of trainer time {@code eventMillis} (0: unknown) is within the timeout of
   * the newest snapshot's trainer time: its replica is read late, not silent.
   */
  private boolean withinTimeout(long eventMillis) {
    return eventMillis > 0 && newestEventMillis - eventMillis <= replicaTimeoutMillis;
  }

  private void add(int id, Replica r) {
    replicas.put(id, r);
    counted(r);
  }

  /** The running first-seen time and known prefix, after {@code r} was put in {@link #replicas}. */
  private void counted(Replica r) {
    firstSeenMillis = Math.min(firstSeenMillis, r.firstSeenMillis);
    while (replicas.containsKey(knownPrefix)) {
      knownPrefix++;
    }
  }

  /** {@code list} with {@code id} appended; a fresh list is made only when something is added. */
  private static List<Integer> added(List<Integer> list, int id) {
    List<Integer> out = list.isEmpty() ? new ArrayList<>() : list;
    out.add(id);
    return out;
  }

  private List<EnsembleStep> drain() {
    List<EnsembleStep> done = List.of();
    while (!pending.isEmpty()) {
      long n = pending.firstKey();
      if (!isComplete(n) && pending.size() <= maxPendingSteps) {
        break;
      }
      if (done.isEmpty()) {
        done = new ArrayList<>();
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
      return knownPrefix >= declaredSize;
    }
    return someoneMovedOn;
  }

  private EnsembleStep assemble(long step, Map<Integer, WeightSnapshot> atStep) {
    int[] ids = new int[atStep.size()];
    int i = 0;
    for (int id : atStep.keySet()) {
      ids[i++] = id;
    }
    Arrays.sort(ids);
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

  private static int[] shapeOf(WeightSnapshot s) {
    int[] out = new int[s.getShapeCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = s.getShape(i);
    }
    return out;
  }

  private boolean sameShape(WeightSnapshot s) {
    if (s.getShapeCount() != shape.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (s.getShape(i) != shape[i]) {
        return false;
      }
    }
    return true;
  }

  /** What the assembler knows of one replica. */
  private static final class Replica {
    final long firstSeenMillis;

    /**
     * The highest REMEMBERED_STEPS distinct steps accepted, ascending in recent[0..recentCount).
     */
    private final long[] recent = new long[REMEMBERED_STEPS + 1];

    private int recentCount;
    long lastSeenMillis;

    /** The newest trainer time of its snapshots (0: none carried one; not checkpointed). */
    long lastEventMillis;

    long latestStep = -1;
    boolean live = true;

    Replica(long nowMillis) {
      this.firstSeenMillis = nowMillis;
      this.lastSeenMillis = nowMillis;
    }

    void remember(long step) {
      latestStep = Math.max(latestStep, step);
      int at = Arrays.binarySearch(recent, 0, recentCount, step);
      if (at >= 0) {
        return;
      }
      at = -at - 1;
      System.arraycopy(recent, at, recent, at + 1, recentCount - at);
      recent[at] = step;
      recentCount++;
      if (recentCount > REMEMBERED_STEPS) {
        // forget the lowest (steps mostly arrive in order, so this is usually the oldest)
        System.arraycopy(recent, 1, recent, 0, --recentCount);
      }
    }

    boolean remembers(long step) {
      return Arrays.binarySearch(recent, 0, recentCount, step) >= 0;
    }

    long[] recent() {
      return Arrays.copyOf(recent, recentCount);
    }
  }
}
