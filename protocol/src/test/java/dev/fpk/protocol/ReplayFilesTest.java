package dev.fpk.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import dev.fpk.protocol.v1.WeightSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReplayFilesTest {
  @TempDir Path dir;

  private static List<WeightSnapshot> sample() {
    List<WeightSnapshot> out = new ArrayList<>();
    for (int step = 0; step < 5; step++) {
      out.add(
          TestSnapshots.matrix(3, 4)
              .setStep(step)
              .setReplica(step % 2)
              .setLoss(0.25 * step)
              .build());
    }
    return out;
  }

  private static List<ReplayItem> readAll(Path file) throws IOException {
    try (ReplayReader r = ReplayFiles.open(file)) {
      return r.stream().toList();
    }
  }

  @ParameterizedTest
  @EnumSource(ReplayFormat.class)
  void shouldRoundTripSnapshotsThroughReplayFile(ReplayFormat format) throws IOException {
    Path file = dir.resolve("run" + format.extension());
    try (ReplayWriter w = ReplayWriter.create(file, format)) {
      w.writeAll(sample());
      assertEquals(5, w.count());
    }
    List<ReplayItem> items = readAll(file);
    assertEquals(sample(), items.stream().map(i -> i.snapshot().orElseThrow()).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), items.stream().map(ReplayItem::ordinal).toList());
  }

  @Test
  void shouldWriteOneCompactProto3JsonObjectPerLine() throws IOException {
    Path file = dir.resolve("run.jsonl");
    try (ReplayWriter w = ReplayWriter.create(file)) {
      w.write(TestSnapshots.matrix(1, 2).build());
    }
    String text = Files.readString(file);
    assertEquals(
        "{\"runId\":\"run-1\",\"replica\":3,\"step\":\"100\",\"layer\":\"bottleneck\",\"shape\":[1,2],"
            + "\"values\":[-1.0,-0.5],\"learningRate\":0.01,\"batchSize\":32}\n",
        text);
  }

  @Test
  void shouldRejectBadJsonLineInTheMiddleAndReadTheLinesAroundIt() throws IOException {
    Path file = dir.resolve("mixed.jsonl");
    List<WeightSnapshot> s = sample();
    String text =
        JsonMapping.toJson(s.get(0))
            + "\n"
            + "{\"runId\": \"run-1\", \"values\": [1, 2,\n" // broken JSON
            + "\n" // blank line: skipped
            + JsonMapping.toJson(s.get(1).toBuilder().setValues(2, Float.NaN))
            + "\r\n" // NaN, CRLF
            + JsonMapping.toJson(s.get(2))
            + "\r\n"
            + JsonMapping.toJson(s.get(3)); // no final newline
    Files.writeString(file, text);
    List<ReplayItem> items = readAll(file);
    assertEquals(List.of(1L, 2L, 4L, 5L, 6L), items.stream().map(ReplayItem::ordinal).toList());
    assertEquals(s.get(0), items.get(0).snapshot().orElseThrow());
    assertEquals(RejectReason.UNPARSEABLE, reason(items.get(1)));
    assertEquals("mixed.jsonl:2", items.get(1).location());
    assertEquals(RejectReason.NON_FINITE, reason(items.get(2)));
    assertTrue(
        items.get(2).describe().startsWith("mixed.jsonl:4: non_finite: values[2] = NaN"),
        items.get(2).describe());
    assertEquals(s.get(2), items.get(3).snapshot().orElseThrow());
    assertEquals(s.get(3), items.get(4).snapshot().orElseThrow());
  }

  @Test
  void shouldRejectOverlongJsonLineWithoutStoppingTheFile() throws IOException {
    Limits limits = Limits.DEFAULT.withMaxRecordBytes(100); // JSON lines up to 400 bytes
    Path file = dir.resolve("long.jsonl");
    WeightSnapshot big = TestSnapshots.matrix(20, 20).build();
    WeightSnapshot small = TestSnapshots.matrix(1, 1).build();
    Files.writeString(file, JsonMapping.toJson(big) + "\n" + JsonMapping.toJson(small) + "\n");
    try (ReplayReader r = ReplayFiles.open(file, ReplayFormat.JSONL, limits)) {
      List<ReplayItem> items = r.stream().toList();
      assertEquals(RejectReason.TOO_LARGE, reason(items.get(0)));
      assertEquals(0, items.get(0).raw().length);
      assertEquals(small, items.get(1).snapshot().orElseThrow());
    }
  }

  @Test
  void shouldRejectJsonLineWithMoreNumbersThanTheLimitBeforeParsing() throws IOException {
    Limits limits = Limits.DEFAULT.withMaxValues(4);
    String line = "{\"runId\":\"r\",\"layer\":\"l\",\"values\":[" + "0,".repeat(100) + "0]}";
    try (ReplayReader r =
        ReplayFiles.open(
            new java.io.ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)),
            ReplayFormat.JSONL,
            limits,
            "x")) {
      assertEquals(RejectReason.TOO_LARGE, reason(r.read()));
    }
  }

  @Test
  void shouldReportTruncatedTailOfPbFileAfterTheWholeRecords() throws IOException {
    Path file = dir.resolve("cut.pb");
    try (ReplayWriter w = ReplayWriter.create(file)) {
      w.writeAll(sample());
    }
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 7));
    List<ReplayItem> items = readAll(file);
    assertEquals(5, items.size());
    for (int i = 0; i < 4; i++) {
      assertEquals(sample().get(i), items.get(i).snapshot().orElseThrow());
    }
    assertEquals(RejectReason.TRUNCATED, reason(items.get(4)));
    assertTrue(
        rejected(items.get(4)).detail().contains("but the file ends after"),
        items.get(4).describe());
  }

  @Test
  void shouldRejectPbLengthPrefixAboveLimitWithoutAllocatingAndGoOn() throws IOException {
    Path file = dir.resolve("huge.pb");
    WeightSnapshot s = TestSnapshots.valid();
    try (OutputStream out = Files.newOutputStream(file)) {
      CodedOutputStream c = CodedOutputStream.newInstance(out);
      c.writeUInt32NoTag(1000); // claims 1000 bytes, limit below
      c.writeRawBytes(new byte[1000]);
      c.flush();
      s.writeDelimitedTo(out);
    }
    Limits limits = Limits.DEFAULT.withMaxRecordBytes(500);
    try (ReplayReader r = ReplayFiles.open(file, ReplayFormat.PB, limits)) {
      ReplayItem first = r.read();
      assertEquals(RejectReason.TOO_LARGE, reason(first));
      assertEquals("record claims 1000 bytes, at most 500", rejected(first).detail());
      assertEquals(s, r.read().snapshot().orElseThrow());
      assertEquals(null, r.read());
    }
  }

  @Test
  void shouldRejectPbLengthPrefixClaimingATerabyteWithoutAllocatingForIt() throws Throwable {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(bos);
    c.writeUInt64NoTag(1L << 40);
    c.writeRawBytes(new byte[] {1, 2, 3});
    c.flush();
    long allocated =
        AllocatedBytes.ofSecondRun(
            () -> {
              try (ReplayReader r =
                  ReplayFiles.open(
                      new java.io.ByteArrayInputStream(bos.toByteArray()),
                      ReplayFormat.PB,
                      Limits.DEFAULT,
                      "x")) {
                ReplayItem item = r.read();
                assertEquals(RejectReason.TOO_LARGE, reason(item));
                assertTrue(
                    rejected(item).detail().contains("1099511627776 bytes"), item.describe());
                assertEquals(null, r.read());
              }
            });
    // the reader's own buffers only: nothing of the claimed size, nor of the 64 MiB record limit
    assertTrue(allocated < 1 << 20, allocated + " bytes allocated reading a claim of 2^40 bytes");
  }

  @Test
  void shouldRejectUnparseablePbRecordAndGoOn() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(bos);
    c.writeUInt32NoTag(3);
    c.writeRawBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    c.flush();
    TestSnapshots.valid().writeDelimitedTo(bos);
    try (ReplayReader r =
        ReplayFiles.open(
            new java.io.ByteArrayInputStream(bos.toByteArray()),
            ReplayFormat.PB,
            Limits.DEFAULT,
            "x")) {
      assertEquals(RejectReason.UNPARSEABLE, reason(r.read()));
      assertEquals(TestSnapshots.valid(), r.read().snapshot().orElseThrow());
    }
  }

  @Test
  void shouldFailWithClearMessageOnMissingFile() {
    Path missing = dir.resolve("nope.jsonl");
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> ReplayFiles.open(missing));
    assertTrue(
        e.getMessage().contains("nope.jsonl") && e.getMessage().contains("does not exist"),
        e.getMessage());
  }

  @Test
  void shouldFailWithClearMessageOnDirectory() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("d.pb"));
    IOException e = assertThrows(IOException.class, () -> ReplayFiles.open(sub));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
  }

  @Test
  void shouldTellFormatFromNameAndExtension() {
    assertEquals(ReplayFormat.JSONL, ReplayFormat.fromName("jsonl"));
    assertEquals(ReplayFormat.PB, ReplayFormat.fromName(" PB "));
    assertEquals(ReplayFormat.JSONL, ReplayFormat.fromPath(Path.of("/x/run.JSONL")));
    assertEquals(ReplayFormat.PB, ReplayFormat.fromPath(Path.of("run.pb")));
    IllegalArgumentException byName =
        assertThrows(IllegalArgumentException.class, () -> ReplayFormat.fromName("csv"));
    assertTrue(byName.getMessage().contains("'csv'"), byName.getMessage());
    IllegalArgumentException byPath =
        assertThrows(
            IllegalArgumentException.class, () -> ReplayFormat.fromPath(Path.of("data/run.txt")));
    assertTrue(byPath.getMessage().contains("data/run.txt"), byPath.getMessage());
  }

  @Test
  void shouldKeepRawBytesOfEachRecord() throws IOException {
    Path file = dir.resolve("raw.pb");
    try (ReplayWriter w = ReplayWriter.create(file)) {
      w.write(TestSnapshots.valid());
    }
    assertArrayEquals(TestSnapshots.valid().toByteArray(), readAll(file).get(0).raw());
  }

  private static RejectReason reason(ReplayItem item) {
    return rejected(item).reason();
  }

  @SuppressWarnings("unchecked")
  private static Validation.Rejected<WeightSnapshot> rejected(ReplayItem item) {
    return assertInstanceOf(Validation.Rejected.class, item.snapshot(), item::describe);
  }
}
