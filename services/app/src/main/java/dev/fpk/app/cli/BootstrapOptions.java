package dev.fpk.app.cli;

import picocli.CommandLine.Option;

/**
 * {@code --bootstrap}, the Kafka cluster a command talks to, in its two forms: required where a
 * command only makes sense against a running cluster, optional where it starts an embedded
 * single-node broker without one. Both default to {@code $FPK_BOOTSTRAP}. The dashboard's, whose
 * help says what it follows, is its own.
 */
public final class BootstrapOptions {
  private BootstrapOptions() {}

  /**
   * {@code --bootstrap}, required: {@code train}, {@code publish}, {@code report}, {@code node},
   * {@code loadgen}.
   */
  public static final class Required {
    @Option(
        names = "--bootstrap",
        required = true,
        defaultValue = "${env:FPK_BOOTSTRAP}",
        description = "Kafka bootstrap servers (default: $FPK_BOOTSTRAP)")
    String bootstrap;
  }

  /**
   * {@code --bootstrap}, else an embedded broker: {@code demo}, {@code replay}, {@code experiment}.
   */
  public static final class OrEmbedded {
    @Option(
        names = "--bootstrap",
        defaultValue = "${env:FPK_BOOTSTRAP:-}",
        description = "Kafka bootstrap servers (default: $FPK_BOOTSTRAP, else an embedded broker)")
    String bootstrap;

    /** The servers given, "" for an embedded broker. */
    String servers() {
      return bootstrap == null ? "" : bootstrap;
    }
  }
}
