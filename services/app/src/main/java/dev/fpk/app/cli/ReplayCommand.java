package dev.fpk.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.ConfigFactory;
import dev.fpk.app.node.Pipeline;
import dev.fpk.protocol.Limits;
import dev.fpk.protocol.ReplayFiles;
import dev.fpk.protocol.ReplayFormat;
import dev.fpk.protocol.ReplayItem;
import dev.fpk.protocol.ReplayReader;
import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.Validation;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Feeds a recorded snapshot file through Kafka and the same estimators and solvers as a live run,
 * then writes the JSON report. Bad records are reported on stderr and counted; the rest goes on.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay a recorded snapshot file (JSON Lines or length-delimited protobuf) and write a JSON report.")
public final class ReplayCommand implements Callable<Integer> {

  @Option(names = "--input", required = true, description = "Snapshot file: .jsonl or .pb")
  Path input;

  @Option(names = "--report", required = true, description = "Where to write the JSON report")
  Path report;

  @Option(names = "--format", description = "jsonl or pb (default: from the file extension)")
  String format;

  @Option(names = "--bootstrap", defaultValue = "${env:FPK_BOOTSTRAP:-}",
      description = "Kafka bootstrap servers (default: $FPK_BOOTSTRAP, else an embedded broker)")
  String bootstrap;

  @Option(names = "--timeout", defaultValue = "PT10M", description = "Longest wait for the analysis to finish (ISO-8601, default ${DEFAULT-VALUE})")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(input)) {
      throw new IOException("cannot read input file " + input);
    }
    ReplayFormat fmt = format == null ? ReplayFormat.fromPath(input) : ReplayFormat.fromName(format);
    // a group of its own: a replay reads the topic from the start, whatever ran before
    String group = "fpk-replay-" + UUID.randomUUID();
    try (Pipeline pipeline = Pipeline.start(ConfigFactory.load(), bootstrap == null ? "" : bootstrap, group)) {
      Set<String> runIds = new TreeSet<>();
      long[] counts = publish(pipeline, fmt, runIds);
      pipeline.awaitCaughtUp(timeout);
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      mapper.writeValue(report.toFile(), pipeline.collector().toJson(mapper, runIds));
      System.err.printf("replay: %d records accepted, %d rejected; report written to %s%n", counts[0], counts[1], report);
    }
    return 0;
  }

  /** Publishes the file's valid snapshots; returns {accepted, rejected}. */
  private long[] publish(Pipeline pipeline, ReplayFormat fmt, Set<String> runIds) throws IOException {
    long accepted = 0;
    long rejected = 0;
    try (ReplayReader reader = ReplayFiles.open(input, fmt, Limits.DEFAULT);
        KafkaProducer<String, byte[]> producer = producer(pipeline.bootstrapServers())) {
      for (ReplayItem item : reader) {
        if (item.snapshot() instanceof Validation.Accepted<WeightSnapshot> a) {
          WeightSnapshot s = a.value();
          runIds.add(s.getRunId());
          producer.send(new ProducerRecord<>(Topics.SNAPSHOTS, SnapshotKey.of(s.getRunId(), s.getLayer()), s.toByteArray()));
          accepted++;
        } else {
          Validation.Rejected<WeightSnapshot> r = (Validation.Rejected<WeightSnapshot>) item.snapshot();
          System.err.println("replay: rejected " + item.describe());
          pipeline.collector().rejected(r.reason().wireName(), 1);
          rejected++;
        }
      }
      producer.flush();
    }
    pipeline.collector().countAccepted(accepted);
    return new long[] {accepted, rejected};
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    java.util.Properties p = new java.util.Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 * 1024 * 1024));
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }
}
