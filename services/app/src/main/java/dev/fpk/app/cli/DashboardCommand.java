package dev.fpk.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import dev.fpk.app.config.FpkConfig;
import dev.fpk.app.dashboard.LiveDashboard;
import dev.fpk.dashboard.DashboardSettings;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The live page alone, following the output topics of a running cluster: no broker, no analysis.
 * Serves until Ctrl-C (or for {@code --for}).
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description =
        "Serve the live page (and /metrics) for the runs a Kafka cluster's fpk analysis publishes.")
public final class DashboardCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bootstrap",
      defaultValue = "${env:FPK_BOOTSTRAP:-}",
      description =
          "Kafka bootstrap servers of the cluster to follow (default: $FPK_BOOTSTRAP; required)")
  String bootstrap;

  @Option(
      names = "--host",
      description =
          "Address to bind (default: fpk.dashboard.host = $FPK_DASHBOARD_HOST or 127.0.0.1)")
  String host;

  @Option(
      names = "--port",
      defaultValue = "-1",
      description =
          "Port to bind (default: fpk.dashboard.port = $FPK_DASHBOARD_PORT or 8765; 0 = any free port)")
  int port;

  @Option(
      names = "--group",
      description = "Consumer group of the analysis, for the lag meter (default: fpk.group)")
  String group;

  @Option(
      names = "--for",
      description = "Serve this long, then exit (ISO-8601, e.g. PT10M; default: until Ctrl-C)")
  Duration serveFor;

  /** Until Ctrl-C, the --for time, or an interrupt (how an embedding program stops it). */
  private void awaitStop(CountDownLatch stop) {
    try {
      if (serveFor == null) {
        stop.await();
      } else {
        stop.await(serveFor.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      // consumed on purpose: the interrupt means "stop serving", and the shutdown after it must run
      // whole
    }
  }

  @Override
  public Integer call() throws Exception {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "no cluster to follow: give --bootstrap HOST:PORT or set FPK_BOOTSTRAP");
    }
    if (port > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be 0..65535, got " + port);
    }
    if (serveFor != null && (serveFor.isNegative() || serveFor.isZero())) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--for must be positive, got " + serveFor);
    }
    // a plain local actor system: the page joins no cluster
    Config config =
        FpkConfig.load().withValue("pekko.actor.provider", ConfigValueFactory.fromAnyRef("local"));
    DashboardSettings settings = DashboardSettings.fromConfig(config);
    settings = port >= 0 ? settings.withPort(port) : settings;
    settings = host != null ? settings.withHost(host) : settings;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fpk-dashboard", config);
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown);
    Runtime.getRuntime().addShutdownHook(hook);
    try (LiveDashboard dashboard =
        LiveDashboard.start(
            system,
            bootstrap,
            settings,
            registry,
            group != null ? group : config.getString("fpk.group"),
            false)) {
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "fpk dashboard: following %s%nlive page %s   metrics %smetrics%n",
          bootstrap, dashboard.url(), dashboard.url());
      out.flush();
      awaitStop(stop);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already on its way out: nothing to remove
      }
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    return 0;
  }
}
