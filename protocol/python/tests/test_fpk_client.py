"""Unit tests of fpk_client; run from protocol/python with: /usr/bin/python3 -m unittest -v"""

import io
import math
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import fpk_client  # noqa: E402
from fpk_client import WeightSnapshot  # noqa: E402


def _read_delimited(data):
    """Inverse of encode_delimited, written independently of it."""
    out, pos = [], 0
    while pos < len(data):
        length, shift = 0, 0
        while True:
            b = data[pos]
            pos += 1
            length |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        out.append(WeightSnapshot.FromString(data[pos:pos + length]))
        pos += length
    return out


class FakeProducer:
    def __init__(self):
        self.sent = []
        self.flushed = 0

    def produce(self, topic, value=None, key=None, headers=None, on_delivery=None):
        self.sent.append((topic, key, value, headers))
        if on_delivery:
            on_delivery(None, None)

    def poll(self, timeout=0):
        return 0

    def flush(self, timeout=None):
        self.flushed += 1
        return 0


class FpkClientTest(unittest.TestCase):
    def test_encodes_snapshot_whose_bytes_decode_to_the_same_fields(self):
        [s] = fpk_client.build_snapshots("run-1", 2, 40, "bottleneck", [[1.0, -2.0, 0.5], [3.0, 4.0, 5.0]],
                                         learning_rate=0.05, batch_size=32, loss=0.25, optimizer="sgd",
                                         ensemble_size=4, time_unix_millis=1234)
        d = WeightSnapshot.FromString(s.SerializeToString())
        self.assertEqual(d.run_id, "run-1")
        self.assertEqual(d.replica, 2)
        self.assertEqual(d.step, 40)
        self.assertEqual(d.layer, "bottleneck")
        self.assertEqual(list(d.shape), [2, 3])
        self.assertEqual(list(d.values), [1.0, -2.0, 0.5, 3.0, 4.0, 5.0])
        self.assertAlmostEqual(d.learning_rate, 0.05)
        self.assertEqual(d.batch_size, 32)
        self.assertTrue(d.HasField("loss"))
        self.assertEqual(d.optimizer, "sgd")
        self.assertEqual(d.ensemble_size, 4)
        self.assertEqual(d.time_unix_millis, 1234)
        self.assertEqual(d.chunk_count, 0)

    def test_uses_the_wire_field_numbers_of_the_spec(self):
        s = WeightSnapshot(run_id="r", replica=1, step=2, layer="l", learning_rate=0.5, batch_size=3)
        s.shape.append(1)
        s.values.append(1.0)
        # field 1 run_id "r", 2 replica 1, 3 step 2, 4 layer "l", 5 packed shape, 6 packed values,
        # 7 double learning_rate, 8 batch_size
        self.assertEqual(s.SerializeToString(),
                         b"\x0a\x01r\x10\x01\x18\x02\x22\x01l\x2a\x01\x01\x32\x04\x00\x00\x80\x3f"
                         b"\x39\x00\x00\x00\x00\x00\x00\xe0\x3f\x40\x03")

    def test_key_escapes_slash_and_percent_in_run_id_only(self):
        self.assertEqual(fpk_client.snapshot_key("run-1", "bottleneck"), "run-1/bottleneck")
        self.assertEqual(fpk_client.snapshot_key("a/b%c", "enc/0"), "a%2Fb%25c/enc/0")

    def test_rejects_nan_naming_the_index(self):
        with self.assertRaisesRegex(ValueError, r"values\[1\] = nan: values must be finite"):
            fpk_client.build_snapshot("r", 0, 0, "l", [1.0, float("nan")])

    def test_rejects_bad_ids_step_and_ragged_tensor(self):
        with self.assertRaisesRegex(ValueError, "run_id is empty"):
            fpk_client.build_snapshot("", 0, 0, "l", [1.0])
        with self.assertRaisesRegex(ValueError, "layer has 300 characters, at most 256"):
            fpk_client.build_snapshot("r", 0, 0, "x" * 300, [1.0])
        with self.assertRaisesRegex(ValueError, "step = -1"):
            fpk_client.build_snapshot("r", 0, -1, "l", [1.0])
        with self.assertRaisesRegex(ValueError, "ragged"):
            fpk_client.build_snapshot("r", 0, 0, "l", [[1.0, 2.0], [3.0]])
        with self.assertRaises(TypeError):
            fpk_client.build_snapshot("r", 0, 0, "l", [1.0], no_such_field=1)

    def test_chunks_large_matrix_under_the_byte_budget_and_they_tile_it(self):
        rows, cols = 64, 50
        matrix = [[r * cols + c + 0.5 for c in range(cols)] for r in range(rows)]
        chunks = fpk_client.build_snapshots("r", 0, 1, "l", matrix, max_message_bytes=2000,
                                            probe_inputs=[[1.0] * cols] * 2)
        self.assertGreater(len(chunks), 1)
        whole = [None] * (rows * cols)
        for i, c in enumerate(chunks):
            self.assertLessEqual(c.ByteSize(), 2000)
            self.assertEqual((c.chunk_index, c.chunk_count), (i, len(chunks)))
            self.assertEqual(list(c.shape), [rows, cols])
            self.assertEqual(len(c.probe_inputs), 2 * cols if i == 0 else 0)
            whole[c.chunk_offset:c.chunk_offset + len(c.values)] = list(c.values)
        self.assertEqual(whole, [v for row in matrix for v in row])

    def test_delimited_stream_decodes_record_by_record(self):
        snaps = [fpk_client.build_snapshot("r", 0, step, "l", [step, step + 1.0]) for step in range(3)]
        self.assertEqual(_read_delimited(fpk_client.encode_delimited(snaps)), snaps)

    def test_json_line_uses_proto3_json_names(self):
        s = fpk_client.build_snapshot("r", 1, 7, "l", [1.5], learning_rate=0.1, batch_size=8, time_unix_millis=5)
        line = fpk_client.to_json_line(s)
        self.assertNotIn(" ", line)
        for name in ('"runId":"r"', '"replica":1', '"step":"7"', '"layer":"l"', '"shape":[1]', '"values":[1.5]',
                     '"learningRate":0.1', '"batchSize":8'):
            self.assertIn(name, line)

    def test_publish_sends_chunks_with_key_and_schema_header(self):
        p = FakeProducer()
        n = fpk_client.publish(p, "a/b", 0, 3, "enc/0", [[0.0] * 100] * 100, learning_rate=0.1,
                               max_message_bytes=10_000)
        self.assertEqual(n, len(p.sent))
        self.assertGreater(n, 1)
        for topic, key, value, headers in p.sent:
            self.assertEqual(topic, "fpk.snapshots.v1")
            self.assertEqual(key, b"a%2Fb/enc/0")
            self.assertEqual(headers, [("fpk-schema", b"fpk.v1.WeightSnapshot")])
            self.assertEqual(WeightSnapshot.FromString(value).chunk_count, n)
        self.assertEqual(p.flushed, 0)  # a producer passed in is flushed by its owner

    def test_write_replay_by_extension(self):
        snaps = [fpk_client.build_snapshot("r", 0, 0, "l", [1.0])]
        with tempfile.TemporaryDirectory() as d:
            pb, jl = os.path.join(d, "x.pb"), os.path.join(d, "x.jsonl")
            fpk_client.write_replay(pb, snaps)
            fpk_client.write_replay(jl, snaps)
            with open(pb, "rb") as f:
                self.assertEqual(_read_delimited(f.read()), snaps)
            with open(jl, encoding="utf-8") as f:
                self.assertEqual(f.read().count("\n"), 1)
            with self.assertRaises(ValueError):
                fpk_client.write_replay(os.path.join(d, "x.txt"), snaps)


if __name__ == "__main__":
    unittest.main()
