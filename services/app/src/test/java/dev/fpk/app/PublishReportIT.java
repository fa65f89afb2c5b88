package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.app.node.AnalysisNode;
import dev.fpk.protocol.JsonMapping;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The several-process path on one machine: {@code fpk publish} sends a recorded file into a running
 * analysis node's Kafka, {@code fpk report} writes what the cluster has published, and that report
 * equals {@code fpk replay}'s of the same data.
 */
@Timeout(180)
class PublishReportIT {
  @TempDir Path dir;

  @Test
  void shouldReportALiveRunOfAPublishedFileAsReplayReportsIt() throws Exception {
    String bootstrap = TestKafka.bootstrap();
    String id = UUID.randomUUID().toString();
    String live = "live-" + id;
    String replayed = "replayed-" + id;
    List<String> layers = List.of("w");
    Path liveFile = write(dir.resolve("live.jsonl"), Streaming.ouRun(live, layers, 32, 60));
    Path replayFile =
        write(dir.resolve("replayed.jsonl"), Streaming.ouRun(replayed, layers, 32, 60));

    String group = "it-publish-" + id;
    Streaming.startGroupAtEnd(bootstrap, group);
    Map<TopicPartition, Long> start = Streaming.snapshotEnds(bootstrap);
    try (AnalysisNode node = Streaming.start(bootstrap, Streaming.nodeConfig(group, Map.of()))) {
      assertEquals(0, run("publish", "--input", liveFile.toString(), "--bootstrap", bootstrap));
      Streaming.awaitCommitted(
          bootstrap, group, start, Streaming.snapshotEnds(bootstrap), 1.0, Duration.ofSeconds(90));
    }
    Path liveReport = dir.resolve("live.json");
    assertEquals(
        0, run("report", "--bootstrap", bootstrap, "--out", liveReport.toString(), "--run", live));
    Path replayReport = dir.resolve("replayed.json");
    assertEquals(
        0,
        run(
            "replay",
            "--input",
            replayFile.toString(),
            "--report",
            replayReport.toString(),
            "--bootstrap",
            bootstrap));

    ObjectMapper mapper = new ObjectMapper();
    JsonNode a = mapper.readTree(liveReport.toFile()).at("/runs/0/layers");
    JsonNode b = mapper.readTree(replayReport.toFile()).at("/runs/0/layers");
    assertEquals(1, a.size(), "the live run's layer");
    double diff = Streaming.maxDifference(b, a, "layers");
    System.out.printf("publish + node + report vs replay: max relative difference %.3g%n", diff);
    assertTrue(diff <= 1e-9, "live and replay reports differ by " + diff);
  }

  @Test
  void shouldRefuseANodeWithOnlyOneOfEstimatorAndSolver() {
    StringWriter err = new StringWriter();
    int exit =
        Fpk.commandLine()
            .setErr(new PrintWriter(err))
            .execute("node", "--roles", "estimator", "--bootstrap", "127.0.0.1:1");
    assertEquals(1, exit);
    assertTrue(err.toString().contains("estimator,solver together"), err.toString());
  }

  private static int run(String... args) {
    StringWriter err = new StringWriter();
    int exit = Fpk.commandLine().setErr(new PrintWriter(err)).execute(args);
    System.err.print(err);
    return exit;
  }

  private static Path write(Path file, List<WeightSnapshot> snapshots) throws Exception {
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      for (WeightSnapshot s : snapshots) {
        out.write(JsonMapping.toJson(s));
        out.newLine();
      }
    }
    return file;
  }
}
