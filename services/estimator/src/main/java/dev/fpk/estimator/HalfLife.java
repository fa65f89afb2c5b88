package dev.fpk.estimator;

import com.typesafe.config.Config;
import dev.fpk.physics.km.Memories;
import java.util.Locale;

/**
 * A {@code half-life-steps} setting: {@code adaptive} (several memories side by side, the one that
 * predicts each entry's next increments best chosen online: {@link Memories#adaptive}), or a fixed
 * half-life of the exponential forgetting in optimiser steps ({@code inf}: never forget). The one
 * parser of every {@code half-life-steps} key (the estimators', the joint model's).
 *
 * @param adaptive whether the memory is chosen online
 * @param steps the fixed half-life in optimiser steps, {@code > 0} ({@code +infinity}: none); NaN
 *     when adaptive
 */
public record HalfLife(boolean adaptive, double steps) {
  /** The default: chosen online. */
  public static final HalfLife ADAPTIVE = new HalfLife(true, Double.NaN);

  public HalfLife {
    if (!adaptive && !(steps > 0)) {
      throw new IllegalArgumentException("half-life " + steps + ": must be > 0 (or inf)");
    }
  }

  /** A fixed half-life of {@code steps} optimiser steps. */
  public static HalfLife fixed(double steps) {
    return new HalfLife(false, steps);
  }

  /**
   * The setting at {@code path} of {@code config}: "adaptive", "inf" or a positive number.
   *
   * @param key the key's full name, for the message of a bad value
   * @throws IllegalArgumentException naming the key and the value if it is none of these
   */
  public static HalfLife parse(Config config, String path, String key) {
    String v = config.getString(path).trim();
    String lower = v.toLowerCase(Locale.ROOT);
    if (lower.equals("adaptive")) {
      return ADAPTIVE;
    }
    double steps;
    try {
      steps = lower.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " = " + v + ": not adaptive, a number or inf", e);
    }
    if (!(steps > 0)) {
      throw new IllegalArgumentException(key + " = " + v + ": must be > 0 (or inf, or adaptive)");
    }
    return fixed(steps);
  }

  /**
   * The fixed half-life, or {@code fallback} when adaptive (for fits that have no memory choice).
   */
  public double stepsOr(double fallback) {
    return adaptive ? fallback : steps;
  }

  /** The memories of the estimators: the adaptive set, or the one fixed memory. */
  public Memories memories(int minBinCount) {
    return adaptive ? Memories.adaptive(minBinCount) : Memories.fixed(steps, minBinCount);
  }

  @Override
  public String toString() {
    return adaptive
        ? "adaptive"
        : steps == Double.POSITIVE_INFINITY ? "inf" : Double.toString(steps);
  }
}
