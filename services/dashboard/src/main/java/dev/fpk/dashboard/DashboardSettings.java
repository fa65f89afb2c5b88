package dev.fpk.dashboard;

import com.typesafe.config.Config;
import dev.fpk.dashboard.live.RunStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Settings of the live page, from {@code fpk.dashboard} (reference.conf documents each key).
 *
 * @param host address to bind, 127.0.0.1 by default
 * @param port port to bind, 0 = any free one
 * @param pushInterval how often the event stream looks for changes
 * @param heartbeat idle time after which the event stream sends a heartbeat
 * @param token access token every request must carry ("" = none); required to bind beyond loopback
 * @param maxRequestBytes largest request body accepted (the API reads none); a larger one gets 413
 * @param maxLayers (run, layer) pairs the page keeps; beyond, the least recently updated is dropped
 */
public record DashboardSettings(
    String host,
    int port,
    Duration pushInterval,
    Duration heartbeat,
    String token,
    long maxRequestBytes,
    int maxLayers) {
  /** Shortest token accepted: 128 bits as hex. */
  static final int MIN_TOKEN_LENGTH = 32;

  /** Default of {@code fpk.dashboard.max-request-bytes}: the API takes GET requests only. */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;

  public DashboardSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("fpk.dashboard.port must be 0..65535, got " + port);
    }
    if (pushInterval.isNegative() || pushInterval.isZero()) {
      throw new IllegalArgumentException(
          "fpk.dashboard.push-interval must be positive, got " + pushInterval);
    }
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException(
          "fpk.dashboard.heartbeat must be positive, got " + heartbeat);
    }
    if (!token.isEmpty() && token.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "fpk.dashboard.token has "
              + token.length()
              + " characters: at least "
              + MIN_TOKEN_LENGTH
              + " (e.g. openssl rand -hex 16)");
    }
    if (maxLayers < 1) {
      throw new IllegalArgumentException("fpk.dashboard.max-layers must be >= 1, got " + maxLayers);
    }
    if (maxRequestBytes < 0) {
      throw new IllegalArgumentException(
          "fpk.dashboard.max-request-bytes must be >= 0, got " + maxRequestBytes);
    }
    if (token.isEmpty() && !isLoopback(host)) {
      throw new IllegalArgumentException(
          "fpk.dashboard.host = "
              + host
              + ": binding beyond loopback needs an access token, fpk.dashboard.token (FPK_DASHBOARD_TOKEN)");
    }
  }

  /** Loopback, no token: the defaults for everything but the address. */
  public DashboardSettings(String host, int port, Duration pushInterval, Duration heartbeat) {
    this(host, port, pushInterval, heartbeat, "");
  }

  /** With a token, the default request size limit. */
  public DashboardSettings(
      String host, int port, Duration pushInterval, Duration heartbeat, String token) {
    this(
        host,
        port,
        pushInterval,
        heartbeat,
        token,
        DEFAULT_MAX_REQUEST_BYTES,
        RunStore.DEFAULT_MAX_LAYERS);
  }

  public static DashboardSettings fromConfig(Config config) {
    Config c = config.getConfig("fpk.dashboard");
    return new DashboardSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getDuration("push-interval"),
        c.getDuration("heartbeat"),
        c.getString("token"),
        c.getBytes("max-request-bytes"),
        c.getInt("max-layers"));
  }

  public DashboardSettings withPort(int newPort) {
    return new DashboardSettings(
        host, newPort, pushInterval, heartbeat, token, maxRequestBytes, maxLayers);
  }

  public DashboardSettings withHost(String newHost) {
    return new DashboardSettings(
        newHost, port, pushInterval, heartbeat, token, maxRequestBytes, maxLayers);
  }

  public DashboardSettings withToken(String newToken) {
    return new DashboardSettings(
        host, port, pushInterval, heartbeat, newToken, maxRequestBytes, maxLayers);
  }

  private static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false; // an address nobody can resolve is no loopback: it needs the token too
    }
  }
}
