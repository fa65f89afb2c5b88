package dev.fpk.app;

import dev.fpk.app.cli.BenchCommand;
import dev.fpk.app.cli.BrokerCommand;
import dev.fpk.app.cli.DashboardCommand;
import dev.fpk.app.cli.DemoCommand;
import dev.fpk.app.cli.ExperimentCommand;
import dev.fpk.app.cli.LoadgenCommand;
import dev.fpk.app.cli.NodeCommand;
import dev.fpk.app.cli.PublishCommand;
import dev.fpk.app.cli.ReplayCommand;
import dev.fpk.app.cli.ReportCommand;
import dev.fpk.app.cli.SignalStop;
import dev.fpk.app.cli.SweepCommand;
import dev.fpk.app.cli.TrainCommand;
import dev.fpk.app.config.FpkConfig;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The fpk launcher: one entry point, one subcommand per role or tool. */
@Command(
    name = "fpk",
    mixinStandardHelpOptions = true,
    version = "fpk 0.1.0",
    description =
        "Watches a neural network while it trains and checks a Fokker-Planck theory of its weights live.",
    subcommands = {
      DemoCommand.class,
      ExperimentCommand.class,
      SweepCommand.class,
      DashboardCommand.class,
      ReplayCommand.class,
      BrokerCommand.class,
      BenchCommand.class,
      TrainCommand.class,
      LoadgenCommand.class,
      NodeCommand.class,
      PublishCommand.class,
      ReportCommand.class
    })
public final class Fpk implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Every command's Kafka clients read their security settings from this file. */
  @CommandLine.Option(
      names = "--kafka-config",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "Kafka client properties file (security.protocol, sasl.*, ssl.*) for every Kafka client;"
              + " default: $"
              + FpkConfig.KAFKA_CONFIG_ENV)
  void kafkaConfig(java.nio.file.Path file) {
    if (!java.nio.file.Files.isReadable(file)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--kafka-config = " + file + ": cannot read it");
    }
    System.setProperty(FpkConfig.KAFKA_CONFIG_PROPERTY, file.toString());
  }

  public static void main(String[] args) {
    Thread main = Thread.currentThread();
    // a signal stops the command that runs, in order (SignalStop); help and usage errors need
    // nothing
    int exit =
        commandLine()
            .setExecutionStrategy(
                parsed -> {
                  List<CommandLine> commands = parsed.asCommandLineList();
                  SignalStop.install(
                      commands.get(commands.size() - 1).getCommandName(), main, System.err);
                  return new CommandLine.RunLast().execute(parsed);
                })
            .execute(args);
    System.exit(SignalStop.exitCode().orElse(exit));
  }

  /**
   * The command line with fpk's error handling: bad options and values are usage errors that name
   * the option (exit 2), failures print a one-line reason (exit 1), success exits 0; a command
   * stopped by a signal exits 128 + its number ({@link SignalStop}, installed by {@link #main}).
   */
  public static CommandLine commandLine() {
    return new CommandLine(new Fpk())
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              if (SignalStop.stopping()) {
                return 1; // the signal's line said it all; main exits with the signal's code
              }
              cmd.getErr().println("fpk " + cmd.getCommandName() + ": " + reason(e));
              cmd.getErr().flush();
              return 1;
            });
  }

  /** The first line of the innermost meaningful message (wrappers of async failures unwrapped). */
  static String reason(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String message =
        t.getMessage() == null || t.getMessage().isBlank()
            ? t.getClass().getSimpleName()
            : t.getMessage();
    return message.lines().findFirst().orElse(message).strip();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
