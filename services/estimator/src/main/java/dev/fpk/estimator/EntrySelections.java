package dev.fpk.estimator;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@link EntrySelection} of each layer, by layer-name pattern: the {@code fpk.entries} setting
 * and the {@code --entries} option. A pattern is a layer name with {@code *} (any characters) and
 * {@code ?} (one character); a layer no pattern matches watches all its entries. When several
 * match, a pattern without wildcards (the layer's own name) wins, else the longest pattern, else
 * the first in alphabetical order, so the choice never depends on the order the rules were written
 * in.
 *
 * <p>Two written forms: a config object {@code fpk.entries { "enc*" = "stride:4", fc1 = "rows:2"
 * }}, or one text of rules separated by {@code ;}, each {@code pattern=selection} or a bare
 * selection for every layer ({@code "stride:4"} = {@code "*=stride:4"}), as {@code --entries} and
 * {@code FPK_ENTRIES} give it.
 */
public final class EntrySelections {
  /** No rules: every layer watches all its entries. */
  public static final EntrySelections ALL = new EntrySelections(Map.of());

  /** The config key. */
  public static final String KEY = "fpk.entries";

  /** Selection by pattern, in alphabetical order of the patterns. */
  private final Map<String, EntrySelection> rules;

  private final Map<String, Pattern> patterns = new LinkedHashMap<>();

  private EntrySelections(Map<String, EntrySelection> rules) {
    this.rules = new TreeMap<>(rules);
    this.rules.keySet().forEach(p -> patterns.put(p, glob(p)));
  }

  /**
   * The rules of {@code fpk.entries} in {@code root}: an object of pattern = selection, or a text
   * of rules ({@link #parse}); none when the key is absent.
   *
   * @throws IllegalArgumentException naming the setting and the bad value
   */
  public static EntrySelections fromConfig(Config root) {
    if (!root.hasPath(KEY)) {
      return ALL;
    }
    ConfigValue value = root.getValue(KEY);
    if (value.valueType() != ConfigValueType.OBJECT) {
      return parse(String.valueOf(value.unwrapped()), KEY);
    }
    Map<String, EntrySelection> rules = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : root.getObject(KEY).entrySet()) {
      String text = String.valueOf(e.getValue().unwrapped());
      rules.put(e.getKey(), selection(KEY + ".\"" + e.getKey() + "\"", text, text));
    }
    return new EntrySelections(rules);
  }

  /**
   * Reads a text of rules: {@code pattern=selection} separated by {@code ;}, or a bare selection
   * for every layer; blank: none.
   *
   * @param setting the setting or option the text comes from, for the message of a bad value
   * @throws IllegalArgumentException naming the setting and the bad rule
   */
  public static EntrySelections parse(String text, String setting) {
    Map<String, EntrySelection> rules = new TreeMap<>();
    for (String rule : text.split(";")) {
      if (rule.isBlank()) {
        continue;
      }
      int eq = rule.indexOf('=');
      String pattern = eq < 0 ? "*" : rule.substring(0, eq).strip();
      if (pattern.isEmpty()) {
        throw new IllegalArgumentException(
            setting + " = " + text + ": rule '" + rule.strip() + "' has no layer pattern");
      }
      String selection = eq < 0 ? rule : rule.substring(eq + 1);
      if (rules.put(pattern, selection(setting, rule, selection)) != null) {
        throw new IllegalArgumentException(
            setting + " = " + text + ": layer pattern '" + pattern + "' is given twice");
      }
    }
    return new EntrySelections(rules);
  }

  /** The selection {@code text} of the rule {@code written} of {@code setting}. */
  private static EntrySelection selection(String setting, String written, String text) {
    try {
      return EntrySelection.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          setting + " = \"" + written.strip() + "\": " + e.getMessage(), e);
    }
  }

  /** The selection of the layer named {@code layer}. */
  public EntrySelection forLayer(String layer) {
    return patterns.entrySet().stream()
        .filter(p -> p.getValue().matcher(layer).matches())
        .map(Map.Entry::getKey)
        .min(
            Comparator.comparing((String p) -> p.indexOf('*') >= 0 || p.indexOf('?') >= 0)
                .thenComparing(Comparator.comparingInt(String::length).reversed())
                .thenComparing(Comparator.naturalOrder()))
        .map(rules::get)
        .orElse(EntrySelection.ALL);
  }

  /** True when no rule selects anything but all. */
  public boolean none() {
    return rules.values().stream().allMatch(EntrySelection::all);
  }

  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*' || c == '?') {
        regex.append(Pattern.quote(literal.toString())).append(c == '*' ? ".*" : ".");
        literal.setLength(0);
      } else {
        literal.append(c);
      }
    }
    return Pattern.compile(
        regex.append(Pattern.quote(literal.toString())).toString(), Pattern.DOTALL);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    rules.forEach((p, s) -> b.append(b.length() == 0 ? "" : ";").append(p).append('=').append(s));
    return b.length() == 0 ? "all" : b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EntrySelections s && s.rules.equals(rules);
  }

  @Override
  public int hashCode() {
    return rules.hashCode();
  }
}
