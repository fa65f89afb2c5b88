package dev.fpk.estimator;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which entries of an ensemble layer are analysed (watched): {@code all}, every {@code stride:s}-th
 * entry in row-major order (0, s, 2s, ...), the first {@code rows:k} rows, the first {@code cols:k}
 * columns, or an explicit {@code list:i,j,...} of row-major indices into the full matrix. The
 * selection is text until a layer's shape is known ({@link #entries}); entries keep their position
 * in the full matrix wherever they are reported.
 *
 * <p>Rows are the first dimension of the shape, columns the last (a vector's one dimension is
 * both). {@link #toString} is the canonical form ({@code list} sorted, without repeats) that {@link
 * #parse} reads back; it is what checkpoints and outputs carry.
 */
public final class EntrySelection {
  /** The kinds of selection, by their names in the text form. */
  public enum Kind {
    ALL,
    STRIDE,
    ROWS,
    COLS,
    LIST
  }

  /** Every entry: the default. */
  public static final EntrySelection ALL = new EntrySelection(Kind.ALL, 0, new int[0]);

  private static final String FORMS = "all, stride:S, rows:K, cols:K or list:I,J,...";

  private final Kind kind;

  /** The stride, or the number of rows or columns; 0 for all and list. */
  private final int count;

  /** The list's row-major indices, ascending, without repeats; empty for the other kinds. */
  private final int[] list;

  private EntrySelection(Kind kind, int count, int[] list) {
    this.kind = kind;
    this.count = count;
    this.list = list;
  }

  /**
   * Reads the text form: {@code all}, {@code stride:S}, {@code rows:K}, {@code cols:K} (whole
   * numbers >= 1) or {@code list:I,J,...} (whole numbers >= 0, at least one); case and blanks
   * around the parts do not matter. An empty text is {@code all} (outputs written before selections
   * existed carry none).
   *
   * @throws IllegalArgumentException naming the value and what is wrong with it
   */
  public static EntrySelection parse(String text) {
    String t = text.strip();
    if (t.isEmpty() || t.equalsIgnoreCase("all")) {
      return ALL;
    }
    int colon = t.indexOf(':');
    if (colon < 0) {
      throw bad(text, "not one of " + FORMS);
    }
    String name = t.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    String argument = t.substring(colon + 1).strip();
    return switch (name) {
      case "stride" ->
          new EntrySelection(Kind.STRIDE, positive(text, argument, "the stride"), new int[0]);
      case "rows" ->
          new EntrySelection(Kind.ROWS, positive(text, argument, "the rows"), new int[0]);
      case "cols" ->
          new EntrySelection(Kind.COLS, positive(text, argument, "the columns"), new int[0]);
      case "list" -> new EntrySelection(Kind.LIST, 0, list(text, argument));
      default -> throw bad(text, "'" + name + "' is not one of " + FORMS);
    };
  }

  public Kind kind() {
    return kind;
  }

  /** True for {@code all}. */
  public boolean all() {
    return kind == Kind.ALL;
  }

  /**
   * The row-major indices watched in a layer of this shape, ascending. Indices of a list beyond the
   * layer ({@link #beyond}) are left out; rows or columns beyond the layer's are the layer's.
   */
  public int[] entries(int[] shape) {
    int n = size(shape);
    return switch (kind) {
      case ALL -> range(0, n, 1);
      case STRIDE -> range(0, n, count);
      case ROWS -> range(0, Math.min(count, shape[0]) * (n / Math.max(1, shape[0])), 1);
      case COLS -> columns(n, shape[shape.length - 1]);
      case LIST -> Arrays.stream(list).filter(i -> i < n).toArray();
    };
  }

  /** The listed indices a layer of this shape does not have (empty unless a list). */
  public int[] beyond(int[] shape) {
    int n = size(shape);
    return Arrays.stream(list).filter(i -> i >= n).toArray();
  }

  private static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  private static int[] range(int from, int to, int step) {
    int[] out = new int[Math.max(0, (to - from + step - 1) / step)];
    for (int k = 0; k < out.length; k++) {
      out[k] = from + k * step;
    }
    return out;
  }

  /** The entries of the first {@link #count} of {@code cols} columns of n entries. */
  private int[] columns(int n, int cols) {
    int k = Math.min(count, cols);
    int[] out = new int[n / cols * k];
    int i = 0;
    for (int row = 0; row < n; row += cols) {
      for (int c = 0; c < k; c++) {
        out[i++] = row + c;
      }
    }
    return out;
  }

  private static int positive(String text, String argument, String what) {
    int v = whole(text, argument, what);
    if (v < 1) {
      throw bad(text, what + " must be >= 1, got " + v);
    }
    return v;
  }

  private static int whole(String text, String argument, String what) {
    try {
      return Integer.parseInt(argument.strip());
    } catch (NumberFormatException e) {
      throw bad(text, what + " must be a whole number, got '" + argument.strip() + "'");
    }
  }

  private static int[] list(String text, String argument) {
    if (argument.isEmpty()) {
      throw bad(text, "the list names no entry");
    }
    String[] parts = argument.split(",", -1);
    int[] out = new int[parts.length];
    for (int k = 0; k < parts.length; k++) {
      out[k] = whole(text, parts[k], "each listed entry (a row-major index)");
      if (out[k] < 0) {
        throw bad(text, "each listed entry must be >= 0, got " + out[k]);
      }
    }
    return Arrays.stream(out).sorted().distinct().toArray();
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("entry selection '" + text + "': " + why);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ALL -> "all";
      case LIST ->
          "list:"
              + Arrays.stream(list).mapToObj(Integer::toString).collect(Collectors.joining(","));
      default -> kind.name().toLowerCase(Locale.ROOT) + ":" + count;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EntrySelection s
        && s.kind == kind
        && s.count == count
        && Arrays.equals(s.list, list);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * kind.hashCode() + count) + Arrays.hashCode(list);
  }
}
