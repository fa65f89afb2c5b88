package dev.fpk.dashboard;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the live page, from {@code fpk.dashboard} (reference.conf documents each key).
 *
 * @param host address to bind, 127.0.0.1 by default
 * @param port port to bind, 0 = any free one
 * @param pushInterval how often the event stream looks for changes
 * @param heartbeat idle time after which the event stream sends a heartbeat
 */
public record DashboardSettings(String host, int port, Duration pushInterval, Duration heartbeat) {

  public DashboardSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("fpk.dashboard.port must be 0..65535, got " + port);
    }
    if (pushInterval.isNegative() || pushInterval.isZero()) {
      throw new IllegalArgumentException("fpk.dashboard.push-interval must be positive, got " + pushInterval);
    }
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("fpk.dashboard.heartbeat must be positive, got " + heartbeat);
    }
  }

  public static DashboardSettings fromConfig(Config config) {
    Config c = config.getConfig("fpk.dashboard");
    return new DashboardSettings(c.getString("host"), c.getInt("port"), c.getDuration("push-interval"),
        c.getDuration("heartbeat"));
  }

  public DashboardSettings withPort(int newPort) {
    return new DashboardSettings(host, newPort, pushInterval, heartbeat);
  }

  public DashboardSettings withHost(String newHost) {
    return new DashboardSettings(newHost, port, pushInterval, heartbeat);
  }
}
