package dev.fpk.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A replay file's line that is not strict JSON (RFC 8259) is a reject, never a record; a line that
 * is strict JSON is read exactly as it says. The oracle is independent of the reader: Jackson's
 * databind tree (strict, duplicate names rejected, nothing after the value) mapped by hand with the
 * proto3 JSON rules for each WeightSnapshot field.
 */
class StrictJsonLinesTest {
  private static final JsonMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();
  private static final SnapshotValidator VALIDATOR = new SnapshotValidator();

  /**
   * The lines lenient parsing took for data: a stray quote, a missing comma, text after the end.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"runId\":\"r\",\"replica\":1,\"step\":\"17\",\"layer\": xtoy\",\"shape\":[1,2],\"values\":[0.5,1.5]}",
        "{\"runId\":\"r\",\"replica\": 25,x\"step\": 17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5,1.5]}",
        "{\"runId\":\"r\",\"step\":17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5,1.5],\"learningRate\": 0}01, \"batchSize\": 32}",
        "{'runId':'r','step':17,'layer':'l','shape':[1,2],'values':[0.5,1.5]}",
        "{runId:\"r\",\"step\":17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5,1.5]}",
        "{\"runId\":\"r\",\"step\":17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5,1.5],}",
        "{\"runId\":\"r\",\"step\":17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5,1.5,]}",
        "{\"runId\":\"r\",\"step\":017,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5,1.5]}",
        "{\"runId\":\"r\",\"step\":17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[.5,1.5]}",
        "{\"runId\":\"r\",\"step\":17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[NaN,1.5]}",
        "{\"runId\":\"r\",/* c */\"step\":17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5,1.5]}",
        "{\"runId\":\"r\\x\",\"step\":17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5,1.5]}",
        "{\"runId\":\"r\tq\",\"step\":17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5,1.5]}",
        "{\"runId\":\"r\",\"step\":17,\"step\":18,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5,1.5]}",
        "{\"runId\":\"r\",\"step\":17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5,1.5]} {}",
        "{\"runId\":\"r\",\"step\":17,\"layer\":\"l\",\"shape\":[1,2],\"values\":[0.5 1.5]}",
      })
  void shouldRejectLineThatIsNotStrictJsonAsUnparseableWithItsLineNumber(String line)
      throws IOException {
    String good = JsonMapping.toJson(TestSnapshots.valid());
    List<ReplayItem> items = read(good + "\n" + line + "\n" + good + "\n");
    assertEquals(3, items.size());
    assertTrue(items.get(0).isAccepted() && items.get(2).isAccepted(), "the lines around it");
    Validation.Rejected<?> r = assertInstanceOf(Validation.Rejected.class, items.get(1).snapshot());
    assertEquals(RejectReason.UNPARSEABLE, r.reason(), r::toString);
    assertTrue(r.detail().contains("not strict JSON"), r::toString);
    assertEquals("x.jsonl:2", items.get(1).location());
  }

  @Test
  void shouldRejectOrReadExactlyEverySingleCharacterCorruptionOfValidLines() throws IOException {
    SplittableRandom rnd = new SplittableRandom(20261207);
    String alphabet = "{}[]\":,.-+0123456789eEatrufnlxNI \\/'#";
    List<String> corrupted = new ArrayList<>();
    for (String line : validLines()) {
      for (int k = 0; k < 600; k++) {
        int at = rnd.nextInt(line.length());
        char c = alphabet.charAt(rnd.nextInt(alphabet.length()));
        corrupted.add(
            switch (rnd.nextInt(3)) {
              case 0 -> line.substring(0, at) + c + line.substring(at + 1);
              case 1 -> line.substring(0, at) + c + line.substring(at);
              default -> line.substring(0, at) + line.substring(at + 1);
            });
      }
    }
    List<ReplayItem> items = read(String.join("\n", corrupted) + "\n");
    assertEquals(corrupted.size(), items.size());
    int notStrict = 0;
    int readExactly = 0;
    int strictButNoSnapshot = 0;
    for (int i = 0; i < items.size(); i++) {
      String line = corrupted.get(i);
      ReplayItem item = items.get(i);
      Optional<JsonNode> tree = strictTree(line);
      if (tree.isEmpty()) {
        Validation.Rejected<?> r =
            assertInstanceOf(Validation.Rejected.class, item.snapshot(), line);
        assertEquals(RejectReason.UNPARSEABLE, r.reason(), line);
        notStrict++;
        continue;
      }
      Optional<WeightSnapshot> says = oracle(tree.get());
      if (item.snapshot() instanceof Validation.Accepted<WeightSnapshot> a) {
        assertEquals(says, Optional.of(a.value()), line);
        readExactly++;
      } else if (says.isPresent()) {
        assertInstanceOf(
            Validation.Rejected.class, VALIDATOR.validate(says.get()), () -> "rejected: " + line);
      } else {
        strictButNoSnapshot++;
      }
    }
    assertTrue(
        notStrict > 1000 && readExactly > 100 && strictButNoSnapshot > 10,
        "every path taken: "
            + notStrict
            + " not strict, "
            + readExactly
            + " read, "
            + strictButNoSnapshot
            + " strict but no snapshot");
  }

  private static List<String> validLines() {
    List<String> lines = new ArrayList<>();
    lines.add(JsonMapping.toJson(TestSnapshots.matrix(2, 3)));
    lines.add(
        JsonMapping.toJson(
            TestSnapshots.matrix(1, 4).setLoss(0.125).setSeed(7).setOptimizer("sgd")));
    lines.add(
        JsonMapping.toJson(
            TestSnapshots.matrix(2, 2)
                .addProbeInputs(0.25f)
                .addProbeInputs(-3e-5f)
                .setTimeUnixMillis(1765000000000L)
                .setEnsembleSize(64)));
    // hand-written: numbers for int64, white space, exponents, escapes
    lines.add(
        "{ \"runId\" : \"r\\u002d1\", \"replica\" : 2, \"step\" : 40, \"layer\" : \"w\\/1\","
            + " \"shape\" : [ 1, 3 ], \"values\" : [ 1.5e-2, -2E1, 0 ], \"learningRate\" : 1e-1,"
            + " \"batchSize\" : 16 }");
    return lines;
  }

  private static List<ReplayItem> read(String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try (ReplayReader r =
        ReplayFiles.open(
            new ByteArrayInputStream(bytes), ReplayFormat.JSONL, Limits.DEFAULT, "x.jsonl")) {
      return r.stream().toList();
    }
  }

  private static Optional<JsonNode> strictTree(String line) {
    try {
      return Optional.of(STRICT.readTree(line));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /**
   * What a strict JSON value says as a WeightSnapshot under the proto3 JSON rules; empty if none.
   */
  static Optional<WeightSnapshot> oracle(JsonNode root) {
    if (!root.isObject()) {
      return Optional.empty();
    }
    WeightSnapshot.Builder b = WeightSnapshot.newBuilder();
    Map<String, Function<JsonNode, Boolean>> fields =
        Map.ofEntries(
            Map.entry("runId", v -> text(v, b::setRunId)),
            Map.entry("layer", v -> text(v, b::setLayer)),
            Map.entry("optimizer", v -> text(v, b::setOptimizer)),
            Map.entry("replica", v -> int32(v, b::setReplica)),
            Map.entry("batchSize", v -> int32(v, b::setBatchSize)),
            Map.entry("ensembleSize", v -> int32(v, b::setEnsembleSize)),
            Map.entry("chunkIndex", v -> int32(v, b::setChunkIndex)),
            Map.entry("chunkCount", v -> int32(v, b::setChunkCount)),
            Map.entry("step", v -> int64(v, b::setStep)),
            Map.entry("timeUnixMillis", v -> int64(v, b::setTimeUnixMillis)),
            Map.entry("seed", v -> int64(v, b::setSeed)),
            Map.entry("chunkOffset", v -> int64(v, b::setChunkOffset)),
            Map.entry("learningRate", v -> float64(v, b::setLearningRate)),
            Map.entry("loss", v -> float64(v, b::setLoss)),
            Map.entry("shape", v -> each(v, e -> int32(e, b::addShape))),
            Map.entry("values", v -> each(v, e -> float32(e, b::addValues))),
            Map.entry("probeInputs", v -> each(v, e -> float32(e, b::addProbeInputs))),
            Map.entry("gradientMean", v -> each(v, e -> float32(e, b::addGradientMean))),
            Map.entry("gradientVariance", v -> each(v, e -> float32(e, b::addGradientVariance))));
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      Function<JsonNode, Boolean> set = fields.get(camel(f.getKey()));
      // unknown names are ignored (a newer writer's fields); null is the default value
      if (set != null && !f.getValue().isNull() && !set.apply(f.getValue())) {
        return Optional.empty();
      }
    }
    return Optional.of(b.build());
  }

  private static String camel(String name) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_' && i + 1 < name.length()) {
        s.append(Character.toUpperCase(name.charAt(++i)));
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }

  private static boolean text(JsonNode v, Consumer<String> set) {
    if (!v.isTextual()) {
      return false;
    }
    set.accept(v.textValue());
    return true;
  }

  /** Numbers, and strings holding numbers, whose value is an integer in range (1.0 and 1e2 too). */
  private static Optional<BigDecimal> integral(JsonNode v) {
    try {
      if (v.isNumber() || v.isTextual()) {
        BigDecimal d = v.isNumber() ? v.decimalValue() : new BigDecimal(v.textValue());
        return Optional.of(d.stripTrailingZeros()).filter(x -> x.scale() <= 0);
      }
    } catch (NumberFormatException e) {
      // not a number
    }
    return Optional.empty();
  }

  private static boolean int32(JsonNode v, Consumer<Integer> set) {
    Optional<BigDecimal> d = integral(v);
    try {
      set.accept(d.orElseThrow(ArithmeticException::new).intValueExact());
      return true;
    } catch (ArithmeticException e) {
      return false;
    }
  }

  private static boolean int64(JsonNode v, Consumer<Long> set) {
    Optional<BigDecimal> d = integral(v);
    try {
      set.accept(d.orElseThrow(ArithmeticException::new).longValueExact());
      return true;
    } catch (ArithmeticException e) {
      return false;
    }
  }

  /** A number or the strings "NaN", "Infinity", "-Infinity" (or a number in a string). */
  private static Optional<Double> number(JsonNode v) {
    if (v.isNumber()) {
      return Optional.of(v.decimalValue().doubleValue());
    }
    if (!v.isTextual()) {
      return Optional.empty();
    }
    switch (v.textValue()) {
      case "NaN":
        return Optional.of(Double.NaN);
      case "Infinity":
        return Optional.of(Double.POSITIVE_INFINITY);
      case "-Infinity":
        return Optional.of(Double.NEGATIVE_INFINITY);
      default:
        try {
          return Optional.of(new BigDecimal(v.textValue()).doubleValue());
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
    }
  }

  private static boolean float64(JsonNode v, Consumer<Double> set) {
    Optional<Double> d = number(v).filter(x -> !Double.isInfinite(x) || isInfinityText(v));
    d.ifPresent(set);
    return d.isPresent();
  }

  private static boolean float32(JsonNode v, Consumer<Float> set) {
    Optional<Double> d = number(v);
    if (d.isEmpty()
        || (Double.isInfinite(d.get()) && !isInfinityText(v))
        || Math.abs(d.get()) > Float.MAX_VALUE * (1 + 1e-6)) {
      return Double.isNaN(d.orElse(0.0)) ? accept(set, Float.NaN) : false;
    }
    set.accept((float) d.get().doubleValue());
    return true;
  }

  private static boolean accept(Consumer<Float> set, float f) {
    set.accept(f);
    return true;
  }

  private static boolean isInfinityText(JsonNode v) {
    return v.isTextual() && (v.textValue().equals("Infinity") || v.textValue().equals("-Infinity"));
  }

  private static boolean each(JsonNode v, Function<JsonNode, Boolean> add) {
    if (!v.isArray()) {
      return false;
    }
    for (JsonNode e : v) {
      if (e.isNull() || !add.apply(e)) {
        return false;
      }
    }
    return true;
  }
}
