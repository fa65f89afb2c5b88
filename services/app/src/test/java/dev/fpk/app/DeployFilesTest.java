package dev.fpk.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fpk.protocol.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every file in {@code deploy/} holds up against the code: the YAML parses, every {@code FPK_*}
 * variable it sets is read by some config or option, the ports it wires (probes, scrape targets,
 * seed nodes, published ports) are the ones it configures the roles with, every topic it names is
 * one of {@link Topics}, and every image is the fpk image of this version or a pinned public one.
 */
class DeployFilesTest {
  static final Path ROOT = Path.of("../..");
  static final Path DEPLOY = ROOT.resolve("deploy");
  static final Pattern FPK_VAR = Pattern.compile("FPK_[A-Z0-9_]+");
  static final Pattern TOPIC = Pattern.compile("fpk\\.[a-z]+\\.v[0-9]+");

  @Test
  void shouldParseEveryYamlFileInDeploy() throws IOException {
    List<Path> files = files(".yml", ".yaml");
    assertTrue(files.size() >= 7, "compose, prometheus, k8s and grafana files: " + files);
    for (Path f : files) {
      List<Object> docs = yamlDocuments(f);
      assertFalse(
          docs.isEmpty() || docs.stream().anyMatch(d -> d == null), f + " has an empty document");
    }
  }

