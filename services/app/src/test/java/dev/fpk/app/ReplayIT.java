package dev.fpk.app;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The end-to-end scenarios on the embedded KRaft broker. */
@Timeout(300)
class ReplayIT {
  @TempDir Path dir;

  @Test
  void shouldRecoverOrnsteinUhlenbeckDriftAndDiffusionFromReplayWithinFourStandardErrors()
      throws Exception {
    Scenarios.replayRecoversOrnsteinUhlenbeckDriftAndDiffusion(TestKafka.bootstrap(), dir);
  }
}
