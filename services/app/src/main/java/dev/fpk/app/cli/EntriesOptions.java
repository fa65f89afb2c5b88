package dev.fpk.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.fpk.estimator.EntrySelections;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --entries}: which entries of each ensemble layer the analysis watches, for the commands
 * that analyse ({@code node}, {@code demo}, {@code replay}, {@code experiment}). Replaces the
 * {@code fpk.entries} setting ({@link EntrySelections}); checked when the command line is read, so
 * a bad rule is a usage error naming the option (exit 2).
 */
public final class EntriesOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  private String rules;

  @Option(
      names = "--entries",
      paramLabel = "[PATTERN=]SELECTION[;...]",
      description =
          "Entries of each ensemble layer to analyse: all, stride:S, rows:K, cols:K or list:I,J,..."
              + " (row-major indices), per layer-name pattern (* and ?), e.g. 'fc*=stride:4;head=all';"
              + " a bare selection is every layer's (default: fpk.entries, $FPK_ENTRIES, else all)")
  void entries(String text) {
    try {
      EntrySelections.parse(text, "--entries");
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    rules = text;
  }

  /** {@code config} with the rules given, if any, in place of its {@code fpk.entries}. */
  public Config applyTo(Config config) {
    return rules == null
        ? config
        : config.withValue(EntrySelections.KEY, ConfigValueFactory.fromAnyRef(rules));
  }
}
