package dev.fpk.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fpk's configuration: system properties over an optional Kafka client properties file over
 * application.conf over every module's reference.conf.
 *
 * <p>Kafka client settings (security above all: {@code security.protocol}, {@code sasl.*}, {@code
 * ssl.*}) live under {@code fpk.kafka.client} and reach every Kafka client fpk makes: the Pekko
 * consumers and producers through application.conf, plain clients through {@link #kafkaClient}.
 * They can come from a standard Kafka client properties file named by {@code FPK_KAFKA_CONFIG} (or
 * {@code --kafka-config}), or from {@code FPK_KAFKA_*} variables.
 */
public final class FpkConfig {
  /** Environment variable naming a Kafka client properties file. */
  public static final String KAFKA_CONFIG_ENV = "FPK_KAFKA_CONFIG";

  /** System property naming it (set by {@code fpk --kafka-config}); wins over the variable. */
  public static final String KAFKA_CONFIG_PROPERTY = "fpk.kafka.config";

  // every plain Kafka client asks for the settings: parse the files once, not per client
  private static final Map<Optional<Path>, Config> LOADED = new ConcurrentHashMap<>();

  private FpkConfig() {}

  /**
   * The configuration, with the Kafka client file of {@code --kafka-config} or {@code
   * FPK_KAFKA_CONFIG}.
   */
  public static Config load() {
    String file = System.getProperty(KAFKA_CONFIG_PROPERTY, System.getenv(KAFKA_CONFIG_ENV));
    return load(file == null || file.isBlank() ? null : Path.of(file));
  }

  /**
   * Properties for a plain Kafka client: the security settings of {@link #load()} and the bootstrap
   * servers.
   */
  public static Properties kafkaClient(String bootstrapServers) {
    return kafkaClient(load(), bootstrapServers);
  }

  /**
   * Properties for a plain Kafka client: the security settings of this config and the bootstrap
   * servers.
   */
  public static Properties kafkaClient(Config config, String bootstrapServers) {
    Properties p = kafkaClient(config);
    p.put("bootstrap.servers", bootstrapServers);
    return p;
  }

  /**
   * The configuration with the given Kafka client properties file (null: none), read once per file.
   */
  public static Config load(Path kafkaClientFile) {
    return LOADED.computeIfAbsent(Optional.ofNullable(kafkaClientFile), f -> read(f.orElse(null)));
  }

  private static Config read(Path kafkaClientFile) {
    ConfigFactory.invalidateCaches();
    Config file =
        kafkaClientFile == null
            ? ConfigFactory.empty()
            : readProperties(kafkaClientFile).atPath("fpk.kafka.client");
    // the system properties fpk sets itself are not Typesafe config keys
    return ConfigFactory.defaultOverrides()
        .withoutPath("fpk.kafka.config")
        .withFallback(file)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** The Kafka client properties of {@code fpk.kafka.client}, for clients made outside Pekko. */
  public static Properties kafkaClient(Config config) {
    Properties p = new Properties();
    for (Map.Entry<String, ConfigValue> e : config.getConfig("fpk.kafka.client").entrySet()) {
      p.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
    }
    return p;
  }

  private static Config readProperties(Path file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          KAFKA_CONFIG_ENV + " = " + file + ": cannot read it (" + e.getMessage() + ")", e);
    }
    // nested the way Kafka's dotted names read; pekko-connectors-kafka flattens them back
    return ConfigFactory.parseProperties(p);
  }
}
