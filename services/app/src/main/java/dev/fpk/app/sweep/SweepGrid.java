package dev.fpk.app.sweep;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The runs of a sweep: every learning rate with every batch size, each its own run id {@code
 * <sweep>/lr=<eta>,batch=<B>}, so that readers (the live page's run picker, reports) group the runs
 * of one sweep by the prefix {@code <sweep>/}. The first learning rate with the first batch size is
 * the reference run the others are compared with.
 */
public record SweepGrid(String sweepId, List<Double> learningRates, List<Integer> batchSizes) {
  /** One run of the grid. */
  public record Point(String runId, double learningRate, int batchSize) {}

  public SweepGrid {
    if (sweepId == null || sweepId.isBlank()) {
      throw new IllegalArgumentException("--sweep-id must not be empty");
    }
    if (sweepId.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "--sweep-id "
              + sweepId
              + ": must not contain '/' (it separates the sweep from its runs)");
    }
    learningRates = List.copyOf(learningRates);
    batchSizes = List.copyOf(batchSizes);
  }

  /** The runs, learning rate by learning rate; the first is the reference. */
  public List<Point> points() {
    List<Point> out = new ArrayList<>();
    for (double eta : learningRates) {
      for (int b : batchSizes) {
        out.add(new Point(runId(eta, b), eta, b));
      }
    }
    return out;
  }

  /** {@code <sweep>/lr=<eta>,batch=<B>}, eta in plain decimal without trailing zeros. */
  public String runId(double eta, int batch) {
    return sweepId
        + "/lr="
        + BigDecimal.valueOf(eta).stripTrailingZeros().toPlainString()
        + ",batch="
        + batch;
  }

  /**
   * The learning rates of {@code --lr}: a comma-separated list of distinct, finite, positive
   * numbers.
   *
   * @throws IllegalArgumentException naming the flag and the value at fault
   */
  public static List<Double> learningRates(String flag, String list) {
    List<Double> out = new ArrayList<>();
    for (String item : items(flag, list)) {
      double v;
      try {
        v = Double.parseDouble(item);
      } catch (NumberFormatException e) {
        throw bad(flag, list, "'" + item + "' is not a number");
      }
      if (!(v > 0) || Double.isInfinite(v)) {
        throw bad(flag, list, item + " must be finite and > 0");
      }
      out.add(v);
    }
    return distinct(flag, list, out);
  }

  /**
   * The batch sizes of {@code --batch}: a comma-separated list of distinct positive integers.
   *
   * @throws IllegalArgumentException naming the flag and the value at fault
   */
  public static List<Integer> batchSizes(String flag, String list) {
    List<Integer> out = new ArrayList<>();
    for (String item : items(flag, list)) {
      int v;
      try {
        v = Integer.parseInt(item);
      } catch (NumberFormatException e) {
        throw bad(flag, list, "'" + item + "' is not an integer");
      }
      if (v < 1) {
        throw bad(flag, list, item + " must be >= 1");
      }
      out.add(v);
    }
    return distinct(flag, list, out);
  }

  private static List<String> items(String flag, String list) {
    if (list == null || list.isBlank()) {
      throw new IllegalArgumentException(
          flag + " '" + (list == null ? "" : list) + "': empty list");
    }
    List<String> out = new ArrayList<>();
    for (String item : list.split(",", -1)) {
      String t = item.strip();
      if (t.isEmpty()) {
        throw bad(flag, list, "an empty item");
      }
      out.add(t);
    }
    return out;
  }

  private static <T> List<T> distinct(String flag, String list, List<T> values) {
    Set<T> seen = new HashSet<>();
    for (T v : values) {
      if (!seen.add(v)) {
        throw bad(flag, list, v + " appears twice (two runs would have one id)");
      }
    }
    return values;
  }

  private static IllegalArgumentException bad(String flag, String list, String why) {
    return new IllegalArgumentException(flag + " " + list + ": " + why);
  }
}
