package dev.fpk.app.cli;

import picocli.CommandLine.Option;

/** How a long command with a start line, status lines and a summary prints (demo, sweep). */
public final class OutputOptions {
  @Option(names = "--quiet", description = "No progress lines (the summary still prints)")
  boolean quiet;

  @Option(
      names = "--json",
      description = "Machine-readable output: one JSON object a line (start, progress, summary)")
  boolean json;
}
