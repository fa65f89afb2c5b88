package dev.fpk.app.cli;

import dev.fpk.app.node.SnapshotFiles;
import dev.fpk.protocol.ReplayFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Sends a recorded snapshot file into a live cluster, where its analysis nodes pick it up. */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = "Publish a recorded snapshot file (JSON Lines or length-delimited protobuf) to a live cluster's snapshot topic.")
public final class PublishCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--input", required = true, description = "Snapshot file: .jsonl or .pb")
  Path input;

  @Option(names = "--format", description = "jsonl or pb (default: from the file extension)")
  String format;

  @Option(names = "--bootstrap", required = true, defaultValue = "${env:FPK_BOOTSTRAP}",
      description = "Kafka bootstrap servers (default: $FPK_BOOTSTRAP)")
  String bootstrap;

  @Override
  public Integer call() throws IOException {
    if (!Files.isReadable(input)) {
      throw new IOException("cannot read input file " + input);
    }
    ReplayFormat fmt = format == null ? ReplayFormat.fromPath(input) : ReplayFormat.fromName(format);
    SnapshotFiles.Published p = SnapshotFiles.publish(input, fmt, bootstrap, spec.commandLine().getErr());
    spec.commandLine().getErr().printf("publish: %d snapshots sent (runs %s), %d rejected%n", p.sent(), p.runIds(),
        p.rejected());
    return 0;
  }
}
