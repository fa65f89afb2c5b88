package dev.fpk.app;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same end-to-end scenarios on a Kafka container, where a Docker engine runs; skipped, visibly,
 * where none does (as on the CI machine, which never starts one).
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(600)
class ReplayContainerIT {
  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:3.9.1");

  @TempDir Path dir;

  @Test
  void shouldRecoverOrnsteinUhlenbeckDriftAndDiffusionFromReplayOnKafkaContainer()
      throws Exception {
    Scenarios.replayRecoversOrnsteinUhlenbeckDriftAndDiffusion(KAFKA.getBootstrapServers(), dir);
  }
}
