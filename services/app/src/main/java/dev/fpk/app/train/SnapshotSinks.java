package dev.fpk.app.train;

import dev.fpk.protocol.SnapshotKey;
import dev.fpk.protocol.Topics;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.javadsl.Producer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/** Where trainer actors send their snapshots. */
public final class SnapshotSinks {
  private SnapshotSinks() {}

  /**
   * The snapshot topic, key {@code <run>/<layer>}: a blueprint, so every (re)start of a run
   * materialises a producer of its own, closed when that stream ends.
   */
  public static Sink<WeightSnapshot, CompletionStage<Done>> kafka(
      ActorSystem<?> system, String bootstrapServers) {
    ProducerSettings<String, byte[]> settings =
        ProducerSettings.create(system, new StringSerializer(), new ByteArraySerializer())
            .withBootstrapServers(bootstrapServers);
    return Flow.of(WeightSnapshot.class)
        .map(s -> new ProducerRecord<>(Topics.SNAPSHOTS, SnapshotKey.of(s), s.toByteArray()))
        .toMat(Producer.plainSink(settings), Keep.right());
  }
}
