package dev.fpk.app.cli;

import dev.fpk.app.node.SnapshotFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Sends a recorded snapshot file into a live cluster, where its analysis nodes pick it up. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description =
        "Publish a recorded snapshot file (JSON Lines or length-delimited protobuf) to a live cluster's snapshot topic.")
public final class PublishCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SnapshotFileOptions file;

  @Mixin BootstrapOptions.Required kafka;

  @Override
  public Integer call() throws IOException {
    Path input = file.readableInput();
    SnapshotFiles.Published p =
        SnapshotFiles.publish(input, file.format(), kafka.bootstrap, spec.commandLine().getErr());
    spec.commandLine()
        .getErr()
        .printf(
            "publish: %d snapshots sent (runs %s), %d rejected%n",
            p.sent(), p.runIds(), p.rejected());
    return 0;
  }
}
