package dev.fpk.app.dashboard;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.dashboard.DashboardSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Binding the page: a taken port is replaced by a free one only when asked to. */
@Timeout(60)
class LiveDashboardTest {
  // nothing listens there: the follower only retries in the background, which these tests ignore
  private static final String NO_BROKER = "127.0.0.1:1";
  private ActorSystem<Void> system;

  @BeforeEach
  void start() {
    system = ActorSystem.create(Behaviors.empty(), "live-dashboard-test");
  }

  @AfterEach
  void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private static DashboardSettings on(int port) {
    return new DashboardSettings("127.0.0.1", port, Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  @Test
  void shouldTakeAFreePortWhenTheConfiguredOneIsTakenAndFallingBackIsAllowed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        LiveDashboard dashboard =
            LiveDashboard.start(system, NO_BROKER, on(taken.getLocalPort()), null, null, true)) {
      int port = URI.create(dashboard.url()).getPort();
      assertNotEquals(taken.getLocalPort(), port);
      assertTrue(dashboard.url().startsWith("http://127.0.0.1:"), dashboard.url());
    }
  }

  @Test
  void shouldFailNamingThePortWhenItIsTakenAndFallingBackIsNotAllowed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  LiveDashboard.start(
                      system, NO_BROKER, on(taken.getLocalPort()), null, null, false));
      assertTrue(e.getMessage().contains(":" + taken.getLocalPort()), e.getMessage());
    }
  }
}