  @Test
  void shouldSetOnlyEnvironmentVariablesTheCodeReads() throws IOException {
    Set<String> read = readByCode();
    Set<String> unknown = new TreeSet<>();
    for (Path f : files(".yml", ".yaml", "Dockerfile")) {
      Matcher m = FPK_VAR.matcher(Files.readString(f));
      while (m.find()) {
        if (!read.contains(m.group())) {
          unknown.add(f.getFileName() + ": " + m.group());
        }
      }
    }
    assertTrue(
        unknown.isEmpty(),
        "variables no config or option reads: " + unknown + " (read: " + read + ")");
    assertTrue(
        read.containsAll(
            Set.of("FPK_BOOTSTRAP", "FPK_SEED_NODES", "FPK_CLUSTER_PORT", "FPK_HTTP_PORT")),
        read.toString());
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldWireThePortsTheComposeServicesAreConfiguredWith() throws IOException {
    Map<String, Object> compose =
        (Map<String, Object>) yamlDocuments(DEPLOY.resolve("compose/compose.yaml")).get(0);
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) compose.get("services");
    Set<String> targets = new TreeSet<>();
    Map<String, Object> prometheus =
        (Map<String, Object>) yamlDocuments(DEPLOY.resolve("compose/prometheus.yml")).get(0);
    for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
      for (Map<String, Object> sc : (List<Map<String, Object>>) job.get("static_configs")) {
        targets.addAll((List<String>) sc.get("targets"));
      }
    }
    int analysis = 0;
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      Map<String, Object> env =
          (Map<String, Object>) s.getValue().getOrDefault("environment", Map.of());
      List<String> command = (List<String>) s.getValue().getOrDefault("command", List.of());
      if (command.contains("node")) {
        analysis++;
        String http = String.valueOf(env.get("FPK_HTTP_PORT"));
        assertTrue(
            targets.contains(s.getKey() + ":" + http),
            s.getKey() + " scraped on FPK_HTTP_PORT " + http + ": " + targets);
        String cluster = String.valueOf(env.get("FPK_CLUSTER_PORT"));
        for (String seed : String.valueOf(env.get("FPK_SEED_NODES")).split(",")) {
          assertTrue(
              seed.endsWith(":" + cluster),
              s.getKey() + ": seed " + seed + " on FPK_CLUSTER_PORT " + cluster);
          assertTrue(
              services.containsKey(seed.substring(0, seed.indexOf(':'))),
              "seed " + seed + " is a service");
        }
        assertEquals(
            s.getKey(), env.get("FPK_CLUSTER_HOST"), "canonical host = the service's name");
        assertEquals("kafka:9092", env.get("FPK_BOOTSTRAP"));
      }
      if (command.contains("dashboard")) {
        String port = String.valueOf(env.get("FPK_DASHBOARD_PORT"));
        assertTrue(
            targets.contains(s.getKey() + ":" + port), "dashboard scraped on FPK_DASHBOARD_PORT");
        assertTrue(
            ((List<String>) s.getValue().get("ports")).contains(port + ":" + port),
            "dashboard published");
      }
    }
    assertTrue(analysis >= 2, "at least two analysis nodes");
    String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
    for (String port : List.of("9464", "25520", "8765")) {
      assertTrue(
          dockerfile.matches("(?s).*EXPOSE[^\\n]*\\b" + port + "\\b.*"),
          "the image exposes " + port);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldProbeAndSeedTheKubernetesRolesOnTheirConfiguredPorts() throws IOException {
    int containers = 0;
    for (Path f : files(".yaml")) {
      if (!f.startsWith(DEPLOY.resolve("k8s"))) {
        continue;
      }
      for (Object doc : yamlDocuments(f)) {
        Map<String, Object> d = (Map<String, Object>) doc;
        if (!List.of("StatefulSet", "Deployment").contains(d.get("kind"))) {
          continue;
        }
        Map<String, Object> pod =
            (Map<String, Object>) ((Map<String, Object>) at(d, "spec", "template")).get("spec");
        for (Map<String, Object> c : (List<Map<String, Object>>) pod.get("containers")) {
          containers++;
          Map<String, String> env = new HashMap<>();
          for (Map<String, Object> e :
              (List<Map<String, Object>>) c.getOrDefault("env", List.of())) {
            env.put((String) e.get("name"), String.valueOf(e.get("value")));
          }
          Map<String, Integer> ports = new HashMap<>();
          for (Map<String, Object> p : (List<Map<String, Object>>) c.get("ports")) {
            ports.put((String) p.get("name"), (Integer) p.get("containerPort"));
          }
          String httpVar =
              env.containsKey("FPK_HTTP_PORT") ? "FPK_HTTP_PORT" : "FPK_DASHBOARD_PORT";
          assertEquals(
              env.get(httpVar), String.valueOf(ports.get("http")), f + ": port http = " + httpVar);
          for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertEquals("/health", at(c, probe, "httpGet", "path"), f + ": " + probe);
            assertEquals("http", at(c, probe, "httpGet", "port"), f + ": " + probe);
          }
          if (env.containsKey("FPK_SEED_NODES")) {
            assertEquals(
                env.get("FPK_CLUSTER_PORT"),
                String.valueOf(ports.get("remoting")),
                f + ": remoting port");
            assertTrue(
                env.get("FPK_SEED_NODES").endsWith(":" + env.get("FPK_CLUSTER_PORT")),
                "seed on the cluster port");
            String service = (String) at(d, "spec", "serviceName");
            assertTrue(
                env.get("FPK_SEED_NODES")
                    .startsWith(
                        d.get("metadata") instanceof Map<?, ?> m
                            ? m.get("name") + "-0." + service
                            : "?"),
                "seed = pod 0 under the headless service");
            assertTrue(
                env.get("FPK_CLUSTER_HOST").endsWith("." + service),
                "canonical host under the headless service");
          }
        }
      }
    }
    assertTrue(containers >= 2, "analysis and dashboard containers");
  }

  @Test
  void shouldNameOnlyFpkTopicsAndPinnedImages() throws IOException {
    Set<String> topics = new TreeSet<>(Topics.all());
    topics.add(Topics.CHECKPOINTS);
    String version = fpkVersion();
    Pattern image =
        Pattern.compile("(?m)^\\s*(?:-\\s*)?image:\\s*\"?([^\\s\"]+)\"?|^FROM\\s+(\\S+)");
    for (Path f : files(".yml", ".yaml", "Dockerfile", ".json")) {
      String text = Files.readString(f);
      Matcher t = TOPIC.matcher(text);
      while (t.find()) {
        assertTrue(
            topics.contains(t.group()), f + " names topic " + t.group() + ", not one of " + topics);
      }
      Matcher m = image.matcher(text);
      while (m.find()) {
        String img = m.group(1) != null ? m.group(1) : m.group(2);
        if (img.startsWith("fpk:")) {
          assertEquals("fpk:" + version, img, f + ": the fpk image of this version");
        } else {
          assertTrue(
              img.contains(":") && !img.endsWith(":latest"),
              f + ": image " + img + " has a pinned tag");
        }
      }
    }
  }

  /** The project version without -SNAPSHOT, as the image is tagged. */
  private static String fpkVersion() throws IOException {
    Matcher m =
        Pattern.compile("<artifactId>fpk-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertTrue(m.find());
    return m.group(1).replace("-SNAPSHOT", "");
  }

  /**
   * Every FPK_ variable a config file hooks (${?FPK_X}) or a command-line default reads
   * (env:FPK_X).
   */
  private static Set<String> readByCode() throws IOException {
    Set<String> out = new TreeSet<>();
    Pattern hook = Pattern.compile("\\$\\{\\?(FPK_[A-Z0-9_]+)}|env:(FPK_[A-Z0-9_]+)");
    try (Stream<Path> walk = Files.walk(ROOT.resolve("services"))) {
      for (Path f :
          walk.filter(p -> p.toString().contains("/src/main/"))
              .filter(p -> p.toString().endsWith(".conf") || p.toString().endsWith(".java"))
              .toList()) {
        Matcher m = hook.matcher(Files.readString(f));
        while (m.find()) {
          out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
      }
    }
    return out;
  }

  private static Object at(Map<?, ?> map, String... path) {
    Object o = map;
    for (String k : path) {
      o = o instanceof Map<?, ?> m ? m.get(k) : null;
    }
    return o;
  }

  private static List<Object> yamlDocuments(Path f) throws IOException {
    List<Object> docs = new ArrayList<>();
    new Yaml().loadAll(Files.readString(f)).forEach(docs::add);
    return docs;
  }

  private static List<Path> files(String... endings) throws IOException {
    try (Stream<Path> walk = Files.walk(DEPLOY)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> Stream.of(endings).anyMatch(e -> p.getFileName().toString().endsWith(e)))
          .sorted()
          .toList();
    }
  }
}
