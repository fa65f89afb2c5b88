package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fpk.app.broker.EmbeddedKafka;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.loadgen.OuEnsemble;
import dev.fpk.protocol.JsonMapping;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * fpk against a broker that requires SASL/SCRAM-SHA-256: with the right credentials (a Kafka client
 * properties file given by {@code --kafka-config}) a replay works end to end through every client
 * fpk makes; with a wrong password it fails with a one-line reason that says so.
 */
@Timeout(180)
class KafkaSecurityIT {
  private static EmbeddedKafka broker;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafka.startWithScram("fpk", "fpk-secret");
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void forgetKafkaConfig() {
    System.clearProperty(FpkConfig.KAFKA_CONFIG_PROPERTY);
  }

  @Test
  void shouldReplayThroughAScramBrokerWithTheRightCredentials() throws Exception {
    Path report = dir.resolve("report.json");
    Run run = replay(credentials("fpk-secret"), report);
    assertEquals(0, run.exit, run.err);
    JsonNode root = new ObjectMapper().readTree(report.toFile());
    assertEquals(8 * 21, root.at("/records/accepted").asLong());
    assertEquals(
        20,
        root.at("/runs/0/layers/0/lastStep").asLong(),
        "analysed to the last step through SASL");
  }

  @Test
  void shouldFailWithAClearMessageOnAWrongPassword() throws Exception {
    Run run = replay(credentials("wrong-password"), dir.resolve("report.json"));
    assertEquals(1, run.exit, run.err);
    assertTrue(run.err.toLowerCase().contains("authentication failed"), "says why: " + run.err);
    assertEquals(
        1,
        run.err.strip().lines().filter(l -> l.startsWith("fpk replay:")).count(),
        "one line: " + run.err);
  }

  private record Run(int exit, String err) {}

  private Run replay(Path kafkaConfig, Path report) throws Exception {
    Path input = dir.resolve("ou.jsonl");
    try (BufferedWriter out = Files.newBufferedWriter(input)) {
      OuEnsemble ou =
          new OuEnsemble(
              "sasl",
              "w",
              new int[] {1, 2},
              new double[] {0.02, 0.03},
              new double[] {0, 0},
              1e-4,
              8,
              0.1,
              0.02,
              3);
      for (int step = 0; step <= 20; step++) {
        for (WeightSnapshot s : ou.snapshots()) {
          out.write(JsonMapping.toJson(s));
          out.newLine();
        }
        ou.advance();
      }
    }
    StringWriter err = new StringWriter();
    int exit =
        Fpk.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute(
                "--kafka-config",
                kafkaConfig.toString(),
                "replay",
                "--input",
                input.toString(),
                "--report",
                report.toString(),
                "--bootstrap",
                broker.bootstrapServers(),
                "--quiet",
                "--timeout",
                "PT60S");
    return new Run(exit, err.toString());
  }

  private Path credentials(String password) throws Exception {
    Path file = dir.resolve("client-" + password + ".properties");
    Files.writeString(
        file,
        String.join(
            "\n",
            "security.protocol=SASL_PLAINTEXT",
            "sasl.mechanism=SCRAM-SHA-256",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fpk\" password=\""
                + password
                + "\";",
            ""));
    return file;
  }
}
